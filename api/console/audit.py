"""The audit log (审计日志), for administrators: who did what to which object, and when."""
from flask.views import MethodView

from api.audit import services
from api.audit.schemas import AuditQuerySchema
from api.console.blueprint import page
from api.console.listing import filters, page_or_results, paged
from api.console.session import requires


@page("/audit", "audit", nav="审计日志", permission="audit:read", order=90)
class AuditLog(MethodView):
    @requires("audit:read")
    def get(self):
        """审计日志：按操作、操作人、对象、日期筛选，新的在前"""
        args = filters(AuditQuerySchema(), dates=True)
        return page_or_results(
            "console/audit/list.html", "console/audit/_results.html", page=paged(services.filtered_entries(args)),
            args=args,
        )
