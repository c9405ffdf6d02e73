"""Push: the templates a deputy can subscribe to, their subscriptions, and delivery reports for staff."""
from flask.views import MethodView

from api.common.access import current_principal
from api.common.blueprint import Blueprint
from api.push import services
from api.push.schemas import (
    CreditListSchema,
    DeliveryQuerySchema,
    DeliverySchema,
    SubscriptionReportSchema,
    SummaryQuerySchema,
    SummarySchema,
    TemplateListSchema,
)

blp = Blueprint("push", __name__, url_prefix="/api/v1/push", description="微信订阅消息推送")


@blp.route("/templates")
class Templates(MethodView):
    @blp.requires("push:subscribe")
    @blp.response(200, TemplateListSchema)
    def get(self):
        """可订阅的消息模板（供小程序调用 wx.requestSubscribeMessage）"""
        return {"items": services.template_list()}


@blp.route("/subscriptions")
class Subscriptions(MethodView):
    @blp.requires("push:subscribe")
    @blp.response(200, CreditListSchema)
    def get(self):
        """我的订阅：各模板剩余可接收次数"""
        return {"items": services.credits_of(current_principal().user_id)}

    @blp.requires("push:subscribe")
    @blp.arguments(SubscriptionReportSchema)
    @blp.response(200, CreditListSchema)
    @blp.errors(422)
    def put(self, data):
        """上报订阅结果：每个同意的模板增加一次可接收次数"""
        return {"items": services.report_subscriptions(current_principal().user_id, data)}


@blp.route("/deliveries")
class Deliveries(MethodView):
    @blp.requires("push:read_deliveries")
    @blp.arguments(DeliveryQuerySchema, location="query")
    @blp.response(200, DeliverySchema(many=True))
    @blp.paginate_query()
    def get(self, filters):
        """推送记录（可按来源、状态和推送目的筛选）"""
        return services.list_deliveries(filters)


@blp.route("/deliveries/summary")
class DeliverySummary(MethodView):
    @blp.requires("push:read_deliveries")
    @blp.arguments(SummaryQuerySchema, location="query")
    @blp.response(200, SummarySchema)
    @blp.errors(422)
    def get(self, query):
        """某次推送各状态的数量（可按推送目的筛选：发布或提醒）"""
        return services.summary(query["source_type"], query["source_id"], query.get("purpose"))
