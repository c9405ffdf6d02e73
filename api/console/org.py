"""The organisation (组织机构): congresses and levels, delegations, deputy groups, stations, handling units.

Each kind is described once (its fields, columns and service calls); one set of views lists, creates,
edits and deletes them all through the org services the API calls, with the API's schemas.
"""
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import abort, render_template, request, url_for
from flask.views import MethodView

from api.common.access import current_principal
from api.console.blueprint import page
from api.console.forms import checkbox, done, ids, load, optional_int, page_or_fragment, submit, words
from api.console.listing import filters, page_or_results, paged
from api.console.session import requires
from api.deputies import services as deputies
from api.org import schemas, services
from api.org.models import CONGRESS_LEVELS, STATION_KINDS, Delegation, DeputyGroup, HandlingUnit, Station


@dataclass
class Field:
    name: str
    label: str
    kind: str = "text"  # text | textarea | select | id | checkbox | number
    options: Callable = None  # () -> [(value, text)] for selects
    required: bool = False


@dataclass
class Kind:
    label: str
    query_schema: object
    schema: object
    update_schema: object
    fields: list
    columns: list  # [(header, obj -> text)]
    search: Callable  # (principal, args) -> query
    get: Callable  # (principal, id) -> obj
    create: Callable = None
    update: Callable = None
    delete: Callable = None
    extra: dict = field(default_factory=dict)


def _delegations():
    return [(d.id, d.name) for d in services.search(Delegation, {})]


def _yes(value):
    return "是" if value else "否"


KINDS = {
    "congresses": Kind(
        "人大", schemas.CongressQuerySchema(), schemas.CongressEntrySchema(), schemas.CongressEntryUpdateSchema(),
        [Field("name", "名称", required=True), Field("level", "层级", "select", lambda: list(CONGRESS_LEVELS.items())),
         Field("current_term", "本届届次", "number", required=True), Field("region", "所在行政区")],
        [("名称", lambda c: c.name + ("（本级）" if c.is_own else "")),
         ("层级", lambda c: CONGRESS_LEVELS.get(c.level)),
         ("届次", lambda c: c.current_term), ("代表", lambda c: c.deputy_count), ("在任", lambda c: c.serving_count)],
        search=lambda principal, args: services.congresses(args),
        get=lambda principal, pk: services.get_congress_row(pk),
        create=services.create_congress,
        update=lambda obj, data: services.update_congress(obj.id, data),
        delete=lambda obj: services.delete_congress(obj.id),
    ),
    "delegations": Kind(
        "代表团", schemas.NameQuerySchema(), schemas.DelegationSchema(), schemas.DelegationUpdateSchema(),
        [Field("name", "名称", required=True),
         Field("kind", "类别", "select", lambda: [(k, k) for k in schemas.DELEGATION_KINDS])],
        [("名称", lambda d: d.name), ("类别", lambda d: d.kind)],
        search=lambda principal, args: services.search(Delegation, args),
        get=lambda principal, pk: Delegation.get_by_id(pk),
    ),
    "groups": Kind(
        "代表小组", schemas.GroupQuerySchema(), schemas.DeputyGroupSchema(), schemas.DeputyGroupUpdateSchema(),
        [Field("name", "名称", required=True),
         Field("basis", "组成方式", "select", lambda: list(schemas.GROUP_BASES.items())),
         Field("delegation_id", "所属代表团", "id", _delegations)],
        [("名称", lambda g: g.name), ("组成方式", lambda g: schemas.GROUP_BASES.get(g.basis)),
         ("所属代表团", lambda g: g.delegation.name if g.delegation_id else "—")],
        search=lambda principal, args: services.search(DeputyGroup, args, "basis", "delegation"),
        get=lambda principal, pk: DeputyGroup.get_by_id(pk),
    ),
    "stations": Kind(
        "联络站", schemas.StationQuerySchema(), schemas.StationSchema(), schemas.StationUpdateSchema(),
        [Field("name", "名称", required=True), Field("kind", "类型", "select", lambda: [(k, k) for k in STATION_KINDS]),
         Field("district", "所在区县"), Field("address", "地址"), Field("description", "简介", "textarea"),
         Field("is_active", "启用", "checkbox")],
        [("名称", lambda s: s.name), ("类型", lambda s: s.kind), ("区县", lambda s: s.district or "—"),
         ("启用", lambda s: _yes(s.is_active))],
        search=services.visible_stations,
        get=lambda principal, pk: services.get_station(pk, principal),
    ),
    "units": Kind(
        "承办单位", schemas.UnitQuerySchema(), schemas.HandlingUnitSchema(), schemas.HandlingUnitUpdateSchema(),
        [Field("name", "名称", required=True), Field("category", "类别"), Field("contact_name", "联系人"),
         Field("is_active", "启用", "checkbox")],
        [("名称", lambda u: u.name), ("类别", lambda u: u.category or "—"), ("联系人", lambda u: u.contact_name or "—"),
         ("启用", lambda u: _yes(u.is_active))],
        search=services.visible_units,
        get=lambda principal, pk: services.get_unit(pk, principal),
    ),
}
MODELS = {"delegations": Delegation, "groups": DeputyGroup, "stations": Station, "units": HandlingUnit}


