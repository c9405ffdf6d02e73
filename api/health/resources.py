"""Liveness, readiness (for load balancers) and component health (for monitoring)."""
from flask.views import MethodView

from api.common.blueprint import Blueprint
from api.health import services
from api.health.schemas import HealthSchema, ReadinessSchema

blp = Blueprint("health", __name__, description="健康检查")


@blp.route("/healthz")
class Liveness(MethodView):
    @blp.response(200, HealthSchema)
    def get(self):
        """进程存活（不访问数据库和 Redis）"""
        return {"status": "ok"}


@blp.route("/readyz")
class Readiness(MethodView):
    @blp.response(200, ReadinessSchema)
    @blp.alt_response(503, schema=ReadinessSchema, description="数据库不可用，本实例暂不能服务")
    def get(self):
        """本实例能否服务（负载均衡器使用；只检查数据库）"""
        report = services.readiness()
        return services.for_caller(report), (200 if report["status"] == "ok" else 503)


@blp.route("/healthz/components")
class Components(MethodView):
    @blp.response(200, ReadinessSchema)
    @blp.alt_response(503, schema=ReadinessSchema, description="数据库、Redis 或任务队列有异常")
    def get(self):
        """数据库、Redis、任务队列的状态（监控使用，不用于负载均衡）"""
        report = services.components()
        return services.for_caller(report), (200 if report["status"] == "ok" else 503)
