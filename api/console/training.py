"""专题学习班: classes, sessions, invitations, the full-screen rotating check-in code, attendance and its export."""
import datetime as dt

import segno
from flask import render_template, request, send_file, url_for
from flask.views import MethodView

from api.common.access import current_principal
from api.common.errors import Conflict, Gone, Invalid
from api.common.timezone import LOCAL_TZ
from api.console.blueprint import page
from api.console.forms import done, load, submit, text
from api.console.listing import paged
from api.console.session import requires
from api.deputies import audience as audiences
from api.materials import classes, reports
from api.materials.blueprint import XLSX
from api.materials.models import METHOD_LABELS
from api.materials.schemas import ClassSchema, SessionSchema

MANAGE = "materials:manage"
QR_SCALE = 12  # a screen across a meeting room: large modules, read from a few metres


def local_instant(value):
    """A datetime-local input (Beijing time) as a UTC ISO instant; anything else goes to the schema as is."""
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=LOCAL_TZ).astimezone(dt.timezone.utc).isoformat()
    except ValueError:
        return value


def class_data(form):
    return {key: text(form, key) for key in ("title", "place", "starts_on", "ends_on", "syllabus")}


@page("/training", "training", nav="专题学习班", permission=MANAGE, order=46)
class Classes(MethodView):
    @requires(MANAGE)
    def get(self):
        """学习班列表"""
        return _list({}, {})

    @requires(MANAGE)
    def post(self):
        """新建学习班"""
        def create():
            created = classes.create_class(load(ClassSchema(), class_data(request.form)), current_principal())
            return done(url_for("console.training_class", class_id=created.id))

        return submit(create, lambda errors, message, status: _list(request.form, errors, message, status))


def _list(values, errors, message=None, status=200):
    return render_template("console/training/list.html", page=paged(classes.list_classes()), values=values,
                           errors=errors, message=message), status


@page("/training/<int:class_id>", "training_class")
class ClassPage(MethodView):
    @requires(MANAGE)
    def get(self, class_id):
        """学习班详情：场次、邀请、签到表"""
        return _detail(class_id)


def _detail(class_id, errors=None, message=None, status=200, values=None):
    found = classes.detail(classes.get_class(class_id))
    return render_template(
        "console/training/detail.html", klass=found, sheet=reports.attendance_sheet(found), methods=METHOD_LABELS,
        errors=errors or {}, message=message, values=values or {},
    ), status


@page("/training/<int:class_id>/sessions", "training_session_new", methods=["POST"])
class NewSession(MethodView):
    @requires(MANAGE)
    def post(self, class_id):
        """添加场次"""
        found = classes.get_class(class_id)

        def create():
            data = {"title": text(request.form, "title"), "starts_at": local_instant(text(request.form, "starts_at")),
                    "ends_at": local_instant(text(request.form, "ends_at"))}
            classes.add_session(found, load(SessionSchema(), data))
            return done(url_for("console.training_class", class_id=found.id))

        return submit(create, lambda errors, message, status: _detail(found.id, errors, message, status, request.form))


@page("/training/<int:class_id>/invitations", "training_invite", methods=["POST"])
class Invite(MethodView):
    @requires(MANAGE)
    def post(self, class_id):
        """按代表编号邀请"""
        found = classes.get_class(class_id)

        def invite():
            codes = [c for c in text(request.form, "codes").replace("，", ",").replace(",", "\n").split() if c]
            deputy_ids, unknown = audiences.deputy_ids_for_codes(codes)
            if unknown or not deputy_ids:
                raise Invalid("代表编号有误。", errors={"codes": [f"找不到：{'、'.join(unknown[:20])}" if unknown
                                                                 else "请填写代表编号。"]})
            classes.invite(found, deputy_ids)
            return done(url_for("console.training_class", class_id=found.id))

        return submit(invite, lambda errors, message, status: _detail(found.id, errors, message, status, request.form))


@page("/training/sessions/<int:session_id>/attendance", "training_mark", methods=["POST"])
class Mark(MethodView):
    @requires(MANAGE)
    def post(self, session_id):
        """工作人员登记出勤"""
        session = classes.get_session(session_id)
        deputy_id = text(request.form, "deputy_id")
        classes.mark(session, int(deputy_id) if deputy_id.isdigit() else 0, current_principal())
        return done(url_for("console.training_class", class_id=session.training_class_id))


@page("/training/sessions/<int:session_id>/screen", "training_screen")
class Screen(MethodView):
    @requires(MANAGE)
    def get(self, session_id):
        """签到大屏：全屏显示每隔几秒更换的签到二维码"""
        session = classes.get_session(session_id)
        return render_template("console/training/screen.html", session=session,
                               klass=classes.get_class(session.training_class_id), code=_code(session))


@page("/training/sessions/<int:session_id>/screen/code", "training_screen_code")
class ScreenCode(MethodView):
    @requires(MANAGE)
    def get(self, session_id):
        """签到大屏的当前二维码（页面每 5 秒取一次）"""
        session = classes.get_session(session_id)
        return render_template("console/training/_code.html", session=session, code=_code(session))


def _code(session):
    """The current code as a QR image, or why there is none (before or after the session's window)."""
    try:
        issued = classes.current_code(session)
    except (Conflict, Gone) as exc:
        return {"image": None, "message": exc.message}
    image = segno.make_qr(issued["code"], error="m").png_data_uri(scale=QR_SCALE, border=4)
    return {"image": image, "message": None, "text": issued["code"], "step_seconds": issued["step_seconds"]}


@page("/training/<int:class_id>/export", "training_export")
class Export(MethodView):
    @requires(MANAGE)
    def get(self, class_id):
        """导出签到表"""
        found = classes.get_class(class_id)
        return send_file(reports.attendance_xlsx(found), mimetype=XLSX, as_attachment=True,
                         download_name=f"学习班{found.id}-签到表.xlsx")