def kind_of(name):
    if name not in KINDS:
        abort(404)
    return KINDS[name]


@page("/org", "org", nav="组织机构", permission="org:manage", order=20)
class Organisation(MethodView):
    @requires("org:manage")
    def get(self):
        """组织机构：各级人大与各层级代表人数"""
        return OrgList().get("congresses")


@page("/org/<kind>", "org_list")
class OrgList(MethodView):
    @requires("org:manage")
    def get(self, kind):
        """组织机构列表"""
        spec = kind_of(kind)
        args = filters(spec.query_schema)
        return page_or_results(
            "console/org/list.html", "console/org/_results.html",
            kinds=KINDS, kind=kind, spec=spec, args=args, page=paged(spec.search(current_principal(), args)),
            levels=services.level_statistics() if kind == "congresses" else None,
            level_options=list(CONGRESS_LEVELS.items()),
            has_own=services.own_congress() is not None,
        )


@page("/org/<kind>/new", "org_new", methods=["GET", "POST"])
class OrgNew(MethodView):
    @requires("org:manage")
    def get(self, kind):
        """新建表单"""
        return _form(kind, None, {"is_active": True})

    @requires("org:manage")
    def post(self, kind):
        """新建"""
        spec = kind_of(kind)

        def create():
            data = form_data(spec, request.form)
            if kind == "congresses" and checkbox(request.form, "is_own"):
                data.pop("region", None)
                obj = services.save_congress(load(schemas.CongressSchema(), data))
            elif spec.create:
                obj = spec.create(load(spec.schema, data))
            else:
                obj = services.create(MODELS[kind], load(spec.schema, data))
            return done(url_for("console.org_edit", kind=kind, pk=obj.id))

        return submit(create, lambda errors, message, status: _form(kind, None, request.form, errors, message, status))


@page("/org/<kind>/<int:pk>", "org_edit", methods=["GET", "POST"])
class OrgEdit(MethodView):
    @requires("org:manage")
    def get(self, kind, pk):
        """修改表单"""
        return _form(kind, kind_of(kind).get(current_principal(), pk))

    @requires("org:manage")
    def post(self, kind, pk):
        """保存修改"""
        spec = kind_of(kind)
        obj = spec.get(current_principal(), pk)

        def update():
            data = load(spec.update_schema, form_data(spec, request.form))
            (spec.update or services.update)(obj, data)
            return done(url_for("console.org_edit", kind=kind, pk=obj.id, saved=1))

        return submit(update, lambda errors, message, status: _form(kind, obj, request.form, errors, message, status))


@page("/org/<kind>/<int:pk>/delete", "org_delete", methods=["POST"])
class OrgDelete(MethodView):
    @requires("org:manage")
    def post(self, kind, pk):
        """删除（仍被引用时不可删除，并说明原因）"""
        spec = kind_of(kind)
        (spec.delete or services.delete)(spec.get(current_principal(), pk))
        return done(url_for("console.org_list", kind=kind))


@page("/org/stations/<int:pk>/deputies", "station_deputies", methods=["POST"])
class StationDeputies(MethodView):
    @requires("org:manage")
    def post(self, pk):
        """设置在该联络站履职的代表（勾选保留，按代表编号添加）"""
        station = services.get_station(pk, current_principal())

        def save():
            added = deputies.ids_for_codes(words(request.form, "add_codes"), "add_codes")
            wanted = ids(request.form, "deputy_ids") + added
            data = load(schemas.StationDeputiesSchema(), {"deputy_ids": wanted})
            rows = services.set_station_deputies(station, data["deputy_ids"])
            return _station_deputies(station, rows, saved=True)

        return submit(save, lambda errors, message, status: (
            _station_deputies(station, services.station_deputies(station), errors=errors, message=message), status))


def form_data(spec, form):
    """The form as the API's JSON body: ids and numbers as integers (a non-number left for the schema to refuse)."""
    data = {}
    for item in spec.fields:
        raw = form.get(item.name, "")
        if item.kind == "checkbox":
            data[item.name] = checkbox(form, item.name)
        elif item.kind == "id":
            data[item.name] = optional_int(form, item.name)
        elif item.kind == "number":
            data[item.name] = int(raw) if raw.strip().isdigit() else (raw.strip() or None)
        else:
            data[item.name] = raw
    return data


def _station_deputies(station, rows, errors=None, message=None, saved=False):
    return render_template("console/org/_station_deputies.html", station=station, rows=list(rows),
                           errors=errors or {}, message=message, saved=saved)


def _form(kind, obj, values=None, errors=None, message=None, status=200):
    spec = kind_of(kind)
    if values is None:
        values = {item.name: getattr(obj, item.name) for item in spec.fields} if obj else {}
    return page_or_fragment(
        "console/org/form.html", "console/org/_form.html", status,
        kinds=KINDS, kind=kind, spec=spec, obj=obj, values=values, errors=errors or {}, message=message,
        saved=request.args.get("saved"), own_missing=kind == "congresses" and services.own_congress() is None,
        station_rows=list(services.station_deputies(obj)) if kind == "stations" and obj else None,
    )

