"""Deputies' side: drafts open to me, my opinions (per article, paragraph or the whole draft), joint
opinions of a deputy group, edits and withdrawal until the deadline, and the outcomes once published."""
from flask import current_app
from peewee import JOIN, fn

from api.auth.models import User
from api.common import screening, similarity
from api.common.db import utcnow
from api.common.errors import Forbidden, Invalid, NotFound
from api.common.events import forget_event, record_event
from api.consultations import audience
from api.consultations.explanation import explanation_file
from api.consultations.models import (
    CONCLUDED,
    DRAFT,
    LIVE,
    MERGED,
    OPINION_LABELS,
    OUTCOMES,
    SUBMITTED,
    WITHDRAWN,
    Consultation,
    DraftUnit,
    DraftVersion,
    Opinion,
    OpinionSigner,
)
from api.consultations.services import compare, detail, version_of
from api.consultations.workflow import CONSULTATION_FLOW, OPINION_FLOW
from api.deputies.models import Deputy, DeputyGroupMember
from api.extensions import db
from api.feedback import services as feedback
from api.org.models import DeputyGroup
from api.wechat import get_client
from api.wechat.errors import WeChatError

EVENT_KIND = "consultation.opinion"
OBJECT_TYPE = "consultation_opinion"
SIMILARITY_KIND = "consultation"
FEED_LIMIT = 100
PAUSE_KEY = "consultations:wechat_check_paused"


def _seats(principal):
    return tuple(principal.deputy_ids or ((principal.deputy_id,) if principal.deputy_id else ()))


def _my_seat(consultation, principal):
    """The seat through which this deputy is asked (the primary one first), or 403."""
    seats = _seats(principal)
    ordered = sorted(seats, key=lambda seat: seat != principal.deputy_id)
    for seat in ordered:
        if audience.includes(consultation, [seat]):
            return seat
    raise Forbidden("您不在本次征求意见的范围内。")


def _visible(consultation_id, principal):
    consultation = Consultation.get_or_none(Consultation.id == consultation_id)
    if consultation is None or consultation.state == DRAFT or consultation.opens_at > utcnow():
        raise NotFound("征求意见不存在。")
    seat = _my_seat(consultation, principal)
    return consultation, seat


# --- drafts for me ---


def feed(principal, accepting=None):
    """Published drafts whose audience includes me, newest first, with how many opinions I gave."""
    seats = _seats(principal)
    now = utcnow()
    candidates = (
        Consultation.select()
        .where(Consultation.state != DRAFT, Consultation.opens_at <= now)
        .order_by(Consultation.closes_at.desc())
        .limit(FEED_LIMIT)
    )
    mine = dict(
        Opinion.select(Opinion.consultation, fn.COUNT(Opinion.id))
        .where(Opinion.deputy.in_(list(seats)), Opinion.state != WITHDRAWN)
        .group_by(Opinion.consultation)
        .tuples()
    )
    items = []
    # One indexed EXISTS per published draft: audiences are rules (fields, groups, a related selector), not
    # stored lists, and a congress publishes a few drafts a month, so FEED_LIMIT bounds the work.
    for consultation in candidates:
        if not audience.includes(consultation, seats):
            continue
        open_now = consultation.accepting(now)
        if accepting is not None and open_now != accepting:
            continue
        consultation.accepting_now = open_now
        consultation.my_opinions = mine.get(consultation.id, 0)
        items.append(_feed_item(consultation))
    return sorted(items, key=lambda item: (not item["accepting"], item["closes_at"]))


def _feed_item(consultation):
    return {
        "id": consultation.id, "title": consultation.title, "kind": consultation.kind,
        "state": consultation.state, "state_label": CONSULTATION_FLOW.label(consultation.state),
        "opens_at": consultation.opens_at, "closes_at": consultation.closes_at,
        "accepting": consultation.accepting_now, "version": consultation.version,
        "my_opinions": getattr(consultation, "my_opinions", 0),
    }


