"""Constituent feedback (群众意见): the station inbox, a case with its timeline and the moves the caller may make
now, the handling unit's queue (待办件), and the screening word list (敏感词).

Every page calls the feedback services the JSON API calls, with the console principal: the same scopes (a
case outside them is 404), the same workflow (an impossible move is 409 naming the current state), and the
same `actions` list deciding which buttons a case shows.
"""
from flask import abort, render_template, request, url_for
from flask.views import MethodView

from api.common.access import current_principal
from api.common.permissions import OFFICE, STATION_STAFF
from api.console.blueprint import page
from api.console.forms import done, load, optional_int, submit, text
from api.console.listing import page_or_results, paged
from api.console.session import requires
from api.feedback import access, services
from api.feedback.models import CATEGORIES, COMMENT_KINDS, PENDING, STATE_LABELS
from api.feedback.schemas import (
    AnswerSchema,
    CaseQuerySchema,
    CloseSchema,
    CommentCreateSchema,
    ExtensionCreateSchema,
    ForwardSchema,
    MergeSchema,
    ReasonSchema,
    RefuseSchema,
    WordSchema,
)
from api.files.services import signed_url
from api.org import services as org

INBOX = "console.feedback"


# --- the inbox ---


@page("/feedback", "feedback", nav="群众意见", permission="feedback:read", order=30)
class Inbox(MethodView):
    @requires("feedback:read")
    def get(self):
        """群众意见：按联络站、状态、类别、日期、超期筛选，全文搜索，各状态数量"""
        principal = current_principal()
        args = inbox_filters()
        return page_or_results(
            "console/feedback/list.html", "console/feedback/_results.html",
            page=paged(services.list_cases(principal, args)), counts=services.counts(principal, args),
            args=args, choices=choices(principal), state_url=state_url,
        )


def inbox_filters():
    """The query string as CaseQuerySchema takes it: `state` may repeat (a list), blanks are left out."""
    given = {key: value.strip() for key, value in request.args.items()
             if key not in ("page", "state") and value.strip()}
    states = [value for value in request.args.getlist("state") if value.strip()]
    if states:
        given["state"] = states
    return load(CaseQuerySchema(), given)


def state_url(state=None, overdue=None):
    """The inbox with the current filters but another state tab (None: all states), or only the overdue."""
    args = {key: value for key, value in request.args.items(multi=True) if key not in ("page", "state", "overdue")}
    if request.args.get("overdue") and overdue is None:
        args["overdue"] = request.args["overdue"]
    if state:
        args["state"] = state
    if overdue:
        args["overdue"] = "true"
    return url_for(INBOX, **args)


def choices(principal):
    stations = []
    if principal.role in OFFICE or principal.role == STATION_STAFF:  # units see only their own cases anyway
        stations = [(s.id, s.name) for s in org.visible_stations(principal, {})]
    return {
        "stations": stations,
        "states": list(STATE_LABELS.items()),
        "categories": [(c, c) for c in CATEGORIES],
    }


# --- a case ---


@page("/feedback/<int:case_id>", "feedback_case")
class CaseDetail(MethodView):
    @requires("feedback:read")
    def get(self, case_id):
        """事项详情：内容、照片、联系人（打码）、办理记录、代表意见、当前可做的操作"""
        return render_case(case_id)


def render_case(case_id, status=200):
    principal = current_principal()
    case = access.visible_case(case_id, principal)
    detail = services.case_detail(case, principal)
    actions = set(detail["actions"])
    extensions = services.extensions_of(case)
    context = {
        "case": detail,
        "actions": actions,
        "moves": actions - {"comment", "contact"},  # what the 办理 section offers
        "photos": [{"file": photo, "url": signed_url(photo)} for photo in detail["photos"]],
        "timeline": services.timeline(case),
        "comments": services.comments_of(case),
        "comment_kinds": COMMENT_KINDS,
        "extensions": extensions,
        "decides_extensions": access.handles_station(case, principal)
        and any(e["state"] == PENDING for e in extensions),
        "units": [(u.id, u.name) for u in org.visible_units(principal, {"is_active": True})]
        if "forward" in actions else [],
        "due": services.forward_due_date() if "forward" in actions else None,
        "similar": services.similar_open_cases(case, principal) if "merge" in actions else [],
        "moved": request.args.get("moved"),
    }
    return render_template("console/feedback/detail.html", **context), status


@page("/feedback/<int:case_id>/contact", "feedback_contact", methods=["POST"])
class Contact(MethodView):
    @requires("feedback:contact")
    def post(self, case_id):
        """显示群众姓名和电话明文（仅本站工作人员和承办单位；记入审计）"""
        principal = current_principal()
        contact = services.contact(access.visible_case(case_id, principal), principal)
        return render_template("console/feedback/_contact.html", contact=contact)


# The station's moves: name → (the service call with the form, what the page says after it).
STATION_MOVES = {
    "release": (lambda case_id, me, form: services.release(case_id, me), "已审核通过"),
    "accept": (lambda case_id, me, form: services.accept(case_id, me), "已受理"),
    "reject": (lambda case_id, me, form: services.reject(case_id, me, reason(form)), "已不予受理"),
    "merge": (lambda case_id, me, form: services.merge(case_id, me, merge_target(form, me)), "已合并"),
    "forward": (lambda case_id, me, form: services.forward(case_id, me, **forward_data(form)), "已转办"),
    "close": (lambda case_id, me, form: services.close(case_id, me, **close_data(form)), "已办结"),
}
UNIT_MOVES = {
    "answer": (lambda case_id, me, form: services.answer(case_id, me, answer_text(form)), "已答复"),
    "return": (lambda case_id, me, form: services.return_case(case_id, me, reason(form)), "已退回"),
    "extend": (lambda case_id, me, form: services.request_extension(case_id, me, **extension_data(form)),
               "已申请延期"),
}


