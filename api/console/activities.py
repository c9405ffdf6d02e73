"""代表活动: activity management, attendance (leave decisions, check-in by staff), reports, and the full-screen
rotating check-in code. The activities services decide everything; the console turns forms into bodies."""
import datetime as dt

import segno
from flask import render_template, request, url_for
from flask.views import MethodView

from api.activities import services
from api.activities.models import INVITATION_LABELS, KINDS
from api.activities.schemas import ActivityCreateSchema, ActivityQuerySchema
from api.common.access import current_principal
from api.common.errors import DomainError
from api.common.timezone import LOCAL_TZ
from api.console.blueprint import page
from api.console.forms import done, ids, load, optional_int, page_or_fragment, submit, text
from api.console.listing import filters, page_or_results, paged
from api.console.session import requires
from api.deputies import audience as audiences

MANAGE = "activities:manage"


@page("/activities", "activities", nav="代表活动", permission=MANAGE, order=37)
class Activities(MethodView):
    @requires(MANAGE)
    def get(self):
        """活动列表"""
        args = filters(ActivityQuerySchema())
        return page_or_results("console/activities/list.html", "console/activities/_results.html",
                               page=paged(services.activities_query(args)), args=args, kinds=KINDS)


@page("/activities/new", "activity_new", methods=["GET", "POST"])
class NewActivity(MethodView):
    @requires(MANAGE)
    def get(self):
        """新建活动"""
        return _form({}, None, 200)

    @requires(MANAGE)
    def post(self):
        """保存新活动（草稿）"""

        def create():
            activity = services.create(current_principal(), load(ActivityCreateSchema(), form_data()))
            return done(url_for("console.activity", activity_id=activity.id))

        return submit(create, lambda errors, message, status: _form(errors, message, status))


def local_instant(value):
    """A datetime-local input (Beijing wall clock) as an ISO instant; other text goes to the schema to refuse."""
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=LOCAL_TZ).isoformat()
    except ValueError:
        return value


def form_data():
    form = request.form
    audience = {"delegation_ids": ids(form, "delegation_ids"), "group_ids": ids(form, "group_ids")}
    codes = text(form, "deputy_codes").replace("，", ",").replace("、", ",").split(",")
    found, _ = audiences.deputy_ids_for_codes([c.strip() for c in codes])
    if found:
        audience["deputy_ids"] = found
    return {"kind": text(form, "kind"), "title": text(form, "title"), "place": text(form, "place"),
            "organisers": text(form, "organisers"), "description": text(form, "description"),
            "starts_at": local_instant(text(form, "starts_at")), "ends_at": local_instant(text(form, "ends_at")),
            "capacity": optional_int(form, "capacity"), "audience": audience}


def _form(errors, message, status):
    choices = audiences.choices()
    return page_or_fragment(
        "console/activities/new.html", "console/activities/_form.html", status,
        errors=errors, message=message, values=request.form, kinds=list(KINDS.items()),
        delegations=[(d["id"], d["name"]) for d in choices["delegations"]],
        groups=[(g["id"], g["name"]) for g in choices["groups"]],
    )


@page("/activities/<int:activity_id>", "activity")
class Activity(MethodView):
    @requires(MANAGE)
    def get(self, activity_id):
        """活动详情：出勤、请假审批、签到、报告"""
        activity = services.get(activity_id)
        return render_template(
            "console/activities/detail.html", activity=activity, kinds=KINDS, labels=INVITATION_LABELS,
            attendance=services.attendance(activity.id), invitations=paged(services.invitations_query(activity.id),
                                                                           size=50),
            reports=list(services.reports_query(activity.id)),
        )


@page("/activities/<int:activity_id>/publish", "activity_publish", methods=["POST"])
class Publish(MethodView):
    @requires(MANAGE)
    def post(self, activity_id):
        """发布活动（发出邀请）"""
        services.publish(current_principal(), activity_id)
        return done(url_for("console.activity", activity_id=activity_id))


@page("/activities/<int:activity_id>/cancel", "activity_cancel", methods=["POST"])
class Cancel(MethodView):
    @requires(MANAGE)
    def post(self, activity_id):
        """取消活动"""
        services.cancel(current_principal(), activity_id, text(request.form, "reason").strip() or "工作安排调整")
        return done(url_for("console.activity", activity_id=activity_id))


@page("/activities/<int:activity_id>/deputies/<int:deputy_id>/leave", "activity_leave", methods=["POST"])
class Leave(MethodView):
    @requires(MANAGE)
    def post(self, activity_id, deputy_id):
        """审批请假"""
        approve = request.form.get("approve") == "1"
        services.decide_leave(current_principal(), activity_id, deputy_id, approve, text(request.form, "note") or None)
        return done(url_for("console.activity", activity_id=activity_id))


@page("/activities/<int:activity_id>/deputies/<int:deputy_id>/checkin", "activity_staff_checkin", methods=["POST"])
class StaffCheckin(MethodView):
    @requires(MANAGE)
    def post(self, activity_id, deputy_id):
        """工作人员代为签到"""
        services.staff_check_in(current_principal(), activity_id, deputy_id)
        return done(url_for("console.activity", activity_id=activity_id))


@page("/activities/<int:activity_id>/checkin-screen", "activity_checkin_screen")
class CheckinScreen(MethodView):
    @requires(MANAGE)
    def get(self, activity_id):
        """全屏签到码（每 5 秒刷新）"""
        activity = services.get(activity_id)
        return render_template("console/activities/checkin_screen.html", activity=activity, **_code(activity.id))


@page("/activities/<int:activity_id>/checkin-screen/code", "activity_checkin_code")
class CheckinCode(MethodView):
    @requires(MANAGE)
    def get(self, activity_id):
        """签到码片段（htmx 定时刷新）"""
        activity = services.get(activity_id)
        response = render_template("console/activities/_code.html", activity=activity, **_code(activity.id))
        return response, 200, {"Cache-Control": "no-store"}


def _code(activity_id):
    """The current code as a QR image, or why there is none (not open yet, closed, not published)."""
    try:
        current = services.current_code(activity_id)
    except DomainError as exc:
        return {"qr": None, "why": exc.message, "checked_in": services.attendance(activity_id)["checked_in"]}
    image = segno.make_qr(current["code"], error="m").png_data_uri(scale=10, border=4)
    return {"qr": image, "why": None, "code": current["code"],
            "checked_in": services.attendance(activity_id)["checked_in"]}
