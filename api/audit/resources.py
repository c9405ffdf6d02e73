"""The audit trail, for administrators."""
from flask.views import MethodView

from api.audit import services
from api.audit.schemas import AuditEntrySchema, AuditQuerySchema
from api.common.blueprint import Blueprint

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="审计日志")


@blp.route("")
class AuditEntries(MethodView):
    @blp.requires("audit:read")
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditEntrySchema(many=True))
    @blp.paginate_query()
    def get(self, filters):
        """审计日志查询（按操作、操作人、对象、时间筛选，新的在前）"""
        return services.filtered_entries(filters)