@page("/feedback/<int:case_id>/station/<move>", "feedback_station_move", methods=["POST"])
class StationMove(MethodView):
    @requires("feedback:handle")
    def post(self, case_id, move):
        """联络站办理：审核通过、受理、不予受理、合并、转办、办结"""
        return make_move(STATION_MOVES, case_id, move)


@page("/feedback/<int:case_id>/unit/<move>", "feedback_unit_move", methods=["POST"])
class UnitMove(MethodView):
    @requires("feedback:unit")
    def post(self, case_id, move):
        """承办单位办理：答复、申请延期、退回"""
        return make_move(UNIT_MOVES, case_id, move)


def make_move(moves, case_id, move):
    if move not in moves:
        abort(404)
    call, said = moves[move]
    principal = current_principal()
    call(case_id, principal, request.form)
    if move == "return":  # the unit no longer holds (nor sees) the case
        return done(url_for("console.feedback_queue", moved=said))
    return done(url_for("console.feedback_case", case_id=case_id, moved=said))


def reason(form):
    return load(ReasonSchema(), {"reason": text(form, "reason")})["reason"]


def merge_target(form, principal):
    return load(MergeSchema(), {"into_id": services.case_reference(text(form, "into"), principal)})["into_id"]


def forward_data(form):
    data = load(ForwardSchema(), {"unit_id": optional_int(form, "unit_id") or 0, "days": _number(form, "days")})
    return {"unit_id": data["unit_id"], "days": data.get("days")}


def close_data(form):
    return {"reply": load(CloseSchema(), {"reply": text(form, "reply").strip() or None})["reply"]}


def answer_text(form):
    return load(AnswerSchema(), {"answer": text(form, "answer")})["answer"]


def extension_data(form):
    data = load(ExtensionCreateSchema(), {"days": _number(form, "days"), "reason": text(form, "reason")})
    return {"days": data["days"], "reason": data["reason"]}


def _number(form, name):
    """A number input as an integer; blank as None; anything else passed on for the schema to refuse."""
    raw = text(form, name).strip()
    if not raw:
        return None
    return int(raw) if raw.lstrip("-").isdigit() else raw


@page("/feedback/due-date", "feedback_due_date")
class DueDate(MethodView):
    @requires("feedback:handle")
    def get(self):
        """转办的答复期限：按工作日历推算"""
        days = load(ForwardSchema(partial=("unit_id",)), {"days": _number(request.args, "days")}).get("days")
        return render_template("console/feedback/_due.html", due=services.forward_due_date(days))


@page("/feedback/<int:case_id>/comments", "feedback_comment", methods=["POST"])
class Comment(MethodView):
    @requires("feedback:comment")
    def post(self, case_id):
        """发表意见或建议（代表和工作人员不直接处理问题）"""
        data = load(CommentCreateSchema(), {"body": text(request.form, "body"),
                                            "kind": text(request.form, "kind") or "comment"})
        services.add_comment(case_id, current_principal(), data["body"], data["kind"])
        return done(url_for("console.feedback_case", case_id=case_id, moved="已发表") + "#comments")


@page("/feedback/extensions/<int:extension_id>/<decision>", "feedback_extension", methods=["POST"])
class ExtensionDecision(MethodView):
    @requires("feedback:handle")
    def post(self, extension_id, decision):
        """审批延期申请：批准（期限按工作日顺延）或不批准（须说明原因）"""
        principal = current_principal()
        if decision == "approve":
            extension = services.approve_extension(extension_id, principal)
        elif decision == "refuse":
            reason_text = load(RefuseSchema(), {"reason": text(request.form, "reason")})["reason"]
            extension = services.refuse_extension(extension_id, principal, reason_text)
        else:
            abort(404)
        said = "已批准延期" if decision == "approve" else "已不批准延期"
        return done(url_for("console.feedback_case", case_id=extension["case_id"], moved=said))


# --- the unit's queue ---


@page("/feedback/queue", "feedback_queue", nav="待办件", permission="feedback:unit", order=31)
class UnitQueue(MethodView):
    @requires("feedback:unit")
    def get(self):
        """承办单位待办件：本单位待答复的事项，期限最近、超期的在前"""
        principal = current_principal()
        return page_or_results(
            "console/feedback/queue.html", "console/feedback/_queue.html",
            page=paged(services.unit_queue(principal)), counts=services.unit_queue_counts(principal),
            moved=request.args.get("moved"),
        )


# --- the word list ---


@page("/feedback/words", "feedback_words", nav="敏感词", permission="feedback:words", order=65,
      methods=["GET", "POST"])
class Words(MethodView):
    @requires("feedback:words")
    def get(self):
        """敏感词表：命中的意见转人工审核"""
        return _words()

    @requires("feedback:words")
    def post(self):
        """添加敏感词"""
        def add():
            word = load(WordSchema(), {"word": text(request.form, "word")})["word"]
            services.add_word(word, current_principal())
            return done(url_for("console.feedback_words", added=word))

        return submit(add, lambda errors, message, status: _words(errors, message, status))


@page("/feedback/words/<int:word_id>/delete", "feedback_word_delete", methods=["POST"])
class DeleteWord(MethodView):
    @requires("feedback:words")
    def post(self, word_id):
        """删除敏感词"""
        services.delete_word(word_id)
        return done(url_for("console.feedback_words"))


def _words(errors=None, message=None, status=200):
    template = "console/feedback/_words.html" if request.headers.get("HX-Request") else "console/feedback/words.html"
    return render_template(
        template, words=list(services.words()), errors=errors or {}, message=message,
        values=request.form, added=request.args.get("added"),
    ), status