def open_draft(consultation_id, principal):
    consultation, seat = _visible(consultation_id, principal)
    detail(consultation)
    consultation.accepting_now = consultation.accepting()
    item = _feed_item(consultation)
    item.update(
        explanation=consultation.explanation,
        explanation_file=explanation_file(consultation),
        preamble=consultation.preamble,
        units=consultation.units,
        versions=[number for (number,) in DraftVersion.select(DraftVersion.number)
                  .where(DraftVersion.consultation == consultation.id).order_by(DraftVersion.number).tuples()],
        outcomes_published=consultation.state == CONCLUDED,
        mine=my_opinions(principal, consultation.id),
        joint=_joinable(consultation, principal),
        my_opinions=0,
    )
    item["my_opinions"] = sum(1 for opinion in item["mine"] if opinion["status"] != WITHDRAWN)
    return item


# --- writing ---


def _screen(content, principal):
    """The shared screening: a listed word or WeChat's risky verdict is refused at once (the deputy edits
    and sends again); an unavailable check lets the opinion in, marked for staff to look at."""
    openid = User.select(User.openid).where(User.id == principal.user_id).scalar()
    outcome = screening.screen(
        content, openid, lambda *args, **kwargs: get_client().msg_sec_check(*args, **kwargs), WeChatError,
        words=feedback.blocked_words(), pause_key=PAUSE_KEY,
        pause_seconds=current_app.config["FEEDBACK_WECHAT_PAUSE_SECONDS"],
    )
    if outcome.screening == screening.FLAGGED_WORDS:
        raise Invalid(f"意见中含有不宜发布的词语「{outcome.label}」，请修改后再提交。",
                      errors={"content": ["含有不宜发布的词语。"]})
    if outcome.screening == screening.FLAGGED_WECHAT:
        raise Invalid("意见内容未通过内容安全检测，请修改后再提交。", errors={"content": ["未通过内容安全检测。"]})
    return outcome


def _target_unit(consultation, unit_id, paragraph):
    if unit_id is None:
        if paragraph is not None:
            raise Invalid("对草案整体提意见时不能指定款。", errors={"paragraph": ["请先选择条文。"]})
        return None
    unit = (
        DraftUnit.select(DraftUnit, DraftVersion.number.alias("version_number"))
        .join(DraftVersion)
        .where(DraftUnit.id == unit_id, DraftVersion.consultation == consultation.id,
               DraftVersion.number == consultation.version)
        .objects()
        .first()
    )
    if unit is None:
        raise Invalid("条文不存在或不是当前版本的条文。", errors={"unit_id": ["条文不存在。"]})
    if paragraph is not None and paragraph > len(unit.paragraphs or ()):
        raise Invalid("该条没有这一款。", errors={"paragraph": [f"该条共 {len(unit.paragraphs or ())} 款。"]})
    return unit


def _event_payload(consultation, unit, paragraph):
    where = unit.label if unit else "草案整体"
    if unit and paragraph:
        where += f"第{paragraph}款"
    return {"title": consultation.title[:100], "article": where}


def submit(consultation_id, data, principal):
    consultation, seat = _visible(consultation_id, principal)
    CONSULTATION_FLOW.require(consultation, "comment")
    unit = _target_unit(consultation, data["unit_id"], data["paragraph"])
    group = None
    if data["group_id"] is not None:
        group = DeputyGroup.get_or_none(DeputyGroup.id == data["group_id"])
        member = DeputyGroupMember.select().where(DeputyGroupMember.group == data["group_id"],
                                                  DeputyGroupMember.deputy == seat).exists()
        if group is None or not member:
            raise Invalid("只能以自己所在代表小组的名义提出联名意见。", errors={"group_id": ["您不是该代表小组成员。"]})
    outcome = _screen(data["content"], principal)
    with db.atomic():
        opinion = Opinion.create(
            consultation=consultation, unit=unit, paragraph=data["paragraph"], version=consultation.version,
            deputy=seat, group=group, content=data["content"], screening=outcome.screening,
            screening_label=outcome.label,
        )
        if group is not None:
            OpinionSigner.create(opinion=opinion, deputy=seat)
        OPINION_FLOW.start(opinion, principal)
        record_event(seat, EVENT_KIND, OBJECT_TYPE, opinion.id, _event_payload(consultation, unit, data["paragraph"]))
        similarity.index(SIMILARITY_KIND, opinion.id, opinion.content)
    return my_opinion(opinion.id, principal)


