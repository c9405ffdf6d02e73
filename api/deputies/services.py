"""Deputies: scoped reads, writes with their links, and the roster import/export."""
from peewee import JOIN, Case, fn

from api.common import spreadsheets
from api.common.audit import record
from api.common.db import BATCH, batches, filter_by, utcnow
from api.common.errors import Conflict, Forbidden, Invalid, NotFound
from api.common.permissions import OFFICE, STATION_STAFF, allowed
from api.common.pii import blind_index, mask_phone
from api.common.references import reason_in_use
from api.common.seats import SeatDirectory, provide
from api.common.signals import deputy_seats_ended
from api.deputies import roster
from api.deputies.models import STATUS_ENDED, STATUS_SERVING, Deputy, DeputyExpertise, DeputyGroupMember, DeputyStation
from api.extensions import db
from api.org.models import CONGRESS_LEVELS, Congress, Delegation, DeputyGroup, Station

LINKS = {"groups": (DeputyGroupMember, "group"), "stations": (DeputyStation, "station")}


# Reading


def seats_query():
    """Seats with their delegation and congress, in one query."""
    return Deputy.select(Deputy, Delegation, Congress).join(Delegation).switch(Deputy).join(Congress, JOIN.LEFT_OUTER)


def search(args, principal):
    query = seats_query()
    query = query.order_by(Deputy.code)
    if principal.role == STATION_STAFF:
        query = query.where(Deputy.id.in_(_serving(principal.station_ids or [0])))
    if args.get("phone"):
        if principal.role not in OFFICE:
            raise Forbidden("仅工作人员可按手机号查找代表。")
        query = query.where(Deputy.phone_hash == blind_index(args["phone"]))
    if args.get("level"):
        query = query.where(Congress.level == args["level"])
    query = filter_by(
        query,
        args,
        equal={
            "delegation": Deputy.delegation,
            "congress": Deputy.congress,
            "status": Deputy.status,
            "term": Deputy.term,
            "grassroots": Deputy.grassroots,
        },
        contains={"name": Deputy.name},
    )
    if args.get("code"):
        query = query.where(Deputy.code == args["code"])
    if args.get("q"):
        query = query.where(Deputy.name.contains(args["q"]) | Deputy.code.contains(args["q"]))
    if args.get("group") is not None:
        members = DeputyGroupMember.select(DeputyGroupMember.deputy).where(DeputyGroupMember.group == args["group"])
        query = query.where(Deputy.id.in_(members))
    if args.get("station") is not None:
        query = query.where(Deputy.id.in_(_serving([args["station"]])))
    if args.get("field"):
        experts = DeputyExpertise.select(DeputyExpertise.deputy).where(DeputyExpertise.field == args["field"])
        query = query.where(Deputy.id.in_(experts))
    return query


class LinkedQuery:
    """Pages like the query it wraps (see PeeweePage), then loads the page's links in three queries, not per row."""

    def __init__(self, query):
        self.query = query

    def paginate(self, page, page_size):
        return attach_links(list(self.query.paginate(page, page_size)))

    def order_by(self, *columns):
        return self.query.order_by(*columns)


def attach_links(deputies, ids=None):
    """Set linked_groups, linked_stations, linked_fields; `ids` may be a subquery selecting the same deputies."""
    by_id = {deputy.id: deputy for deputy in deputies}
    for deputy in deputies:
        deputy.linked_groups, deputy.linked_stations, deputy.linked_fields = [], [], []
    if not by_id:
        return deputies
    ids = list(by_id) if ids is None else ids
    for attr, (link, target) in (("linked_groups", LINKS["groups"]), ("linked_stations", LINKS["stations"])):
        model = getattr(link, target).rel_model
        rows = link.select(link.deputy, model.id, model.name).join(model).where(link.deputy.in_(ids)).order_by(model.id)
        for deputy_id, target_id, name in rows.tuples():
            if deputy_id in by_id:
                getattr(by_id[deputy_id], attr).append({"id": target_id, "name": name})
    expertise = (
        DeputyExpertise.select(DeputyExpertise.deputy, DeputyExpertise.field)
        .where(DeputyExpertise.deputy.in_(ids))
        .order_by(DeputyExpertise.id)
    )
    for deputy_id, name in expertise.tuples():
        if deputy_id in by_id:
            by_id[deputy_id].linked_fields.append(name)
    return deputies


def get_visible(deputy_id, principal):
    # Deputies outside a station's list are 404 to its staff: they may not learn who else is on the roster.
    if principal.role == STATION_STAFF:
        serving = _serving(principal.station_ids or [0]).where(DeputyStation.deputy == deputy_id)
        if not serving.exists():
            raise NotFound()
    return load(deputy_id)


