"""Who a message reaches (notices, consultations): an audience JSON as one SQL condition on serving deputies."""
import functools
import operator

from api.common.errors import Invalid
from api.deputies.models import STATUS_SERVING, Deputy, DeputyExpertise, DeputyGroupMember, DeputyStation
from api.org.models import CONGRESS_LEVELS, Congress, Delegation, DeputyGroup, Station

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
    if audience.get("levels"):
        # Seats, not people: a person at two levels is reached through the seat of the level chosen.
        congresses = Congress.select(Congress.id).where(Congress.level.in_(audience["levels"]))
        selectors.append(Deputy.congress.in_(congresses))
    if audience.get("congress_ids"):
        selectors.append(Deputy.congress.in_(audience["congress_ids"]))
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
            raise Invalid("请至少选择一种受众范围。", errors={"audience": ["请至少选择一种受众范围。"]})
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
    unknown_levels = sorted(set(audience.get("levels") or ()) - set(CONGRESS_LEVELS))
    if unknown_levels:
        errors["levels"] = [f"层级不存在：{', '.join(unknown_levels)}（可选：{', '.join(CONGRESS_LEVELS)}）"]
    for key, model in (
        ("congress_ids", Congress),
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
        raise Invalid("受众中有不存在的对象。", errors={"audience": errors})


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


# --- for pickers (the console's audience builder) ---


def choices():
    """What an audience can be built from: congresses, levels, delegations, groups, stations and fields."""
    return {
        "congresses": list(
            Congress.select(Congress.id, Congress.name, Congress.level)
            .order_by(Congress.is_own.desc(), Congress.id)
            .dicts()
        ),
        "levels": list(CONGRESS_LEVELS.items()),
        "delegations": list(Delegation.select(Delegation.id, Delegation.name).order_by(Delegation.name).dicts()),
        "groups": list(DeputyGroup.select(DeputyGroup.id, DeputyGroup.name).order_by(DeputyGroup.name).dicts()),
        "stations": list(
            Station.select(Station.id, Station.name).where(Station.is_active == True).order_by(Station.name).dicts()  # noqa: E712
        ),
        "fields": [field for (field,) in _expertise_fields()],
    }


def deputy_ids_for_codes(codes):
    """Deputy codes as staff type them → (ids in the order given, codes that name nobody)."""
    codes = list(dict.fromkeys(code for code in codes if code))
    found = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        found.update(Deputy.select(Deputy.code, Deputy.id).where(Deputy.code.in_(chunk)).tuples())
    return [found[code] for code in codes if code in found], [code for code in codes if code not in found]


def codes_of(deputy_ids):
    """The codes of these deputies, in the order given (for showing a stored audience back to staff)."""
    ids = list(deputy_ids or ())
    if not ids:
        return []
    codes = dict(Deputy.select(Deputy.id, Deputy.code).where(Deputy.id.in_(ids)).tuples())
    return [codes[i] for i in ids if i in codes]


def find_deputies(text, limit=SAMPLE_SIZE):
    """Deputies whose name or code contains `text`, serving first: to look up codes for an audience."""
    text = (text or "").strip()
    if not text:
        return []
    return list(
        Deputy.select(Deputy.id, Deputy.code, Deputy.name, Deputy.status, Delegation.name.alias("delegation"))
        .join(Delegation)
        .where(Deputy.name.contains(text) | Deputy.code.contains(text))
        .order_by(Deputy.status != STATUS_SERVING, Deputy.code)
        .limit(limit)
        .dicts()
    )


def _expertise_fields():
    return DeputyExpertise.select(DeputyExpertise.field).distinct().order_by(DeputyExpertise.field).tuples()
