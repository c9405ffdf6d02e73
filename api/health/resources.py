"""Liveness and readiness probes for load balancers and orchestrators."""
from flask.views import MethodView

from api.common.blueprint import Blueprint
from api.health import services
from api.health.schemas import HealthSchema, ReadinessSchema

blp = Blueprint("health", __name__, description="健康检查")


@blp.route("/healthz")
class Liveness(MethodView):
    @blp.response(200, HealthSchema)
    def get(self):
        """进程存活"""
        return {"status": "ok"}


@blp.route("/readyz")
class Readiness(MethodView):
    @blp.response(200, ReadinessSchema)
    @blp.alt_response(503, schema=ReadinessSchema, description="某项依赖不可用")
    def get(self):
        """数据库、Redis、任务队列是否可用"""
        report = services.readiness()
        return report, (200 if report["status"] == "ok" else 503)