def load(deputy_id):
    query = seats_query()
    return attach_links([query.where(Deputy.id == deputy_id).get()])[0]


def get_own(principal):
    if principal.deputy_id is None:
        raise Forbidden("当前账号未关联代表信息。")
    return get_visible(principal.deputy_id, principal)


def own_seats(principal):
    """Every seat the signed-in deputy holds (one per congress), the primary seat first."""
    seats = tuple(dict.fromkeys(([principal.deputy_id] if principal.deputy_id else []) + list(principal.deputy_ids)))
    if not seats:
        raise Forbidden("当前账号未关联代表信息。")
    query = seats_query()
    deputies = {deputy.id: deputy for deputy in query.where(Deputy.id.in_(seats))}
    return attach_links([deputies[seat] for seat in seats if seat in deputies])


def ids_for_codes(codes, key="codes"):
    """代表编号 → id for each code given, in one query; 422 naming the codes that are not on the roster."""
    wanted = list(dict.fromkeys(codes))
    found = dict(Deputy.select(Deputy.code, Deputy.id).where(Deputy.code.in_(wanted)).tuples()) if wanted else {}
    if missing := [code for code in wanted if code not in found]:
        raise Invalid(errors={key: [f"代表编号不存在：{'、'.join(missing)}。"]})
    return [found[code] for code in wanted]


def read_contact(deputy_id):
    deputy = Deputy.get_by_id(deputy_id)
    record("pii.read", "deputy", deputy.id, detail={"fields": ["phone"]})
    return deputy


def own_congress():
    return Congress.get_or_none(Congress.is_own == True)  # noqa: E712  (peewee builds SQL from ==)


def current_term(congress=None):
    congress = congress or own_congress()
    return congress.current_term if congress else None


def congress_for(congress_id, key="congress_id"):
    """The congress a new seat joins: the one named, or the deployment's own."""
    if congress_id is not None:
        congress = Congress.get_or_none(Congress.id == congress_id)
        if congress is None:
            raise Invalid(errors={key: ["人大不存在。"]})
        return congress
    congress = own_congress()
    if congress is None:
        raise Invalid("尚未设置本级人大信息，请先设置。", errors={key: ["尚未设置本级人大信息。"]})
    return congress


def _serving(station_ids):
    return DeputyStation.select(DeputyStation.deputy).where(DeputyStation.station.in_(station_ids))


# Writing


def create(data):
    links = _take_links(data)
    congress = own_congress() if data.get("congress_id") is None else None
    if congress is None and data.get("congress_id") is None:
        errors = {"congress_id": ["尚未设置本级人大信息，请先设置或指定所属人大。"]}
        if data.get("term") is None:
            errors["term"] = ["尚未设置本届届次，请填写届次。"]
        raise Invalid(errors=errors)
    congress = congress or congress_for(data["congress_id"])
    data["congress_id"] = congress.id
    data.setdefault("term", congress.current_term)
    return _save(Deputy(), data, links, "deputies.create")


def update(deputy, data):
    return _save(deputy, data, _take_links(data), "deputies.update")


def delete(deputy):
    reason = reason_in_use(deputy)  # e.g. accounts bound to the seat (auth registers that guard)
    if reason:
        raise Conflict(reason)
    with db.atomic():
        deputy.delete_instance()
        record("deputies.delete", "deputy", deputy.id)


def _take_links(data):
    """Pop the link lists from `data`, checking that every referenced record exists (422 otherwise)."""
    errors, links = {}, {}
    if "delegation_id" in data and not Delegation.select().where(Delegation.id == data["delegation_id"]).exists():
        errors["delegation_id"] = ["代表团不存在。"]
    if data.get("congress_id") is not None and not Congress.select().where(Congress.id == data["congress_id"]).exists():
        errors["congress_id"] = ["人大不存在。"]
    for key, link_key, model, label in (
        ("group_ids", "groups", DeputyGroup, "代表小组"),
        ("station_ids", "stations", Station, "联络站"),
    ):
        if key in data:
            wanted = sorted(set(data.pop(key)))
            found = {row.id for row in model.select(model.id).where(model.id.in_(wanted))} if wanted else set()
            if missing := [str(i) for i in wanted if i not in found]:
                errors[key] = [f"{label}不存在：{', '.join(missing)}。"]
            links[link_key] = wanted
    if "expertise" in data:
        links["fields"] = list(dict.fromkeys(data.pop("expertise")))
    if errors:
        raise Invalid(errors=errors)
    return links