def _own(opinion_id, principal):
    opinion = Opinion.get_or_none(Opinion.id == opinion_id)
    if opinion is None or opinion.deputy_id not in _seats(principal):
        raise NotFound("意见不存在。")
    return opinion


def edit(opinion_id, data, principal):
    opinion = _own(opinion_id, principal)
    OPINION_FLOW.require(opinion, "edit")
    outcome = _screen(data["content"], principal)
    with db.atomic():
        updated = (
            Opinion.update(content=data["content"], screening=outcome.screening, screening_label=outcome.label,
                           updated_at=utcnow())
            .where(Opinion.id == opinion.id, Opinion.state == SUBMITTED)
            .execute()
        )
        if not updated:
            raise Invalid("意见已不能修改。")
        consultation = Consultation.get_by_id(opinion.consultation_id)
        unit = DraftUnit.get_by_id(opinion.unit_id) if opinion.unit_id else None
        record_event(opinion.deputy_id, EVENT_KIND, OBJECT_TYPE, opinion.id,
                     _event_payload(consultation, unit, opinion.paragraph))
        similarity.index(SIMILARITY_KIND, opinion.id, data["content"])
    return my_opinion(opinion.id, principal)


def withdraw(opinion_id, principal):
    opinion = _own(opinion_id, principal)
    with db.atomic():
        OPINION_FLOW.move(opinion, WITHDRAWN, principal)
        signers = [deputy for (deputy,) in OpinionSigner.select(OpinionSigner.deputy)
                   .where(OpinionSigner.opinion == opinion.id).tuples()]
        for deputy in {opinion.deputy_id, *signers}:
            forget_event(deputy, EVENT_KIND, OBJECT_TYPE, opinion.id)
        similarity.remove(SIMILARITY_KIND, opinion.id)
    return my_opinion(opinion.id, principal)


def sign(opinion_id, principal):
    """Join a joint opinion of a group I belong to (a co-signature counts as taking part)."""
    opinion = Opinion.get_or_none(Opinion.id == opinion_id)
    if opinion is None or opinion.group_id is None:
        raise NotFound("联名意见不存在。")
    seats = _seats(principal)
    member = (DeputyGroupMember.select(DeputyGroupMember.deputy)
              .where(DeputyGroupMember.group == opinion.group_id, DeputyGroupMember.deputy.in_(list(seats)))
              .scalar())
    if member is None:
        raise NotFound("联名意见不存在。")
    OPINION_FLOW.require(opinion, "sign")
    consultation = Consultation.get_by_id(opinion.consultation_id)
    unit = DraftUnit.get_by_id(opinion.unit_id) if opinion.unit_id else None
    with db.atomic():
        OpinionSigner.insert(opinion=opinion.id, deputy=member, signed_at=utcnow()).on_conflict_ignore().execute()
        record_event(member, EVENT_KIND, OBJECT_TYPE, opinion.id, _event_payload(consultation, unit, opinion.paragraph))
    return my_opinion(opinion.id, principal)


# --- reading mine ---


def _opinion_rows(where):
    target = Opinion.alias("target")
    return (
        Opinion.select(
            Opinion, Consultation.title.alias("consultation_title"), Consultation.state.alias("consultation_state"),
            Consultation.opens_at.alias("c_opens"), Consultation.closes_at.alias("c_closes"),
            DraftUnit.label.alias("unit_label"), DeputyGroup.name.alias("group_name"),
            target.state.alias("target_state"), target.outcome_reason.alias("target_reason"),
        )
        .join(Consultation, on=(Opinion.consultation == Consultation.id))
        .switch(Opinion).join(DraftUnit, JOIN.LEFT_OUTER, on=(Opinion.unit == DraftUnit.id))
        .switch(Opinion).join(DeputyGroup, JOIN.LEFT_OUTER, on=(Opinion.group == DeputyGroup.id))
        .switch(Opinion).join(target, JOIN.LEFT_OUTER, on=(Opinion.merged_into == target.id))
        .where(where)
        .order_by(Opinion.id.desc())
        .objects()
    )


