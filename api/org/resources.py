"""The organisation: congress, delegations, deputy groups, liaison stations, handling units."""
from flask.views import MethodView

from api.common.access import current_principal
from api.common.blueprint import Blueprint
from api.org import services
from api.org.models import Delegation, DeputyGroup, HandlingUnit, Station
from api.org.schemas import (
    CongressEntrySchema,
    CongressEntryUpdateSchema,
    CongressQuerySchema,
    CongressSchema,
    DelegationSchema,
    DelegationUpdateSchema,
    DeputyGroupSchema,
    DeputyGroupUpdateSchema,
    GroupQuerySchema,
    HandlingUnitSchema,
    HandlingUnitUpdateSchema,
    LevelStatisticsSchema,
    NameQuerySchema,
    StationDeputiesSchema,
    StationDeputySchema,
    StationQuerySchema,
    StationSchema,
    StationUpdateSchema,
    UnitQuerySchema,
)

blp = Blueprint(
    "org", __name__, url_prefix="/api/v1/org", description="组织机构：本级人大、代表团、代表小组、联络站、承办单位"
)


@blp.route("/congress")
class CongressDetail(MethodView):
    @blp.requires("congress:read")
    @blp.response(200, CongressSchema)
    @blp.errors(404)
    def get(self):
        """本级人大信息"""
        return services.get_congress()

    @blp.requires("org:manage")
    @blp.arguments(CongressSchema)
    @blp.response(200, CongressSchema)
    @blp.errors(409)
    def put(self, data):
        """设置本级人大信息"""
        return services.save_congress(data)


@blp.route("/congresses")
class Congresses(MethodView):
    @blp.requires("org:read")
    @blp.arguments(CongressQuerySchema, location="query")
    @blp.response(200, CongressEntrySchema(many=True))
    @blp.paginate_query()
    def get(self, args):
        """本地区各级人大及其代表人数（本级在前）"""
        return services.congresses(args)

    @blp.requires("org:manage")
    @blp.arguments(CongressEntrySchema)
    @blp.response(201, CongressEntrySchema)
    @blp.errors(409)
    def post(self, data):
        """新增上级人大（其在本地区选出的代表由本平台服务）"""
        return services.create_congress(data)


@blp.route("/congresses/<int:congress_id>")
class CongressEntry(MethodView):
    @blp.requires("org:read")
    @blp.response(200, CongressEntrySchema)
    @blp.errors(404)
    def get(self, congress_id):
        """人大详情及代表人数"""
        return services.get_congress_row(congress_id)

    @blp.requires("org:manage")
    @blp.arguments(CongressEntryUpdateSchema)
    @blp.response(200, CongressEntrySchema)
    @blp.errors(404, 409, 422)
    def patch(self, data, congress_id):
        """修改人大信息"""
        return services.update_congress(congress_id, data)

    @blp.requires("org:manage")
    @blp.response(204)
    @blp.errors(404, 409)
    def delete(self, congress_id):
        """删除人大（本级人大或仍有代表时不可删除）"""
        services.delete_congress(congress_id)


@blp.route("/levels")
class Levels(MethodView):
    @blp.requires("org:read")
    @blp.response(200, LevelStatisticsSchema(many=True))
    def get(self):
        """各层级代表人数统计"""
        return services.level_statistics()


@blp.route("/delegations")
class Delegations(MethodView):
    @blp.requires("org:read")
    @blp.arguments(NameQuerySchema, location="query")
    @blp.response(200, DelegationSchema(many=True))
    @blp.paginate_query()
    def get(self, args):
        """代表团/选举单位列表"""
        return services.search(Delegation, args)

    @blp.requires("org:manage")
    @blp.arguments(DelegationSchema)
    @blp.response(201, DelegationSchema)
    @blp.errors(409)
    def post(self, data):
        """新建代表团/选举单位"""
        return services.create(Delegation, data)


@blp.route("/delegations/<int:delegation_id>")
class DelegationDetail(MethodView):
    @blp.requires("org:read")
    @blp.response(200, DelegationSchema)
    @blp.errors(404)
    def get(self, delegation_id):
        """代表团/选举单位详情"""
        return Delegation.get_by_id(delegation_id)

    @blp.requires("org:manage")
    @blp.arguments(DelegationUpdateSchema)
    @blp.response(200, DelegationSchema)
    @blp.errors(404, 409)
    def patch(self, data, delegation_id):
        """修改代表团/选举单位"""
        return services.update(Delegation.get_by_id(delegation_id), data)

    @blp.requires("org:manage")
    @blp.response(204)
    @blp.errors(404, 409)
    def delete(self, delegation_id):
        """删除代表团/选举单位（仍有代表或代表小组时不可删除）"""
        services.delete(Delegation.get_by_id(delegation_id))


