"""通知公告: the list, compose and edit (rich text, attachments, reply slip, audience with a live count),
and the workflow's moves. Every rule is the notices services'; these views only translate forms."""
from flask import redirect, render_template, request, url_for
from flask.views import MethodView
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from api.common.access import current_principal
from api.common.errors import Invalid
from api.common.html import sanitise
from api.console import notice_forms
from api.console.blueprint import bp, page
from api.console.errors import flatten_errors
from api.console.forms import done, ids, load
from api.console.listing import filters, page_or_results, paged
from api.console.session import requires
from api.deputies import audience
from api.files import services as files
from api.notices import letters, services
from api.notices.attachments import attachments_of, files_named
from api.notices.models import KINDS, STATE_LABELS, Notice
from api.notices.schemas import (
    AudiencePreviewSchema,
    NoticeCreateSchema,
    NoticeQuerySchema,
    NoticeUpdateSchema,
    ScheduleSchema,
    WithdrawSchema,
    stored_audience,
)

MANAGE = "notices:manage"
NAMED_SELECTORS = ("congresses", "delegations", "groups", "stations")
STATE_BADGES = {"draft": "", "scheduled": "warn", "published": "ok", "withdrawn": "bad"}
DONE = {
    "created": "草稿已保存。", "saved": "修改已保存。", "published": "已发布，正在推送给收件代表。",
    "scheduled": "已设置定时发布。", "unscheduled": "已取消定时，退回草稿。", "withdrawn": "已撤回。",
}


@bp.app_template_filter("notice_html")
def notice_html(body):
    """A notice body for display: sanitised again on the way out, whatever is stored."""
    return Markup(sanitise(body or ""))  # noqa: S704 - sanitised just above


@bp.app_context_processor
def notice_labels():
    return {"notice_states": STATE_LABELS, "notice_badges": STATE_BADGES}


@page("/notices", "notices", nav="通知公告", permission=MANAGE, order=20)
class NoticeList(MethodView):
    @requires(MANAGE)
    def get(self):
        """通知列表：按状态、类别、标题筛选"""
        args = filters(NoticeQuerySchema())
        return page_or_results(
            "console/notices/list.html", "console/notices/_results.html",
            page=paged(services.list_notices(args)), args=args, kinds=KINDS,
        )


@page("/notices/new", "notice_new", methods=["GET", "POST"])
class NoticeNew(MethodView):
    @requires(MANAGE)
    def get(self):
        """撰写通知"""
        return _compose(notice_forms.blank())

    @requires(MANAGE)
    def post(self):
        """保存为草稿"""
        attachment_ids, upload_errors = _attachments()
        try:
            data, errors = notice_forms.notice_data(request.form, attachment_ids)
            data = notice_forms.load(NoticeCreateSchema(), data, {**errors, **upload_errors})
            notice = services.create_notice(data, current_principal())
        except Invalid as exc:
            return _compose(notice_forms.from_form(request.form, files_named(attachment_ids)), error=exc, status=422)
        return redirect(url_for("console.notice", notice_id=notice.id, done="created"), 303)


@page("/notices/<int:notice_id>", "notice")
class NoticeDetail(MethodView):
    @requires(MANAGE)
    def get(self, notice_id):
        """通知详情：内容、受众、操作、版本与状态记录"""
        notice = Notice.get_by_id(notice_id)
        return render_template(
            "console/notices/detail.html", notice=notice, actions=services.actions(notice),
            attachments=attachments_of(notice), versions=services.versions(notice), history=services.timeline(notice),
            stats=services.stats(notice) if notice.published_at else None, audience=_audience_summary(notice),
            reach=None if notice.published_at else _reach(notice),
            merge_fields=letters.merge_fields(notice.body) if notice.is_letter else [],
            done=DONE.get(request.args.get("done", "")),
        )


@page("/notices/<int:notice_id>/edit", "notice_edit", methods=["GET", "POST"])
class NoticeEdit(MethodView):
    @requires(MANAGE)
    def get(self, notice_id):
        """修改通知"""
        notice = Notice.get_by_id(notice_id)
        return _compose(notice_forms.from_notice(notice, attachments_of(notice)), notice)

    @requires(MANAGE)
    def post(self, notice_id):
        """保存修改（已发布的保留历史版本）"""
        notice = Notice.get_by_id(notice_id)
        attachment_ids, upload_errors = _attachments()
        try:
            data, errors = notice_forms.notice_data(request.form, attachment_ids, notice)
            data = notice_forms.load(NoticeUpdateSchema(), data, {**errors, **upload_errors})
            services.update_notice(notice, data, current_principal())
        except Invalid as exc:
            values = notice_forms.from_form(request.form, files_named(attachment_ids))
            return _compose(values, notice, error=exc, status=422)
        return redirect(url_for("console.notice", notice_id=notice.id, done="saved"), 303)


@page("/notices/audience-count", "notice_audience_count", methods=["POST"])
class AudienceCount(MethodView):
    @requires(MANAGE)
    def post(self):
        """受众人数（随选随算）"""
        try:
            data, errors = notice_forms.audience_data(request.form)
            data = notice_forms.load(AudiencePreviewSchema(), {"audience": data}, errors)
            result = audience.preview(stored_audience(data["audience"]))
        except Invalid as exc:  # an audience still being built: the count says why it reaches nobody yet
            return render_template("console/notices/_audience_count.html", problems=flatten_errors(exc.errors))
        return render_template("console/notices/_audience_count.html", result=result)