def signers_of(opinion_ids):
    """{opinion id: [{deputy_id, name, signed_at}]} in one query."""
    found = {}
    if not opinion_ids:
        return found
    rows = (OpinionSigner.select(OpinionSigner.opinion, OpinionSigner.deputy, Deputy.name, OpinionSigner.signed_at)
            .join(Deputy).where(OpinionSigner.opinion.in_(list(opinion_ids))).order_by(OpinionSigner.id).tuples())
    for opinion_id, deputy_id, name, signed_at in rows:
        found.setdefault(opinion_id, []).append({"deputy_id": deputy_id, "name": name, "signed_at": signed_at})
    return found


def effective_outcome(row):
    """(state, reason) the author is told: a merged opinion takes the outcome of the one it joined."""
    if row.state == MERGED and row.target_state in OUTCOMES:
        return row.target_state, row.target_reason
    return row.state, row.outcome_reason


def _mine_dict(row, seats, signers, now):
    published = row.consultation_state == CONCLUDED
    state, reason = effective_outcome(row)
    if not published and state not in (SUBMITTED, WITHDRAWN):
        state, reason = SUBMITTED, None  # outcomes stay with staff until they publish them
    accepting = row.consultation_state == "published" and row.c_opens <= now < row.c_closes
    return {
        "id": row.id, "consultation_id": row.consultation_id, "consultation_title": row.consultation_title,
        "unit_id": row.unit_id, "unit_label": row.unit_label, "paragraph": row.paragraph, "content": row.content,
        "group_name": row.group_name, "signers": signers.get(row.id, []), "mine": row.deputy_id in seats,
        "editable": row.deputy_id in seats and row.state == SUBMITTED and accepting,
        "status": state, "status_label": OPINION_LABELS[state] if state != MERGED else OPINION_LABELS[SUBMITTED],
        "outcome_reason": reason if published else None,
        "created_at": row.created_at, "updated_at": row.updated_at,
    }


def my_opinions(principal, consultation_id=None):
    seats = list(_seats(principal))
    signed = OpinionSigner.select(OpinionSigner.opinion).where(OpinionSigner.deputy.in_(seats))
    where = Opinion.deputy.in_(seats) | Opinion.id.in_(signed)
    if consultation_id is not None:
        where &= Opinion.consultation == consultation_id
    rows = list(_opinion_rows(where).limit(500))
    signers = signers_of([row.id for row in rows if row.group_id])
    now = utcnow()
    return [_mine_dict(row, set(seats), signers, now) for row in rows]


def my_opinion(opinion_id, principal):
    found = [item for item in my_opinions(principal) if item["id"] == opinion_id]
    if not found:
        raise NotFound("意见不存在。")
    return found[0]


def _joinable(consultation, principal):
    """Joint opinions of my groups on this draft that I have not signed yet."""
    seats = list(_seats(principal))
    groups = DeputyGroupMember.select(DeputyGroupMember.group).where(DeputyGroupMember.deputy.in_(seats))
    signed = OpinionSigner.select(OpinionSigner.opinion).where(OpinionSigner.deputy.in_(seats))
    rows = list(_opinion_rows(
        (Opinion.consultation == consultation.id) & Opinion.group.in_(groups) & Opinion.id.not_in(signed)
        & Opinion.state.in_(LIVE)
    ).limit(100))
    signers = signers_of([row.id for row in rows])
    now = utcnow()
    return [_mine_dict(row, set(seats), signers, now) for row in rows]


def compare_for_me(consultation_id, base, target, principal):
    consultation, _ = _visible(consultation_id, principal)
    version_of(consultation, base)
    version_of(consultation, target)
    return compare(consultation, base, target)
