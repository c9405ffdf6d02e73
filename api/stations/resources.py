"""The public station directory and each station's calendar, theme and codes (the station's own record is
maintained under /api/v1/org/stations)."""
from flask import Response, request
from flask.views import MethodView

from api.common.access import current_principal
from api.common.blueprint import Blueprint
from api.stations import codes, services
from api.stations.schemas import (
    CalendarQuerySchema,
    DirectoryQuerySchema,
    NearbyStationSchema,
    NearestQuerySchema,
    QrQuerySchema,
    ReceptionSchema,
    ReceptionUpdateSchema,
    StationBriefSchema,
    StationPageSchema,
    ThemeQuerySchema,
    ThemeSchema,
    WxacodeQuerySchema,
)

blp = Blueprint(
    "stations",
    __name__,
    url_prefix="/api/v1/stations",
    description="联络站公开目录（无需登录）：附近的联络站、接待日、月度主题、联络站二维码",
)

# A station's code changes only if its id or the configured link does: shared caches may keep it a day.
QR_CACHE = "public, max-age=86400"
# The WeChat code costs a call to WeChat: the browser keeps it a day, shared caches never (staff only).
WXACODE_CACHE = "private, max-age=86400"
WXACODE_TYPES = ("image/jpeg", "image/png")


def _image_responses(description, *content_types):
    """The 200 answer of an image endpoint, documented with its media types (the body is the image itself)."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"200": {"description": description, "content": {content_type: binary for content_type in content_types}}}


@blp.route("")
class Directory(MethodView):
    @blp.arguments(DirectoryQuerySchema, location="query")
    @blp.response(200, StationBriefSchema(many=True))
    @blp.paginate_query()
    def get(self, args):
        """联络站目录（按类型、区县筛选，按名称或地址搜索）"""
        return services.directory(args)


@blp.route("/nearest")
class Nearest(MethodView):
    @blp.arguments(NearestQuerySchema, location="query")
    @blp.response(200, NearbyStationSchema(many=True))
    def get(self, args):
        """离某点最近的联络站（由近到远，含距离）"""
        return services.nearest(args["lat"], args["lng"], args["limit"], args["radius"])


@blp.route("/<int:station_id>")
class StationPage(MethodView):
    @blp.response(200, StationPageSchema)
    @blp.errors(404)
    def get(self, station_id):
        """联络站详情：地址、坐标、开放时间、电话、进站代表、本月主题、近期接待日"""
        return services.station_page(station_id)


@blp.route("/<int:station_id>/receptions")
class Receptions(MethodView):
    @blp.arguments(CalendarQuerySchema, location="query")
    @blp.response(200, ReceptionSchema(many=True))
    @blp.errors(404, 422)
    def get(self, args, station_id):
        """接待日历（默认从今天起一个月）"""
        return services.calendar(station_id, args)

    @blp.requires("stations:schedule")
    @blp.arguments(ReceptionSchema)
    @blp.response(201, ReceptionSchema)
    @blp.errors(404, 409, 422)
    def post(self, data, station_id):
        """新增接待安排（本站工作人员或机关工作人员）"""
        return services.create_reception(current_principal(), station_id, data)


@blp.route("/<int:station_id>/receptions/<int:reception_id>")
class ReceptionDetail(MethodView):
    @blp.requires("stations:schedule")
    @blp.arguments(ReceptionUpdateSchema)
    @blp.response(200, ReceptionSchema)
    @blp.errors(404, 409, 422)
    def patch(self, data, station_id, reception_id):
        """修改接待安排（已过去的不能修改）"""
        return services.update_reception(current_principal(), station_id, reception_id, data)

    @blp.requires("stations:schedule")
    @blp.response(204)
    @blp.errors(404, 409)
    def delete(self, station_id, reception_id):
        """取消接待安排（已过去的不能删除）"""
        services.delete_reception(current_principal(), station_id, reception_id)


@blp.route("/<int:station_id>/themes")
class Themes(MethodView):
    @blp.arguments(ThemeQuerySchema, location="query")
    @blp.response(200, ThemeSchema(many=True))
    @blp.errors(404)
    def get(self, args, station_id):
        """一年的月度主题（默认今年）"""
        return services.themes(station_id, args)


@blp.route("/<int:station_id>/themes/<month>")
class Theme(MethodView):
    @blp.requires("stations:schedule")
    @blp.arguments(ThemeSchema)
    @blp.response(200, ThemeSchema)
    @blp.errors(404, 409, 422)
    def put(self, data, station_id, month):
        """设置某月主题（month 为 YYYY-MM，本月至 12 个月后）"""
        return services.set_theme(current_principal(), station_id, month, data)

    @blp.requires("stations:schedule")
    @blp.response(204)
    @blp.errors(404, 409)
    def delete(self, station_id, month):
        """删除某月主题"""
        services.delete_theme(current_principal(), station_id, month)


@blp.route("/<int:station_id>/qrcode.png")
class QrPng(MethodView):
    @blp.arguments(QrQuerySchema, location="query")
    @blp.response(200)
    @blp.doc(responses=_image_responses("二维码 PNG（扫码打开小程序的联络站页面）", "image/png"))
    @blp.alt_response(304, description="未修改（If-None-Match 与 ETag 相同）")
    @blp.errors(404)
    def get(self, args, station_id):
        """联络站二维码（PNG）"""
        return _image(*codes.qr_code(station_id, "png", args["scale"], args["border"]), "image/png", QR_CACHE)


@blp.route("/<int:station_id>/qrcode.svg")
class QrSvg(MethodView):
    @blp.arguments(QrQuerySchema, location="query")
    @blp.response(200)
    @blp.doc(responses=_image_responses("二维码 SVG（打印用，可任意缩放）", "image/svg+xml"))
    @blp.alt_response(304, description="未修改（If-None-Match 与 ETag 相同）")
    @blp.errors(404)
    def get(self, args, station_id):
        """联络站二维码（SVG）"""
        return _image(*codes.qr_code(station_id, "svg", args["scale"], args["border"]), "image/svg+xml", QR_CACHE)


@blp.route("/<int:station_id>/wxacode")
class Wxacode(MethodView):
    @blp.requires("stations:wxacode")
    @blp.arguments(WxacodeQuerySchema, location="query")
    @blp.response(200)
    @blp.doc(responses=_image_responses("微信小程序码图片（微信通常给 JPEG，本地模拟服务给 PNG）", *WXACODE_TYPES))
    @blp.errors(404, 503)
    def get(self, args, station_id):
        """联络站的微信小程序码（微信不可用时 503，可改用普通二维码）"""
        code = codes.wxacode(current_principal(), station_id, args["width"], args.get("env_version"))
        return _image(code["image"], None, code["content_type"], WXACODE_CACHE)


def _image(data, etag, content_type, cache_control):
    response = Response(data, mimetype=content_type)
    response.headers["Cache-Control"] = cache_control
    response.headers["X-Content-Type-Options"] = "nosniff"
    # An SVG opened on its own is a document: no scripts, no loads, whatever it might contain.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    if etag:
        response.set_etag(etag)
        response.make_conditional(request)
    return response