def _save(deputy, data, links, action):
    if data.get("code", deputy.code) != deputy.code and Deputy.select().where(Deputy.code == data["code"]).exists():
        raise Conflict("代表编号已存在。", errors={"code": ["代表编号已存在。"]})
    phone_changed = "phone" in data
    if phone_changed:
        deputy.set_phone(data.pop("phone"))
    if phone_changed or "congress_id" in data:
        # The same person may hold a seat in another congress (same phone); never two in one.
        congress_id = data.get("congress_id", deputy.congress_id)
        taken = Deputy.select().where(
            Deputy.phone_hash == deputy.phone_hash, Deputy.congress == congress_id, Deputy.id != (deputy.id or 0)
        )
        if deputy.phone_hash and taken.exists():
            message = "该手机号已被同一人大的其他代表使用。"
            raise Conflict(message, errors={"phone": [message]})
    term_ends = deputy.id is not None and deputy.status != STATUS_ENDED and data.get("status") == STATUS_ENDED
    for key, value in data.items():
        setattr(deputy, key, value)
    deputy.updated_at = utcnow()
    with db.atomic():
        if term_ends:
            # Their sessions end at once (issue 8, item 1): auth, subscribed, closes them in this transaction.
            deputy_seats_ended.send(None, deputy_ids=[deputy.id], reason="deputy_ended")
        deputy.save()
        replace_links({key: {deputy.id: values} for key, values in links.items()})
        record(action, "deputy", deputy.id, detail={"fields": sorted([*data, *links])})
    return load(deputy.id)


def replace_links(links):
    """links: {"groups"|"stations": {deputy_id: [target ids]}, "fields": {deputy_id: [names]}}: only those replaced."""
    for key, per_deputy in links.items():
        link, column = LINKS[key] if key != "fields" else (DeputyExpertise, "field")
        for chunk in batches(list(per_deputy), BATCH):
            link.delete().where(link.deputy.in_(chunk)).execute()
        rows = [{"deputy": deputy_id, column: value} for deputy_id, values in per_deputy.items() for value in values]
        for chunk in batches(rows, BATCH):
            link.insert_many(chunk).execute()


# Roster import and export

SCALARS = ("code", "name", "gender", "delegation", "term", "status", "sector", "grassroots", "employer", "title")


def import_roster(data, filename="", dry_run=False, create_missing=False, congress_id=None):
    """Every row checked and every bad row reported; then all of it applied, or none of it.

    The roster is one congress's (the deployment's own unless `congress_id` names another): new seats join it.
    Bulk statements throughout (a few queries per 500 rows), so a 5,000-row roster takes seconds, not minutes.
    """
    congress = congress_for(congress_id)
    default_term = congress.current_term
    # A file that cannot be read raises RosterFileError or SheetError, which the view answers with its status.
    records, errors = roster.parse(spreadsheets.read_table(data, filename), default_term)
    known = {
        "delegation": dict(Delegation.select(Delegation.name, Delegation.id).tuples()),
        "groups": dict(DeputyGroup.select(DeputyGroup.name, DeputyGroup.id).tuples()),
        "stations": dict(Station.select(Station.name, Station.id).tuples()),
    }
    for row in records:
        if row.values.get("phone") and row.values["phone"] is not roster.KEEP:
            row.values["phone_hash"] = blind_index(row.values["phone"])
    reference_errors, to_create = roster.check_references(records, known, create_missing)
    existing = _existing(records, known)
    roster.merge(errors, reference_errors)
    roster.merge(errors, _conflicts(records, existing, congress.id))
    if errors:
        message = f"名册中有 {len(errors)} 行数据有误，未导入任何数据。"
        raise Invalid(message, errors={"rows": roster.report(errors)})
    creates, updates = _plan(records, existing)
    result = {
        "dry_run": dry_run,
        "rows": len(records),
        "created": len(creates),
        "updated": len(updates),
        "unchanged": len(records) - len(creates) - len(updates),
        "created_delegations": sorted(to_create["delegation"]),
        "created_groups": sorted(to_create["groups"]),
    }
    with db.atomic():
        if not dry_run:
            _create_missing(to_create, known)
            _apply(creates, updates, known, default_term, congress.id)
        record("deputies.import", "deputy", None, detail=result)
    return result


