"""Queue status for administrators."""
from flask.views import MethodView

from api.common.blueprint import Blueprint
from api.extensions import huey
from api.jobs import services
from api.jobs.schemas import QueueStatusSchema

blp = Blueprint("jobs", __name__, url_prefix="/api/v1/jobs", description="后台任务")


@blp.route("/status")
class QueueStatus(MethodView):
    @blp.requires("jobs:status")
    @blp.response(200, QueueStatusSchema)
    def get(self):
        """任务队列积压和工作进程心跳"""
        return {
            "pending": huey.pending_count(),
            "scheduled": huey.scheduled_count(),
            "outbox_backlog": services.outbox_backlog(),
            "heartbeat_age_seconds": services.heartbeat_age_seconds(),
        }
