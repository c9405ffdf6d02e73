"""Who a notice reaches: the audience JSON turned into one SQL condition on serving deputies."""
import functools
import operator

from api.common.errors import abort
from api.deputies.models import STATUS_SERVING, Deputy, DeputyExpertise, DeputyGroupMember, DeputyStation
from api.org.models import Delegation, DeputyGroup, Station

SAMPLE_SIZE = 20


def _selectors(audience):
    selectors = []
    if audience.get("delegation_ids"):
        selectors.append(Deputy.delegation.in_(audience["delegation_ids"]))
    if audience.get("group_ids"):
        members = DeputyGroupMember.select(DeputyGroupMember.deputy).where(
            DeputyGroupMember.group.in_(audience["group_ids"])
        )
        selectors.append(Deputy.id.in_(members))
    if audience.get("station_ids"):
        linked = DeputyStation.select(DeputyStation.deputy).where(DeputyStation.station.in_(audience["station_ids"]))
        selectors.append(Deputy.id.in_(linked))
    if audience.get("fields"):
        experts = DeputyExpertise.select(DeputyExpertise.deputy).where(DeputyExpertise.field.in_(audience["fields"]))
        selectors.append(Deputy.id.in_(experts))
    return selectors


def condition(audience):
    """WHERE clause on Deputy for a stored audience.

    (all | union of delegation/group/station/field selectors) narrowed to grassroots deputies if asked
    (grassroots alone means every grassroots deputy), plus the explicit list, minus exclusions, and
    always only deputies still in office: a deputy who left never gets a new notice, listed or not.
    """
    selectors = _selectors(audience)
    grassroots = audience.get("grassroots_only")
    everyone = audience.get("all") or (grassroots and not selectors)
    where = Deputy.status == STATUS_SERVING
    if everyone and not grassroots:
        reach = None
    else:
        reach = []
        if everyone:
            reach.append(Deputy.grassroots == True)  # noqa: E712  (peewee builds SQL from ==)
        elif selectors:
            chosen = functools.reduce(operator.or_, selectors)
            reach.append(chosen & (Deputy.grassroots == True) if grassroots else chosen)  # noqa: E712
        if audience.get("deputy_ids"):
            reach.append(Deputy.id.in_(audience["deputy_ids"]))
        if not reach:
            abort(422, message="请至少选择一种受众范围。", errors={"audience": ["请至少选择一种受众范围。"]})
        reach = functools.reduce(operator.or_, reach)
    if reach is not None:
        where &= reach
    if audience.get("exclude_deputy_ids"):
        where &= Deputy.id.not_in(audience["exclude_deputy_ids"])
    return where


def deputy_ids_query(audience):
    """One SELECT of the ids of every deputy the audience reaches."""
    return Deputy.select(Deputy.id).where(condition(audience))


def check_references(audience):
    """422 naming any delegation, group, station or deputy that does not exist."""
    errors = {}
    for key, model in (
        ("delegation_ids", Delegation),
        ("group_ids", DeputyGroup),
        ("station_ids", Station),
        ("deputy_ids", Deputy),
        ("exclude_deputy_ids", Deputy),
    ):
        wanted = set(audience.get(key) or ())
        if not wanted:
            continue
        found = {row.id for row in model.select(model.id).where(model.id.in_(list(wanted)))}
        missing = sorted(wanted - found)
        if missing:
            errors[key] = [f"不存在：{', '.join(map(str, missing[:20]))}" + ("等" if len(missing) > 20 else "")]
    if errors:
        abort(422, message="受众中有不存在的对象。", errors={"audience": errors})


def preview(audience):
    check_references(audience)
    where = condition(audience)
    count = Deputy.select().where(where).count()
    sample = (
        Deputy.select(Deputy.id, Deputy.code, Deputy.name, Delegation.name.alias("delegation"))
        .join(Delegation)
        .where(where)
        .order_by(Deputy.delegation, Deputy.code)
        .limit(SAMPLE_SIZE)
        .dicts()
    )
    not_serving = 0
    if audience.get("deputy_ids"):
        not_serving = (
            Deputy.select()
            .where(Deputy.id.in_(audience["deputy_ids"]) & (Deputy.status != STATUS_SERVING))
            .count()
        )
    return {"count": count, "not_serving": not_serving, "sample": list(sample)}
