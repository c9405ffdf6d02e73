"""Push deliveries (推送记录): each delivery's outcome and reason, filtered, with the counts per status."""
from flask.views import MethodView

from api.console.blueprint import page
from api.console.listing import filters, page_or_results, paged
from api.console.session import requires
from api.push import services
from api.push.models import STATUS_LABELS, Delivery
from api.push.schemas import DeliveryQuerySchema

BADGES = {"sent": "ok", "failed": "bad", "skipped": "warn", "cancelled": "warn"}


@page("/push", "push", nav="推送记录", permission="push:read_deliveries", order=50)
class Deliveries(MethodView):
    @requires("push:read_deliveries")
    def get(self):
        """推送记录：按状态、来源、日期筛选，各状态数量"""
        args = filters(DeliveryQuerySchema(), dates=True)
        query = services.list_deliveries(args).order_by(Delivery.id.desc())  # newest first on screen
        return page_or_results(
            "console/push/list.html", "console/push/_results.html",
            page=paged(query), args=args, counts=services.status_counts(args),
            statuses=list(STATUS_LABELS.items()), labels=STATUS_LABELS, badges=BADGES,
        )
