"""Drafts: create, import the structure, publish, later versions and their diff, close at the deadline."""
import logging

from peewee import JOIN, Case, fn

from api.common.audit import record
from api.common.db import utcnow
from api.common.errors import Invalid, NotFound
from api.common.timezone import LOCAL_TZ
from api.consultations import audience, diff, parser
from api.consultations.explanation import check_file
from api.consultations.models import (
    CLOSED,
    LIVE,
    PUBLISHED,
    Consultation,
    DraftUnit,
    DraftVersion,
    Opinion,
)
from api.consultations.schemas import stored_audience
from api.consultations.workflow import CONSULTATION_FLOW
from api.extensions import db
from api.push import services as push

log = logging.getLogger("deputyhub.consultations")
SOURCE_TYPE = "consultation"
# Re-exported for other modules (suggestions): see api/consultations/audience.py.
register_related = audience.register_related


def get(consultation_id):
    consultation = Consultation.get_or_none(Consultation.id == consultation_id)
    if consultation is None:
        raise NotFound("征求意见不存在。")
    return consultation


def list_consultations(args):
    counts = (
        Opinion.select(Opinion.consultation, fn.COUNT(Opinion.id).alias("n"))
        .where(Opinion.state.in_(LIVE))
        .group_by(Opinion.consultation)
        .alias("counts")
    )
    query = (
        Consultation.select(Consultation, fn.COALESCE(counts.c.n, 0).alias("opinion_count"))
        .join(counts, JOIN.LEFT_OUTER, on=(counts.c.consultation_id == Consultation.id))
        .order_by(Consultation.id.desc())
    )
    if args.get("state"):
        query = query.where(Consultation.state == args["state"])
    if args.get("q"):
        query = query.where(Consultation.title.contains(args["q"]))
    return query


# --- structure ---


def parse(text=None, docx=None):
    return parser.parse_docx(docx) if docx is not None else parser.parse_text(text)


def _with_paths(units):
    """Each unit with `path`: the headings above it (第二章 规划与建设 / 第一节 规划)."""
    above = {}
    rows = []
    for unit in units:
        level = parser.LEVEL[unit["kind"]]
        above = {lvl: text for lvl, text in above.items() if lvl < level}
        path = " / ".join(above[lvl] for lvl in sorted(above))
        rows.append({**unit, "path": path[:300]})
        if unit["kind"] != parser.ARTICLE:
            above[level] = f"{unit['label']} {unit.get('heading') or ''}".strip()
    return rows


def _save_units(version, units):
    rows = [
        {
            "version": version.id,
            "position": position,
            "kind": unit["kind"],
            "number": unit["number"],
            "label": unit["label"][:40],
            "heading": (unit.get("heading") or "")[:200],
            "paragraphs": list(unit.get("paragraphs") or []),
            "path": unit["path"],
        }
        for position, unit in enumerate(_with_paths(units), start=1)
    ]
    for start in range(0, len(rows), 200):
        DraftUnit.insert_many(rows[start : start + 200]).execute()


def _check_structure(structure):
    if not any(unit["kind"] == parser.ARTICLE for unit in structure["units"]):
        raise Invalid("结构中没有条文。", errors={"units": ["至少需要一条条文。"]})


def units_of(consultation, number=None):
    version = version_of(consultation, number or consultation.version)
    return list(DraftUnit.select().where(DraftUnit.version == version.id).order_by(DraftUnit.position))


def version_of(consultation, number):
    version = DraftVersion.get_or_none(DraftVersion.consultation == consultation.id, DraftVersion.number == number)
    if version is None:
        raise NotFound("版本不存在。", errors={"version": [f"第 {number} 版不存在。"]})
    return version


def detail(consultation):
    version = version_of(consultation, consultation.version)
    consultation.units = units_of(consultation)
    consultation.preamble = [line for line in version.preamble.split("\n") if line]
    return consultation


# --- drafts ---


def create(data, principal):
    structure = parse(text=data.pop("text")) if data.get("text") else None
    check_file(data.get("explanation_file_id"))
    with db.atomic():
        consultation = Consultation.create(
            title=data["title"], kind=data["kind"], explanation=data["explanation"],
            explanation_file=data.get("explanation_file_id"),
            audience=stored_audience(data["audience"]), opens_at=data["opens_at"], closes_at=data["closes_at"],
            created_by=principal.user_id,
        )
        audience.check(consultation.audience)
        version = DraftVersion.create(
            consultation=consultation, number=1, preamble="\n".join(structure["preamble"]) if structure else ""
        )
        if structure:
            _save_units(version, structure["units"])
        CONSULTATION_FLOW.start(consultation, principal)
        record("consultation.create", "consultation", consultation.id, detail={"title": consultation.title})
    return detail(consultation)


