"""会议与资料: meetings (attendees), papers with versions, audience and availability, publish, revoke, the
read report with reminders and export, and the view log. Every rule is the briefings services'; these views
only translate forms (the API's own schemas load them)."""
import datetime as dt

from flask import render_template, request, send_file, url_for
from flask.views import MethodView
from werkzeug.exceptions import HTTPException

from api.briefings import reading, reports, services
from api.briefings.models import (
    CATEGORIES,
    CONFIDENTIALITY_LABELS,
    MEETING_KINDS,
    MEETING_STATES,
    PAPER_STATES,
    Meeting,
    Paper,
)
from api.briefings.schemas import (
    CancelSchema,
    MeetingCreateSchema,
    PaperCreateSchema,
    ReaderQuerySchema,
    RevokeSchema,
    VersionCreateSchema,
)
from api.common.access import current_principal
from api.common.errors import Invalid
from api.common.timezone import LOCAL_TZ
from api.console.blueprint import bp, page
from api.console.forms import done, load, text
from api.console.listing import paged
from api.console.session import requires
from api.deputies import audience as audiences
from api.files import services as files

MANAGE = "briefings:manage"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DONE = {"created": "已保存为草稿。", "published": "已发布。", "revoked": "已撤销，所有页面链接已失效。",
        "version": "新版本已上传，旧链接已失效。", "reminded": "提醒已发送。", "cancelled": "会议已取消。"}


@bp.app_context_processor
def briefing_labels():
    return {"meeting_kinds": MEETING_KINDS, "meeting_states": MEETING_STATES, "paper_states": PAPER_STATES,
            "confidentiality_labels": CONFIDENTIALITY_LABELS,
            "paper_category_options": [(c, c) for c in CATEGORIES]}


def _moment(form, name):
    """A datetime-local input (Beijing time) as an ISO instant, or None when blank."""
    value = (form.get(name) or "").strip()
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=LOCAL_TZ).isoformat()
    except ValueError:
        return value  # the schema reports it as an invalid date


def _audience(form):
    if form.get("all") == "on":
        return {"all": True}
    codes = [c.strip() for c in form.get("deputy_codes", "").replace("，", ",").replace("\n", ",").split(",")]
    deputy_ids, unknown = audiences.deputy_ids_for_codes(codes)
    if unknown:
        raise Invalid("代表编号不存在。", errors={"deputy_codes": [f"不存在：{', '.join(unknown)}"]})
    return {"deputy_ids": deputy_ids}


@page("/briefings", "briefings", nav="会议与资料", permission=MANAGE, order=25)
class Briefings(MethodView):
    @requires(MANAGE)
    def get(self):
        """会议与资料：会议列表和资料列表"""
        return render_template("console/briefings/list.html", meetings=paged(services.list_meetings({})),
                               papers=services.list_papers({}).limit(50))


@page("/briefings/meetings/new", "meeting_new", methods=["GET", "POST"])
class MeetingNew(MethodView):
    @requires(MANAGE)
    def get(self):
        """新建会议"""
        return render_template("console/briefings/meeting_form.html", form={}, errors={})

    @requires(MANAGE)
    def post(self):
        """保存会议草稿"""
        form = request.form
        try:
            data = load(MeetingCreateSchema(), {
                "kind": form.get("kind", ""), "title": text(form, "title"), "place": text(form, "place"),
                "starts_at": _moment(form, "starts_at"), "ends_at": _moment(form, "ends_at"),
                "agenda": text(form, "agenda"), "audience": _audience(form)})
            meeting = services.create_meeting(data, current_principal())
        except Invalid as exc:
            return render_template("console/briefings/meeting_form.html", form=form, errors=exc.errors or {},
                                   message=exc.message), 422
        return done(url_for("console.meeting", meeting_id=meeting.id, done="created"))


@page("/briefings/meetings/<int:meeting_id>", "meeting")
class MeetingPage(MethodView):
    @requires(MANAGE)
    def get(self, meeting_id):
        """会议详情：参会人员与资料"""
        meeting = Meeting.get_by_id(meeting_id)
        return render_template("console/briefings/meeting.html", meeting=meeting,
            done=DONE.get(request.args.get("done")),
                               papers=services.list_papers({"meeting_id": meeting.id}))


@page("/briefings/meetings/<int:meeting_id>/publish", "meeting_publish", methods=["POST"])
class MeetingPublish(MethodView):
    @requires(MANAGE)
    def post(self, meeting_id):
        """发布会议"""
        services.publish_meeting(Meeting.get_by_id(meeting_id), current_principal())
        return done(url_for("console.meeting", meeting_id=meeting_id, done="published"))


@page("/briefings/meetings/<int:meeting_id>/cancel", "meeting_cancel", methods=["POST"])
class MeetingCancel(MethodView):
    @requires(MANAGE)
    def post(self, meeting_id):
        """取消会议"""
        data = load(CancelSchema(), {"reason": text(request.form, "reason")})
        services.cancel_meeting(Meeting.get_by_id(meeting_id), data["reason"], current_principal())
        return done(url_for("console.meeting", meeting_id=meeting_id, done="cancelled"))