@blp.route("/groups")
class Groups(MethodView):
    @blp.requires("org:read")
    @blp.arguments(GroupQuerySchema, location="query")
    @blp.response(200, DeputyGroupSchema(many=True))
    @blp.paginate_query()
    def get(self, args):
        """代表小组列表"""
        return services.search(DeputyGroup, args, "basis", "delegation")

    @blp.requires("org:manage")
    @blp.arguments(DeputyGroupSchema)
    @blp.response(201, DeputyGroupSchema)
    @blp.errors(409)
    def post(self, data):
        """新建代表小组"""
        return services.create(DeputyGroup, data)


@blp.route("/groups/<int:group_id>")
class GroupDetail(MethodView):
    @blp.requires("org:read")
    @blp.response(200, DeputyGroupSchema)
    @blp.errors(404)
    def get(self, group_id):
        """代表小组详情"""
        return DeputyGroup.get_by_id(group_id)

    @blp.requires("org:manage")
    @blp.arguments(DeputyGroupUpdateSchema)
    @blp.response(200, DeputyGroupSchema)
    @blp.errors(404, 409)
    def patch(self, data, group_id):
        """修改代表小组"""
        return services.update(DeputyGroup.get_by_id(group_id), data)

    @blp.requires("org:manage")
    @blp.response(204)
    @blp.errors(404, 409)
    def delete(self, group_id):
        """删除代表小组（仍有成员时不可删除）"""
        services.delete(DeputyGroup.get_by_id(group_id))


@blp.route("/stations")
class Stations(MethodView):
    @blp.requires("stations:read")
    @blp.arguments(StationQuerySchema, location="query")
    @blp.response(200, StationSchema(many=True))
    @blp.paginate_query()
    def get(self, args):
        """联络站列表（联络站工作人员只见本站）"""
        return services.visible_stations(current_principal(), args)

    @blp.requires("org:manage")
    @blp.arguments(StationSchema)
    @blp.response(201, StationSchema)
    @blp.errors(409)
    def post(self, data):
        """新建联络站"""
        return services.create(Station, data)


@blp.route("/stations/<int:station_id>")
class StationDetail(MethodView):
    @blp.requires("stations:read")
    @blp.response(200, StationSchema)
    @blp.errors(404)
    def get(self, station_id):
        """联络站详情"""
        return services.get_station(station_id, current_principal())

    @blp.requires("org:manage")
    @blp.arguments(StationUpdateSchema)
    @blp.response(200, StationSchema)
    @blp.errors(404, 409)
    def patch(self, data, station_id):
        """修改联络站"""
        return services.update(services.get_station(station_id, current_principal()), data)

    @blp.requires("org:manage")
    @blp.response(204)
    @blp.errors(404, 409)
    def delete(self, station_id):
        """删除联络站（仍有进站代表或工作人员时不可删除）"""
        services.delete(services.get_station(station_id, current_principal()))


@blp.route("/stations/<int:station_id>/deputies")
class StationDeputies(MethodView):
    @blp.requires("stations:read")
    @blp.response(200, StationDeputySchema(many=True))
    @blp.errors(404)
    def get(self, station_id):
        """在该联络站履职的代表（代表只能查看本人所在的联络站）"""
        return services.station_deputies(services.get_station_roster(station_id, current_principal()))

    @blp.requires("org:manage")
    @blp.arguments(StationDeputiesSchema)
    @blp.response(200, StationDeputySchema(many=True))
    @blp.errors(404)
    def put(self, data, station_id):
        """设置在该联络站履职的代表（整体替换）"""
        station = services.get_station(station_id, current_principal())
        return services.set_station_deputies(station, data["deputy_ids"])


@blp.route("/units")
class Units(MethodView):
    @blp.requires("units:read")
    @blp.arguments(UnitQuerySchema, location="query")
    @blp.response(200, HandlingUnitSchema(many=True))
    @blp.paginate_query()
    def get(self, args):
        """承办单位列表（承办单位账号只见本单位）"""
        return services.visible_units(current_principal(), args)

    @blp.requires("org:manage")
    @blp.arguments(HandlingUnitSchema)
    @blp.response(201, HandlingUnitSchema)
    @blp.errors(409)
    def post(self, data):
        """新建承办单位"""
        return services.create(HandlingUnit, data)


@blp.route("/units/<int:unit_id>")
class UnitDetail(MethodView):
    @blp.requires("units:read")
    @blp.response(200, HandlingUnitSchema)
    @blp.errors(404)
    def get(self, unit_id):
        """承办单位详情"""
        return services.get_unit(unit_id, current_principal())

    @blp.requires("org:manage")
    @blp.arguments(HandlingUnitUpdateSchema)
    @blp.response(200, HandlingUnitSchema)
    @blp.errors(404, 409)
    def patch(self, data, unit_id):
        """修改承办单位"""
        return services.update(services.get_unit(unit_id, current_principal()), data)

    @blp.requires("org:manage")
    @blp.response(204)
    @blp.errors(404, 409)
    def delete(self, unit_id):
        """删除承办单位（仍有账号时不可删除）"""
        services.delete(services.get_unit(unit_id, current_principal()))
