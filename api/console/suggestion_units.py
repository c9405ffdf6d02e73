"""Deputy suggestions, the handling side: the unit workspace (the queue; an assignment with acknowledging,
the contact log, co-units' opinions and the answer with its commitments; requests; publishing), the
office's decisions on requests, the commitments ledger (答复承诺台账) and the statistics."""
from flask import abort, render_template, request, send_file, url_for
from flask.views import MethodView

from api.common.access import current_principal
from api.common.errors import Forbidden
from api.common.permissions import allowed
from api.common.spreadsheets import XLSX_TYPE
from api.console.blueprint import page
from api.console.forms import done, load, optional_int, text
from api.console.listing import page_or_results, paged
from api.console.session import requires
from api.org import services as org
from api.suggestions import access, handling, ledger, stats
from api.suggestions.models import ANSWER_CATEGORIES, COMMITMENT_LABELS, CONTACT_STAGES, REQUEST_KINDS
from api.suggestions.schemas import (
    ContactCreateSchema,
    DecisionSchema,
    LedgerQuerySchema,
    RequestCreateSchema,
    SgAnswerSchema,
    SgOpinionSchema,
    SgReasonSchema,
    SgReportSchema,
    StatsQuerySchema,
)

COMMITMENT_ROWS = 3  # blank commitment rows the answer form offers


@page("/suggestions/queue", "suggestion_queue", nav="建议待办", permission="suggestions:queue", order=35)
class Queue(MethodView):
    @requires("suggestions:queue")
    def get(self):
        """承办单位建议待办：本单位的交办件，期限最近、超期的在前（工作人员看全部）"""
        principal = current_principal()
        return page_or_results(
            "console/suggestion_units/queue.html", "console/suggestion_units/_queue.html",
            page=paged(handling.queue(principal, {})), counts=handling.queue_counts(principal),
            moved=request.args.get("moved"),
        )


@page("/suggestions/assignments/<int:assignment_id>", "suggestion_assignment")
class AssignmentPage(MethodView):
    @requires("suggestions:read")
    def get(self, assignment_id):
        """交办件：建议、协办意见、沟通记录、申请、答复与承诺，以及本单位可做的操作"""
        principal = current_principal()
        detail = handling.assignment_detail(access.visible_assignment(assignment_id, principal), principal)
        return render_template(
            "console/suggestion_units/assignment.html", d=detail, actions=set(detail["actions"]),
            stages=CONTACT_STAGES, categories=ANSWER_CATEGORIES, kinds=REQUEST_KINDS, rows=range(COMMITMENT_ROWS),
            moved=request.args.get("moved"),
        )


def _contact(aid, me, form):
    moment = text(form, "contacted_at").strip()
    if moment and len(moment) == 16:  # a datetime-local input: Beijing time without an offset
        moment += ":00+08:00"
    data = load(ContactCreateSchema(), {"stage": text(form, "stage"), "contacted_at": moment,
                                        "contact_person": text(form, "contact_person"),
                                        "method": text(form, "method"), "note": text(form, "note")})
    return handling.add_contact(aid, me, data)


def _answer(aid, me, form):
    commitments = []
    for i in range(COMMITMENT_ROWS):
        what, due, owner = (text(form, f"{name}_{i}").strip() for name in ("what", "due", "owner"))
        if what or due or owner:
            commitments.append({"what": what, "due_date": due, "owner": owner})
    data = load(SgAnswerSchema(), {"category": text(form, "category"), "text": text(form, "text"),
                                   "commitments": commitments})
    return handling.answer(aid, me, data)


def _request(aid, me, form):
    raw = text(form, "days").strip()
    body = {"kind": text(form, "kind"), "reason": text(form, "reason")}
    if raw:
        body["days"] = int(raw) if raw.isdigit() else raw
    return handling.request(aid, me, load(RequestCreateSchema(), body))


UNIT_MOVES = {
    "acknowledge": (lambda aid, me, form: handling.acknowledge(aid, me), "已签收"),
    "contact": (_contact, "已记录沟通"),
    "opinion": (lambda aid, me, form: handling.give_opinion(
        aid, me, load(SgOpinionSchema(), {"text": text(form, "text")})["text"]), "已提出协办意见"),
    "answer": (_answer, "已答复"),
    "request": (_request, "已提交申请"),
    "publish": (lambda aid, me, form: handling.publish(aid, me), "已公开答复"),
}


@page("/suggestions/assignments/<int:assignment_id>/do/<move>", "suggestion_unit_move", methods=["POST"])
class UnitMove(MethodView):
    @requires("suggestions:unit")
    def post(self, assignment_id, move):
        """承办单位办理：签收、记录沟通、协办意见、答复（含承诺）、申请延期或调整、公开答复"""
        if move not in UNIT_MOVES:
            abort(404)
        call, said = UNIT_MOVES[move]
        access.own_assignment(assignment_id, current_principal())
        call(assignment_id, current_principal(), request.form)
        return done(url_for("console.suggestion_assignment", assignment_id=assignment_id, moved=said))