def update(consultation, data, principal):
    CONSULTATION_FLOW.require(consultation, "edit")
    if "explanation_file_id" in data:
        check_file(data["explanation_file_id"])
        data["explanation_file"] = data.pop("explanation_file_id")
    if "audience" in data:
        data["audience"] = stored_audience(data["audience"])
        audience.check(data["audience"])
    locked = {"audience", "opens_at", "kind"} & set(data)
    if consultation.state != "draft" and locked:
        raise Invalid("已发布的征求意见只能修改标题、起草说明（含文件）和截止时间。",
                      errors={key: ["已发布，不能修改。"] for key in locked})
    opens = data.get("opens_at", consultation.opens_at)
    closes = data.get("closes_at", consultation.closes_at)
    if closes <= opens:
        raise Invalid("截止时间须晚于开始时间。", errors={"closes_at": ["截止时间须晚于开始时间。"]})
    if "closes_at" in data and data["closes_at"] != consultation.closes_at:
        data["reminder_sent_at"] = None  # a new deadline earns its own reminder
    data["updated_at"] = utcnow()
    Consultation.update(**data).where(Consultation.id == consultation.id).execute()
    record("consultation.update", "consultation", consultation.id, detail={"fields": sorted(data)})
    return detail(get(consultation.id))


def replace_structure(consultation, structure, principal):
    """Staff's corrected structure (from the import preview) replaces the draft's text before publishing."""
    CONSULTATION_FLOW.require(consultation, "structure")
    _check_structure(structure)
    with db.atomic():
        version = version_of(consultation, consultation.version)
        DraftUnit.delete().where(DraftUnit.version == version.id).execute()
        version.preamble = "\n".join(structure.get("preamble") or [])
        version.save()
        _save_units(version, structure["units"])
        record("consultation.structure", "consultation", consultation.id, detail={"units": len(structure["units"])})
    return detail(consultation)


def delete(consultation):
    CONSULTATION_FLOW.require(consultation, "delete")
    consultation.delete_instance()


def publish(consultation, principal):
    with db.atomic():
        CONSULTATION_FLOW.move(consultation, PUBLISHED, principal, published_at=utcnow())
        queued = push.queue_deliveries(
            SOURCE_TYPE, consultation.id, audience.deputy_ids_query(consultation),
            push_message(consultation, "征求意见：" + consultation.title), dedupe_scope=push.PURPOSE_PUBLISH,
        )
    push.dispatch_recorded(queued["jobs"])
    return detail(consultation)


def close(consultation, principal=None):
    CONSULTATION_FLOW.move(consultation, CLOSED, principal, reason=None if principal else "已到截止时间")
    return detail(consultation)


def close_due(now=None):
    """Close every published consultation past its deadline; safe to run any number of times at once."""
    now = now or utcnow()
    due = Consultation.select().where(Consultation.state == PUBLISHED, Consultation.closes_at <= now)
    return CONSULTATION_FLOW.bulk_move(Consultation, CLOSED, Consultation.id.in_(due.select(Consultation.id)),
                                       from_states=[PUBLISHED], history_reason="已到截止时间")


def push_message(consultation, text, page=None):
    """Subscribe-message content (the notice template): thing1 what, thing2 kind, time3 the deadline."""
    return {
        "template": "notice",
        "page": page or f"pages/consultation/detail?id={consultation.id}",
        "data": {
            "thing1": text,
            "thing2": consultation.kind,
            "time3": consultation.closes_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M"),
        },
    }


# --- versions ---


def new_version(consultation, data, principal):
    CONSULTATION_FLOW.require(consultation, "new_version")
    structure = data.get("structure") or parse(text=data["text"])
    _check_structure(structure)
    with db.atomic():
        number = consultation.version + 1
        updated = (
            Consultation.update(version=number, updated_at=utcnow())
            .where(Consultation.id == consultation.id, Consultation.version == consultation.version)
            .execute()
        )
        if not updated:
            raise Invalid("草案已被他人更新，请刷新后重试。")
        version = DraftVersion.create(consultation=consultation, number=number, note=data.get("note") or "",
                                      preamble="\n".join(structure.get("preamble") or []))
        _save_units(version, structure["units"])
        record("consultation.version", "consultation", consultation.id, detail={"version": number})
    return detail(get(consultation.id))


def versions(consultation):
    articles = fn.SUM(Case(None, [(DraftUnit.kind == parser.ARTICLE, 1)], 0))
    rows = (
        DraftVersion.select(DraftVersion, articles.alias("articles"))
        .join(DraftUnit, JOIN.LEFT_OUTER)
        .where(DraftVersion.consultation == consultation.id)
        .group_by(DraftVersion.id)
        .order_by(DraftVersion.number.desc())
    )
    return [{"number": v.number, "note": v.note, "created_at": v.created_at, "articles": int(v.articles or 0)}
            for v in rows]


def _articles(consultation, number):
    return [
        {"number": unit.number, "label": unit.label, "paragraphs": unit.paragraphs}
        for unit in units_of(consultation, number)
        if unit.kind == parser.ARTICLE
    ]


def compare(consultation, base, target):
    changes = diff.compare(_articles(consultation, base), _articles(consultation, target))
    return {"base": base, "target": target, "summary": diff.summary(changes), "changes": changes}
