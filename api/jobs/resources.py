"""Queue status for administrators."""
from flask.views import MethodView

from api.common.blueprint import Blueprint
from api.jobs import services
from api.jobs.schemas import QueueStatusSchema

blp = Blueprint("jobs", __name__, url_prefix="/api/v1/jobs", description="后台任务")


@blp.route("/status")
class QueueStatus(MethodView):
    @blp.requires("jobs:status")
    @blp.response(200, QueueStatusSchema)
    def get(self):
        """任务队列积压和工作进程心跳"""
        return services.queue_status()