@page("/suggestions/requests", "suggestion_requests", nav="建议申请审批", permission="suggestions:handle", order=36)
class Requests(MethodView):
    @requires("suggestions:handle")
    def get(self):
        """承办单位的延期和调整申请（待审批）"""
        principal = current_principal()
        return render_template("console/suggestion_units/requests.html",
                               requests=list(handling.pending_requests(principal)), kinds=REQUEST_KINDS,
                               units=[(u.id, u.name) for u in org.visible_units(principal, {"is_active": True})],
                               moved=request.args.get("moved"))


@page("/suggestions/requests/<int:request_id>/decide", "suggestion_decide", methods=["POST"])
class Decide(MethodView):
    @requires("suggestions:handle")
    def post(self, request_id):
        """审批：批准或不批准（调整承办单位须选新单位）"""
        form = request.form
        data = load(DecisionSchema(), {"approve": text(form, "approve") == "yes", "decision": text(form, "decision"),
                                       **({"unit_id": optional_int(form, "unit_id")}
                                          if optional_int(form, "unit_id") else {})})
        handling.decide(request_id, current_principal(), data)
        return done(url_for("console.suggestion_requests", moved="已审批"))


@page("/suggestions/ledger", "suggestion_ledger", nav="答复承诺台账", permission="suggestions:queue", order=37)
class Ledger(MethodView):
    @requires("suggestions:queue")
    def get(self):
        """答复承诺台账：承诺事项、期限、责任人，落实报告与核实"""
        given = {key: value.strip() for key, value in request.args.items()
                 if key in ("overdue",) and value.strip()}
        states = [value for value in request.args.getlist("state") if value.strip()]
        if states:
            given["state"] = states
        args = load(LedgerQuerySchema(), given)
        return page_or_results(
            "console/suggestion_units/ledger.html", "console/suggestion_units/_ledger.html",
            page=paged(ledger.ledger(current_principal(), args)), args=args, states=COMMITMENT_LABELS,
            moved=request.args.get("moved"),
        )


LEDGER_MOVES = {
    "report": ("suggestions:unit", lambda cid, me, form: ledger.report(
        cid, me, load(SgReportSchema(), {"evidence": text(form, "evidence")})["evidence"]), "已报告落实"),
    "verify": ("suggestions:handle", lambda cid, me, form: ledger.verify(cid, me), "已核实办结"),
    "send-back": ("suggestions:handle", lambda cid, me, form: ledger.send_back(
        cid, me, load(SgReasonSchema(), {"reason": text(form, "reason")})["reason"]), "已退回"),
}


@page("/suggestions/commitments/<int:commitment_id>/<move>", "suggestion_commitment", methods=["POST"])
class CommitmentMove(MethodView):
    @requires("suggestions:queue")
    def post(self, commitment_id, move):
        """承诺事项：承办单位报告落实；工作人员核实或退回"""
        if move not in LEDGER_MOVES:
            abort(404)
        permission, call, said = LEDGER_MOVES[move]
        if not allowed(current_principal().role, permission):
            raise Forbidden()
        call(commitment_id, current_principal(), request.form)
        return done(url_for("console.suggestion_ledger", moved=said))


@page("/suggestions/stats", "suggestion_stats", nav="建议统计", permission="suggestions:stats", order=38)
class Stats(MethodView):
    @requires("suggestions:stats")
    def get(self):
        """建议办理统计：按承办单位、代表团、代表，承办单位排名（★），导出 Excel"""
        principal = current_principal()
        given = {key: value.strip() for key, value in request.args.items() if key == "year" and value.strip()}
        args = load(StatsQuerySchema(), given)
        office = principal.role in ("admin", "staff")
        return render_template(
            "console/suggestion_units/stats.html", args=args, units=stats.by_unit(principal, args),
            ranking=stats.ranking(principal, args), office=office,
            delegations=stats.by_delegation(principal, args) if office else [],
            deputies=stats.by_deputy(principal, args)[:50] if office else [],
        )


@page("/suggestions/stats/export", "suggestion_stats_export")
class StatsExport(MethodView):
    @requires("suggestions:handle")
    def get(self):
        """导出建议办理统计（Excel）"""
        given = {key: value.strip() for key, value in request.args.items() if key == "year" and value.strip()}
        args = load(StatsQuerySchema(), given)
        response = send_file(stats.export(current_principal(), args), mimetype=XLSX_TYPE, max_age=0)
        response.headers["Content-Disposition"] = "attachment; filename=\"suggestion-stats.xlsx\""
        return response