def _upload():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid("请选择 PDF 文件。", errors={"file": ["请选择 PDF 文件。"]})
    try:
        return files.save_upload(upload, current_principal()).id
    except HTTPException as exc:
        message = (getattr(exc, "data", None) or {}).get("message", exc.description)
        raise Invalid(message, errors={"file": [message]}) from exc


@page("/briefings/papers/new", "paper_new", methods=["GET", "POST"])
class PaperNew(MethodView):
    @requires(MANAGE)
    def get(self):
        """新建资料"""
        return self._form({"meeting_id": request.args.get("meeting_id", "")}, {})

    def _form(self, form, errors, message=None, status=200):
        meetings = Meeting.select().where(Meeting.state != "cancelled").order_by(Meeting.starts_at.desc()).limit(100)
        return render_template("console/briefings/paper_form.html", form=form, errors=errors, message=message,
                               meetings=meetings), status

    @requires(MANAGE)
    def post(self):
        """保存资料草稿（上传 PDF）"""
        form = request.form
        try:
            selectors = None
            if form.get("all") == "on" or form.get("deputy_codes", "").strip():
                selectors = _audience(form)
            meeting_id = form.get("meeting_id", "").strip()
            data = load(PaperCreateSchema(), {
                "meeting_id": int(meeting_id) if meeting_id.isdigit() else None,
                "title": text(form, "title"), "description": text(form, "description"),
                "category": form.get("category", ""), "confidentiality": form.get("confidentiality", ""),
                "audience": {"meeting_attendees": form.get("meeting_attendees") == "on", "selectors": selectors},
                "opens_at": _moment(form, "opens_at"), "closes_at": _moment(form, "closes_at"),
                "file_id": _upload()})
            paper = services.create_paper(data, current_principal())
        except Invalid as exc:
            return self._form(form, exc.errors or {}, exc.message, 422)
        return done(url_for("console.paper", paper_id=paper.id, done="created"))


@page("/briefings/papers/<int:paper_id>", "paper")
class PaperPage(MethodView):
    @requires(MANAGE)
    def get(self, paper_id):
        """资料详情：版本、受众与开放时间、阅读情况、查看记录"""
        paper = Paper.get_by_id(paper_id)
        args = load(ReaderQuerySchema(), {k: v for k, v in request.args.items() if k in ("status",) and v})
        context = {"paper": paper, "versions": list(services.versions(paper)), "args": args,
                   "done": DONE.get(request.args.get("done"))}
        if paper.state != "draft":
            context.update(stats=reports.stats(paper), readers=list(reports.readers(paper, args).limit(200)),
                           views=list(reports.views(paper, {}).limit(50)))
        if paper.state != "revoked":
            context["preview"] = reading.page_links(paper.id, current_principal())["pages"][:3]
        return render_template("console/briefings/paper.html", **context)


def _paper_move(paper_id, action, key):
    action(Paper.get_by_id(paper_id))
    return done(url_for("console.paper", paper_id=paper_id, done=key))


@page("/briefings/papers/<int:paper_id>/publish", "paper_publish", methods=["POST"])
class PaperPublish(MethodView):
    @requires(MANAGE)
    def post(self, paper_id):
        """发布资料"""
        return _paper_move(paper_id, lambda p: services.publish_paper(p, current_principal()), "published")


@page("/briefings/papers/<int:paper_id>/revoke", "paper_revoke", methods=["POST"])
class PaperRevoke(MethodView):
    @requires(MANAGE)
    def post(self, paper_id):
        """撤销资料"""
        data = load(RevokeSchema(), {"reason": text(request.form, "reason")})
        return _paper_move(paper_id, lambda p: services.revoke_paper(p, data["reason"], current_principal()),
                           "revoked")


@page("/briefings/papers/<int:paper_id>/version", "paper_version", methods=["POST"])
class PaperVersion(MethodView):
    @requires(MANAGE)
    def post(self, paper_id):
        """上传新版本"""
        data = load(VersionCreateSchema(), {"file_id": _upload(), "note": text(request.form, "note")})
        return _paper_move(paper_id, lambda p: services.add_version(p, data, current_principal()), "version")


@page("/briefings/papers/<int:paper_id>/remind", "paper_remind", methods=["POST"])
class PaperRemind(MethodView):
    @requires(MANAGE)
    def post(self, paper_id):
        """提醒未阅代表"""
        return _paper_move(paper_id, reports.remind_unread, "reminded")


@page("/briefings/papers/<int:paper_id>/export", "paper_export")
class PaperExport(MethodView):
    @requires(MANAGE)
    def get(self, paper_id):
        """导出阅读情况"""
        paper = Paper.get_by_id(paper_id)
        return send_file(reports.export(paper), mimetype=XLSX, as_attachment=True,
                         download_name=f"资料{paper.id}-阅读情况.xlsx")
