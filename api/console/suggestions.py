"""Deputy suggestions (代表建议), the office's side: the review queue with 两摘两推 and duplicate hints, a
suggestion with its review, assignment (with the suggested units and their reasons), supervision, and the
units' answers, commitments and timeline.

Every page calls the suggestion services the JSON API calls, with the console principal: the same scopes
(a unit sees only what was assigned to it), the same workflows and the same `actions` deciding the buttons.
"""
from flask import abort, render_template, request, url_for
from flask.views import MethodView

from api.common.access import current_principal
from api.console.blueprint import page
from api.console.forms import done, ids, load, optional_int, text
from api.console.listing import page_or_results, paged
from api.console.session import requires
from api.org import services as org
from api.suggestions import access, services
from api.suggestions.models import CATEGORIES, STATE_LABELS
from api.suggestions.schemas import (
    AssignSchema,
    ProgressCreateSchema,
    SgDigestSchema,
    SgMergeSchema,
    SgRejectSchema,
    SuggestionQuerySchema,
    SuperviseSchema,
)

LIST = "console.suggestions"


@page("/suggestions", "suggestions", nav="代表建议", permission="suggestions:read", order=34)
class SuggestionList(MethodView):
    @requires("suggestions:read")
    def get(self):
        """代表建议：审查队列（默认待审查），两摘两推，按状态、类别、重点督办筛选"""
        given = {key: value.strip() for key, value in request.args.items()
                 if key not in ("page", "state") and value.strip()}
        states = [value for value in request.args.getlist("state") if value.strip()]
        if states:
            given["state"] = states
        args = load(SuggestionQuerySchema(), given)
        return page_or_results(
            "console/suggestions/list.html", "console/suggestions/_results.html",
            page=paged(services.list_suggestions(current_principal(), args)), args=args,
            states=list(STATE_LABELS.items()), categories=[(c, c) for c in CATEGORIES],
        )


@page("/suggestions/<int:suggestion_id>", "suggestion")
class SuggestionPage(MethodView):
    @requires("suggestions:read")
    def get(self, suggestion_id):
        """建议详情：内容、两摘两推、相近建议、推荐承办单位、交办与答复、承诺、办理记录"""
        return render_suggestion(suggestion_id)


def render_suggestion(suggestion_id):
    principal = current_principal()
    suggestion = access.visible(suggestion_id, principal)
    detail = services.detail(suggestion, principal)
    actions = set(detail["actions"])
    office = bool(actions & {"accept", "assign", "rehandle", "digest"})
    context = {
        "s": detail,
        "actions": actions,
        "has_moves": bool(actions & {"accept", "reject", "merge", "assign", "rehandle", "supervise"}),
        "duplicates": services.duplicates(suggestion) if office else [],
        "suggested": services.assignment_suggestion(suggestion.id, principal)
        if actions & {"assign", "rehandle"} else [],
        "units": active_units(principal) if actions & {"assign", "rehandle", "digest"} else [],
        "timeline": services.timeline(suggestion),
        "progress": list(services.progress_of(suggestion.id, principal)),
        "moved": request.args.get("moved"),
    }
    return render_template("console/suggestions/detail.html", **context)


def active_units(principal):
    return [(unit.id, unit.name) for unit in org.visible_units(principal, {"is_active": True})]


def _reject(sid, me, form):
    data = load(SgRejectSchema(), {"reason": text(form, "reason"), "passed_to": text(form, "passed_to")})
    return services.reject(sid, me, data["reason"], data["passed_to"])


def _merge(sid, me, form):
    return services.merge(sid, me, load(SgMergeSchema(), {"into_id": optional_int(form, "into_id") or 0})["into_id"])


def assignment_data(form):
    mode = text(form, "mode") or "lead"
    body = {"mode": mode, "reason": text(form, "reason")}
    if mode == "lead":
        body.update(lead_unit_id=optional_int(form, "lead_unit_id") or 0, co_unit_ids=ids(form, "co_unit_ids"))
    else:
        body["unit_ids"] = ids(form, "unit_ids")
    return load(AssignSchema(), body)


def _digest(sid, me, form):
    points = [line.strip() for line in text(form, "key_points").splitlines() if line.strip()]
    data = load(SgDigestSchema(), {"abstract": text(form, "abstract"), "key_points": points,
                                   "recommended_unit_id": optional_int(form, "recommended_unit_id")})
    return services.update_digest(sid, me, data)


def _supervise(sid, me, form):
    data = load(SuperviseSchema(), {"key": text(form, "key") == "on", "supervisor": text(form, "supervisor")})
    return services.supervise(sid, me, data["key"], data.get("supervisor"))


MOVES = {
    "accept": (lambda sid, me, form: services.accept(sid, me), "已立案"),
    "reject": (_reject, "已作不作为建议处理"),
    "merge": (_merge, "已并案"),
    "assign": (lambda sid, me, form: services.assign(sid, me, assignment_data(form)), "已交办"),
    "rehandle": (lambda sid, me, form: services.assign(sid, me, assignment_data(form), rehandle=True), "已重新交办"),
    "digest": (_digest, "已保存两摘两推"),
    "supervise": (_supervise, "已更新督办"),
}


@page("/suggestions/<int:suggestion_id>/do/<move>", "suggestion_move", methods=["POST"])
class SuggestionMove(MethodView):
    @requires("suggestions:handle")
    def post(self, suggestion_id, move):
        """审查与交办：立案、不作为建议处理、并案、交办、重新交办、两摘两推、重点督办"""
        if move not in MOVES:
            abort(404)
        call, said = MOVES[move]
        access.visible(suggestion_id, current_principal())
        call(suggestion_id, current_principal(), request.form)
        return done(url_for("console.suggestion", suggestion_id=suggestion_id, moved=said))


@page("/suggestions/<int:suggestion_id>/progress", "suggestion_progress", methods=["POST"])
class Progress(MethodView):
    @requires("suggestions:progress")
    def post(self, suggestion_id):
        """填报重点督办进展"""
        services.add_progress(suggestion_id, current_principal(), load_body(request.form))
        return done(url_for("console.suggestion", suggestion_id=suggestion_id, moved="已填报进展"))


def load_body(form):
    return load(ProgressCreateSchema(), {"body": text(form, "body")})["body"]
