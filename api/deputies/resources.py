"""Deputies: the roster, each deputy's record, the audited phone read, and roster import/export."""
from flask import request, send_file
from flask.views import MethodView
from marshmallow import ValidationError

from api.common import spreadsheets
from api.common.access import current_principal
from api.common.blueprint import Blueprint
from api.common.db import utcnow
from api.common.errors import abort
from api.common.privacy import no_store
from api.deputies import roster, services
from api.deputies.models import Deputy
from api.deputies.schemas import (
    DeputyContactSchema,
    DeputyQuerySchema,
    DeputySchema,
    DeputyUpdateSchema,
    DeputyWriteSchema,
    ExportQuerySchema,
    ImportFileSchema,
    ImportQuerySchema,
    ImportResultSchema,
)

blp = Blueprint("deputies", __name__, url_prefix="/api/v1/deputies", description="代表信息与代表名册")


@blp.route("")
class Deputies(MethodView):
    @blp.requires("deputies:read")
    @blp.arguments(DeputyQuerySchema, location="query")
    @blp.response(200, DeputySchema(many=True))
    @blp.paginate_query()
    def get(self, args):
        """代表列表（联络站工作人员只见本站代表）"""
        return services.LinkedQuery(services.search(args, current_principal()))

    @blp.requires("deputies:manage")
    @blp.arguments(DeputyWriteSchema)
    @blp.response(201, DeputySchema)
    @blp.errors(409)
    def post(self, data):
        """新增代表"""
        return services.create(data)


@blp.route("/me")
class OwnRecord(MethodView):
    @blp.requires("deputies:self")
    @blp.response(200, DeputySchema)
    @blp.errors(404)
    def get(self):
        """本人的代表信息"""
        return services.get_own(current_principal())


@blp.route("/me/seats")
class OwnSeats(MethodView):
    @blp.requires("deputies:self")
    @blp.response(200, DeputySchema(many=True))
    def get(self):
        """本人的全部代表席位（在多级人大任代表时各一条，主席位在前）"""
        return services.own_seats(current_principal())


@blp.route("/<int:deputy_id>")
class DeputyDetail(MethodView):
    @blp.requires("deputies:read")
    @blp.response(200, DeputySchema)
    @blp.errors(404)
    def get(self, deputy_id):
        """代表详情"""
        return services.get_visible(deputy_id, current_principal())

    @blp.requires("deputies:manage")
    @blp.arguments(DeputyUpdateSchema)
    @blp.response(200, DeputySchema)
    @blp.errors(404, 409)
    def patch(self, data, deputy_id):
        """修改代表信息（离任请将状态改为“终止”）"""
        return services.update(Deputy.get_by_id(deputy_id), data)

    @blp.requires("deputies:manage")
    @blp.response(204)
    @blp.errors(404, 409)
    def delete(self, deputy_id):
        """删除代表（仅限未关联账号的代表）"""
        services.delete(Deputy.get_by_id(deputy_id))


@blp.route("/<int:deputy_id>/contact")
class DeputyContact(MethodView):
    @no_store
    @blp.requires("deputies:contact")
    @blp.response(200, DeputyContactSchema)
    @blp.errors(404)
    def get(self, deputy_id):
        """代表手机号明文（记入审计）"""
        return services.read_contact(deputy_id)


@blp.route("/import")
class RosterImport(MethodView):
    @blp.requires("deputies:import")
    @blp.arguments(ImportQuerySchema, location="query")
    @blp.arguments(ImportFileSchema, location="files")
    @blp.response(200, ImportResultSchema)
    @blp.errors(415, 422)
    def post(self, options, files):
        """导入代表名册（.xlsx/.csv；全部成功或全部不导入；按代表编号更新）"""
        # The options may also come as form fields beside the file: a dry run must never import by mistake.
        form = _load_or_422(ImportQuerySchema(partial=True), request.form.to_dict())
        options = {key: value or form.get(key, value) for key, value in options.items()}
        upload = files["file"]
        try:
            return services.import_roster(upload.read(), upload.filename or "", **options)
        except (roster.RosterFileError, spreadsheets.SheetError) as exc:
            abort(exc.status, message=exc.message, errors={"file": [exc.message]})


@blp.route("/export")
class RosterExport(MethodView):
    @no_store
    @blp.requires("deputies:export")
    @blp.arguments(ExportQuerySchema, location="query")
    @blp.response(200, description="代表名册 .xlsx", content_type=roster.XLSX_TYPE)
    def get(self, args):
        """导出代表名册（手机号默认脱敏）"""
        buffer, _ = services.export_roster(args, current_principal())
        response = send_file(buffer, mimetype=roster.XLSX_TYPE, max_age=0)
        response.headers["Content-Disposition"] = roster.export_disposition(f"{utcnow():%Y%m%d}")
        return response


def _load_or_422(schema, data):
    try:
        return schema.load(data)
    except ValidationError as exc:
        abort(422, errors=exc.messages)
