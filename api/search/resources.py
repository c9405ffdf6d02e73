"""One permission-aware search over notices, briefing papers and (as they register) other content.

Voice search: the mini-program recognises speech on the phone with WeChat's 同声传译 plugin and sends
the text here; see README (briefings and search) for why that and not server-side speech-to-text.
"""
from flask.views import MethodView

from api.common.access import current_principal
from api.common.blueprint import Blueprint
from api.search import services
from api.search.schemas import SearchQuerySchema, SearchResultSchema

blp = Blueprint("search", __name__, url_prefix="/api/v1/search", description="全文检索（按权限）")


@blp.route("")
class Search(MethodView):
    @blp.requires("search:query")
    @blp.arguments(SearchQuerySchema, location="query")
    @blp.response(200, SearchResultSchema)
    @blp.errors(422)
    def get(self, args):
        """检索我有权查看的通知与资料（分词、排序、高亮摘要、按类别/会议/日期筛选）"""
        return services.run(current_principal(), args)