def _existing(records, known):
    """code → the deputy's current values (delegation by name, links as name sets), in a few queries."""
    codes = [row.values["code"] for row in records if row.values.get("code")]
    delegation_names = {pk: name for name, pk in known["delegation"].items()}
    columns = [getattr(Deputy, key) for key in SCALARS] + [Deputy.id, Deputy.phone_hash, Deputy.congress]
    existing = {}
    for chunk in batches(codes, BATCH):
        for current in Deputy.select(*columns).where(Deputy.code.in_(chunk)).dicts():
            current["delegation"] = delegation_names.get(current["delegation"])
            existing[current["code"]] = current
    by_id = {current["id"]: current for current in existing.values()}
    for key in records[0].links if records else ():
        for current in by_id.values():
            current[key] = set()
        if key == "fields":
            query = DeputyExpertise.select(DeputyExpertise.deputy, DeputyExpertise.field)
        else:
            link, target = LINKS[key]
            model = getattr(link, target).rel_model
            query = link.select(link.deputy, model.name).join(model)
        for chunk in batches(list(by_id), BATCH):
            for deputy_id, name in query.where(query.model.deputy.in_(chunk)).tuples():
                by_id[deputy_id][key].add(name)
    return existing


def _conflicts(records, existing, congress_id):
    errors, hashes = {}, {}
    codes = {row.values.get("code") for row in records}

    def fail(row, key, message):
        errors.setdefault(row.line, {}).setdefault(roster.HEADERS[key], []).append(message)

    for row in records:
        current = existing.get(row.values.get("code"))
        if current is None and row.values.get("phone") is roster.KEEP:
            fail(row, "phone", "手机号已脱敏；新增代表须填写完整手机号。")
        if current is not None and current["congress"] != congress_id:
            fail(row, "code", "该代表编号属于其他人大的代表，请在该人大的名册中导入。")
        if row.values.get("phone_hash"):
            hashes[row.values["phone_hash"]] = row
    for chunk in batches(list(hashes), BATCH):
        holders = Deputy.select(Deputy.code, Deputy.phone_hash).where(
            Deputy.phone_hash.in_(chunk), Deputy.congress == congress_id
        )
        for code, phone_hash in holders.tuples():
            row = hashes[phone_hash]
            # Held by a deputy not in this file: it keeps its phone, so this row cannot take it.
            if code != row.values["code"] and code not in codes:
                fail(row, "phone", f"该手机号已被其他代表（编号 {code}）使用。")
    return errors


def _plan(records, existing):
    creates, updates = [], []
    for row in records:
        current = existing.get(row.values["code"])
        if current is None:
            creates.append(row)
            continue
        changed = {key for key in SCALARS if key in row.values and row.values[key] != current[key]}
        phone = row.values.get("phone", roster.KEEP)
        if phone is not roster.KEEP and row.values.get("phone_hash") != current["phone_hash"]:
            changed.add("phone")
        changed |= {key for key, names in row.links.items() if set(names) != current[key]}
        if changed:
            updates.append((current["id"], row, changed))
    return creates, updates


def _create_missing(to_create, known):
    for key, model, target in (("delegation", Delegation, "delegation"), ("groups", DeputyGroup, "deputy_group")):
        names = sorted(to_create[key])
        if names:
            model.insert_many([{"name": name, "created_at": utcnow()} for name in names]).execute()
            known[key].update(model.select(model.name, model.id).where(model.name.in_(names)).tuples())
            record(f"org.{target}.create", target, None, detail={"names": names, "via": "deputies.import"})


def _apply(creates, updates, known, default_term, congress_id):
    now = utcnow()
    if updates:
        ended = [i for i, row, changed in updates if "status" in changed and row.values["status"] == STATUS_ENDED]
        if ended:  # their sessions end at once (issue 8, item 1): auth, subscribed, closes them
            deputy_seats_ended.send(None, deputy_ids=ended, reason="deputy_ended")
        _update_existing(updates, known["delegation"], now)
    rows = [_new_deputy(row.values, known["delegation"], default_term, now) for row in creates]
    for row in rows:
        row["congress"] = congress_id
    for chunk in batches(rows, BATCH):
        Deputy.insert_many(chunk).execute()
    new_ids = {}
    for chunk in batches([row["code"] for row in rows], BATCH):
        new_ids.update(Deputy.select(Deputy.code, Deputy.id).where(Deputy.code.in_(chunk)).tuples())
    affected = [(new_ids[row.values["code"]], row, set(row.links)) for row in creates] + updates
    links = {}
    for deputy_id, row, keys in affected:
        for key in keys & set(row.links):
            targets = known.get(key)  # groups and stations by id; fields are plain names
            names = row.links[key]
            links.setdefault(key, {})[deputy_id] = [targets[name] for name in names] if targets else list(names)
    replace_links(links)