@page("/notices/deputy-lookup", "notice_deputy_lookup")
class DeputyLookup(MethodView):
    @requires(MANAGE)
    def get(self):
        """按姓名或编号查找代表编号"""
        found = audience.find_deputies(request.args.get("lookup", "")[:50])
        return render_template("console/notices/_deputy_lookup.html", found=found)


# --- the workflow's moves ---


@page("/notices/<int:notice_id>/publish", "notice_publish", methods=["POST"])
class Publish(MethodView):
    @requires(MANAGE)
    def post(self, notice_id):
        """立即发布"""
        services.publish(Notice.get_by_id(notice_id), current_principal())
        return _moved(notice_id, "published")


@page("/notices/<int:notice_id>/schedule", "notice_schedule", methods=["POST"])
class Schedule(MethodView):
    @requires(MANAGE)
    def post(self, notice_id):
        """定时发布（北京时间）"""
        data = load(ScheduleSchema(), {"publish_at": notice_forms.local_datetime(request.form.get("publish_at"))})
        services.schedule(Notice.get_by_id(notice_id), data["publish_at"], current_principal())
        return _moved(notice_id, "scheduled")


@page("/notices/<int:notice_id>/unschedule", "notice_unschedule", methods=["POST"])
class Unschedule(MethodView):
    @requires(MANAGE)
    def post(self, notice_id):
        """取消定时，退回草稿"""
        services.unschedule(Notice.get_by_id(notice_id), current_principal())
        return _moved(notice_id, "unscheduled")


@page("/notices/<int:notice_id>/withdraw", "notice_withdraw", methods=["POST"])
class Withdraw(MethodView):
    @requires(MANAGE)
    def post(self, notice_id):
        """撤回（须填原因）"""
        data = load(WithdrawSchema(), {"reason": request.form.get("reason", "")})
        services.withdraw(Notice.get_by_id(notice_id), data["reason"], current_principal())
        return _moved(notice_id, "withdrawn")


@page("/notices/<int:notice_id>/delete", "notice_delete", methods=["POST"])
class Delete(MethodView):
    @requires(MANAGE)
    def post(self, notice_id):
        """删除草稿"""
        services.delete_notice(Notice.get_by_id(notice_id))
        return done(url_for("console.notices"))


# --- helpers ---


def _compose(values, notice=None, error=None, status=200):
    problems = flatten_errors(error.errors) if error else []
    by_field = {}
    for field, text in problems:
        by_field.setdefault(field, []).append(text)
    body = render_template(
        "console/notices/form.html", values=values, notice=notice, kinds=KINDS, choices=audience.choices(),
        actions=services.actions(notice) if notice else None, max_options=notice_forms.MAX_OPTIONS,
        error=error, problems=problems, field_errors=by_field,
    )
    return body, status


def _attachments():
    """Attachments kept (checked) plus new uploads through the file service; a refused upload is a field error."""
    attachment_ids = ids(request.form, "attachment_ids")
    refused = []
    for upload in request.files.getlist("files"):
        if not upload.filename:
            continue
        try:
            attachment_ids.append(files.save_upload(upload, current_principal()).id)
        except HTTPException as exc:  # the file service refuses with 413/415/422 and a Chinese message
            refused.append(f"{upload.filename}：{(getattr(exc, 'data', None) or {}).get('message', exc.description)}")
    return attachment_ids, ({"attachment_ids": refused} if refused else {})


def _audience_summary(notice):
    """The stored audience with names, not ids, for reading back."""
    stored, choices = notice.audience or {}, audience.choices()
    named = {key: {row["id"]: row["name"] for row in choices[key]} for key in NAMED_SELECTORS}
    levels = dict(choices["levels"])
    return {
        "all": stored.get("all"), "grassroots_only": stored.get("grassroots_only"),
        "congresses": [named["congresses"].get(i, f"#{i}") for i in stored.get("congress_ids") or ()],
        "levels": [levels.get(level, level) for level in stored.get("levels") or ()],
        "delegations": [named["delegations"].get(i, f"#{i}") for i in stored.get("delegation_ids") or ()],
        "groups": [named["groups"].get(i, f"#{i}") for i in stored.get("group_ids") or ()],
        "stations": [named["stations"].get(i, f"#{i}") for i in stored.get("station_ids") or ()],
        "fields": stored.get("fields") or [],
        "deputies": audience.codes_of(stored.get("deputy_ids")),
        "excluded": audience.codes_of(stored.get("exclude_deputy_ids")),
    }


def _reach(notice):
    """How many serving deputies a not yet published notice would reach now (0 if its audience no longer holds)."""
    try:
        return audience.preview(notice.audience)["count"]
    except Invalid:
        return 0


def _moved(notice_id, what):
    """After a move, the notice's page in its new state, saying what was done."""
    return done(url_for("console.notice", notice_id=notice_id, done=what))
