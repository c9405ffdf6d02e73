"""The audit trail, for administrators."""
from flask.views import MethodView
from peewee import JOIN

from api.audit.models import AuditEntry
from api.audit.schemas import AuditEntrySchema, AuditQuerySchema
from api.auth.models import User
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
        return filtered_entries(filters)


def filtered_entries(filters):
    query = (
        AuditEntry.select(AuditEntry, User.id, User.display_name)
        .join(User, JOIN.LEFT_OUTER, on=(AuditEntry.actor == User.id))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )
    if "action" in filters:
        query = query.where(AuditEntry.action == filters["action"])
    if "actor_id" in filters:
        query = query.where(AuditEntry.actor == filters["actor_id"])
    if "target_type" in filters:
        query = query.where(AuditEntry.target_type == filters["target_type"])
    if "target_id" in filters:
        query = query.where(AuditEntry.target_id == filters["target_id"])
    if "since" in filters:
        query = query.where(AuditEntry.at >= filters["since"])
    if "until" in filters:
        query = query.where(AuditEntry.at < filters["until"])
    return query