def _update_existing(updates, delegations, now):
    present = [key for key in SCALARS if key in updates[0][1].values]
    moving = [(deputy_id, row) for deputy_id, row, changed in updates if "phone" in changed]
    # A number may move between deputies within one file: free every changing number before setting any.
    for chunk in batches([deputy_id for deputy_id, _ in moving], BATCH):
        Deputy.update(phone_hash=None).where(Deputy.id.in_(chunk)).execute()
    instances = []
    for deputy_id, row, _ in updates:
        values = {key: row.values[key] for key in present if key != "delegation"}
        if "delegation" in present:
            values["delegation_id"] = delegations[row.values["delegation"]]
        instances.append(Deputy(id=deputy_id, updated_at=now, **values))
    Deputy.bulk_update(instances, [*present, "updated_at"], batch_size=100)
    if moving:
        phones = [Deputy(id=i, phone=row.values["phone"], phone_hash=row.values.get("phone_hash")) for i, row in moving]
        Deputy.bulk_update(phones, ["phone", "phone_hash"], batch_size=100)


def _new_deputy(values, delegations, default_term, now):
    return {
        "code": values["code"],
        "name": values["name"],
        "gender": values["gender"],
        "delegation": delegations[values["delegation"]],
        "term": values.get("term") or default_term,
        "status": values.get("status") or STATUS_SERVING,
        "sector": values.get("sector"),
        "grassroots": values.get("grassroots", False),
        "employer": values.get("employer"),
        "title": values.get("title"),
        "phone": values.get("phone"),
        "phone_hash": values.get("phone_hash"),
        "created_at": now,
        "updated_at": now,
    }


def export_roster(args, principal):
    """(xlsx buffer, row count); the phone masked unless asked for in clear by someone allowed to read it."""
    if args.get("unmasked") and not allowed(principal.role, "deputies:contact"):
        raise Forbidden("无权导出手机号明文。")
    query = search(args, principal)
    deputies = attach_links(list(query), ids=query.select(Deputy.id).order_by())
    reveal = bool(args.get("unmasked"))
    records = [
        {
            **{key: getattr(deputy, key) for key in SCALARS if key != "delegation"},
            "delegation": deputy.delegation.name,
            "phone": deputy.phone if reveal else mask_phone(deputy.phone),
            "groups": [group["name"] for group in deputy.linked_groups],
            "stations": [station["name"] for station in deputy.linked_stations],
            "fields": deputy.linked_fields,
        }
        for deputy in deputies
    ]
    with db.atomic():
        record("deputies.export", "deputy", None, detail={"count": len(records), "unmasked": reveal})
        if reveal:
            record("pii.read", "deputy", None, detail={"fields": ["phone"], "count": len(records), "via": "export"})
    return roster.write_xlsx(records), len(records)


class Seats(SeatDirectory):
    """Answers org's questions about seats (see api.common.seats)."""

    def counts_per_congress(self):
        serving = fn.SUM(Case(None, [(Deputy.status == STATUS_SERVING, 1)], 0)).alias("serving")
        return (
            Deputy.select(Deputy.congress.alias("congress_id"), fn.COUNT(Deputy.id).alias("deputies"), serving)
            .group_by(Deputy.congress)
            .alias("seats")
        )

    def serves_at(self, deputy_id, station_id):
        return _serving([station_id]).where(DeputyStation.deputy == deputy_id).exists()

    def at_station(self, station_id):
        # Deputies of every level serve at a station (五级代表进站).
        levels = Case(Congress.level, [(level, n) for n, level in enumerate(CONGRESS_LEVELS)], len(CONGRESS_LEVELS))
        columns = (Deputy.id, Deputy.code, Deputy.name, Deputy.status, Congress.id, Congress.name, Congress.level)
        return (
            Deputy.select(*columns)
            .join(DeputyStation)
            .switch(Deputy)
            .join(Congress, JOIN.LEFT_OUTER)
            .where(DeputyStation.station == station_id)
            .order_by(levels, Deputy.code)
        )

    def replace_at_station(self, station_id, deputy_ids):
        wanted = sorted(set(deputy_ids))
        found = {row.id for row in Deputy.select(Deputy.id).where(Deputy.id.in_(wanted))} if wanted else set()
        missing = [i for i in wanted if i not in found]
        if missing:
            raise Invalid(errors={"deputy_ids": [f"代表不存在：{', '.join(map(str, missing))}"]})
        DeputyStation.delete().where(DeputyStation.station == station_id).execute()
        if wanted:
            DeputyStation.insert_many([{"deputy": i, "station": station_id} for i in wanted]).execute()


provide(Seats())
