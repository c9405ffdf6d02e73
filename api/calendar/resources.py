"""The working-day calendar: built-in holidays and make-up workdays, staff overrides, and due dates."""
from flask.views import MethodView

from api.calendar import services
from api.calendar.schemas import (
    CalendarDaySchema,
    CalendarDayUpdateSchema,
    CalendarImportFileSchema,
    CalendarImportQuerySchema,
    CalendarImportResultSchema,
    DayQuerySchema,
    DueDateSchema,
    WorkingDaysQuerySchema,
    YearMaintainSchema,
    YearStatusSchema,
)
from api.common.blueprint import Blueprint

blp = Blueprint(
    "calendar", __name__, url_prefix="/api/v1/calendar", description="工作日日历：法定节假日、调休与本地调整"
)


@blp.route("/working-days")
class WorkingDays(MethodView):
    @blp.requires("calendar:read")
    @blp.arguments(WorkingDaysQuerySchema, location="query")
    @blp.response(200, DueDateSchema)
    def get(self, args):
        """按工作日计算期满日期（北京时间；起算当日不计入）"""
        return services.due_date(args["start"], args["days"])


@blp.route("/days")
class Days(MethodView):
    @blp.requires("calendar:read")
    @blp.arguments(DayQuerySchema, location="query")
    @blp.response(200, CalendarDaySchema(many=True))
    @blp.paginate_query()
    def get(self, args):
        """日历调整列表（优先于内置节假日安排）"""
        return services.search(args)

    @blp.requires("calendar:manage")
    @blp.arguments(CalendarDaySchema)
    @blp.response(201, CalendarDaySchema)
    @blp.errors(409)
    def post(self, data):
        """新增日历调整"""
        return services.create(data)


@blp.route("/days/<int:day_id>")
class DayDetail(MethodView):
    @blp.requires("calendar:read")
    @blp.response(200, CalendarDaySchema)
    @blp.errors(404)
    def get(self, day_id):
        """日历调整详情"""
        return services.get_day(day_id)

    @blp.requires("calendar:manage")
    @blp.arguments(CalendarDayUpdateSchema)
    @blp.response(200, CalendarDaySchema)
    @blp.errors(404, 409, 422)
    def patch(self, data, day_id):
        """修改日历调整"""
        return services.update(services.get_day(day_id), data)

    @blp.requires("calendar:manage")
    @blp.response(204)
    @blp.errors(404)
    def delete(self, day_id):
        """删除日历调整（恢复内置安排）"""
        services.delete(services.get_day(day_id))


@blp.route("/years")
class Years(MethodView):
    @blp.requires("calendar:read")
    @blp.response(200, YearStatusSchema(many=True))
    def get(self):
        """各年份日历状态（内置 / 已维护 / 调整数）"""
        return services.years()


@blp.route("/years/<int:year>")
class YearDetail(MethodView):
    @blp.requires("calendar:manage")
    @blp.arguments(YearMaintainSchema, required=False)  # the note is optional, so is the body
    @blp.response(200, YearStatusSchema)
    @blp.errors(422)
    def put(self, data, year):
        """标记该年日历已完整维护（未调整的日期按周一至周五为工作日）"""
        return services.maintain_year(services.checked_year(year), data["note"])

    @blp.requires("calendar:manage")
    @blp.response(204)
    @blp.errors(404)
    def delete(self, year):
        """取消该年的已维护标记"""
        services.unmaintain_year(year)


@blp.route("/import")
class Import(MethodView):
    @blp.requires("calendar:manage")
    @blp.arguments(CalendarImportQuerySchema, location="query")
    @blp.arguments(CalendarImportFileSchema, location="files")
    @blp.response(200, CalendarImportResultSchema)
    def post(self, options, files):
        """导入日历调整（.xlsx：日期、是否工作日、备注；全部成功或全部不导入）"""
        upload = files["file"]
        return services.import_days(upload.read(), upload.filename or "", **options)
