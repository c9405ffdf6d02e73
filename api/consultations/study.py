"""Staff's side after the deadline: opinions per article with counts, outcomes with reasons, merging
near-identical opinions, and publishing the outcomes, which tells each deputy of their own through push."""
import collections

from peewee import JOIN, Case, fn

from api.common import similarity
from api.common.audit import record
from api.common.db import utcnow
from api.common.errors import Invalid, NotFound
from api.common.timezone import LOCAL_TZ
from api.consultations import parser
from api.consultations.models import (
    CONCLUDED,
    LIVE,
    MERGED,
    OPINION_LABELS,
    OUTCOMES,
    SUBMITTED,
    DraftUnit,
    Opinion,
    OpinionSigner,
)
from api.consultations.opinions import SIMILARITY_KIND, signers_of
from api.consultations.services import SOURCE_TYPE, get, units_of
from api.consultations.workflow import CONSULTATION_FLOW, OPINION_FLOW
from api.deputies.models import Deputy
from api.extensions import db
from api.org.models import DeputyGroup
from api.push import services as push

COUNTED = (*LIVE, MERGED)
MIN_SIMILAR_SCORE = 0.2
PURPOSE_OUTCOME = "outcome"


def per_unit(consultation, version=None):
    """Every unit of a version with its opinions counted by state, and the whole-draft row first."""
    counts = collections.defaultdict(dict)
    rows = (
        Opinion.select(Opinion.unit, Opinion.state, fn.COUNT(Opinion.id))
        .where(Opinion.consultation == consultation.id, Opinion.state.in_(COUNTED))
        .group_by(Opinion.unit, Opinion.state)
        .tuples()
    )
    for unit_id, state, count in rows:
        counts[unit_id][state] = count
    result = [{"id": None, "kind": "whole", "label": "草案整体", "heading": "", "path": "", "text": "",
               "opinions": sum(counts[None].values()), "by_state": counts[None]}]
    for unit in units_of(consultation, version):
        if unit.kind != parser.ARTICLE and not counts.get(unit.id):
            result.append({"id": unit.id, "kind": unit.kind, "label": unit.label, "heading": unit.heading,
                           "path": unit.path, "text": "", "opinions": 0, "by_state": {}})
            continue
        result.append({"id": unit.id, "kind": unit.kind, "label": unit.label, "heading": unit.heading,
                       "path": unit.path, "text": unit.text, "opinions": sum(counts[unit.id].values()),
                       "by_state": counts[unit.id]})
    return result


def opinions_query(consultation, args):
    query = (
        Opinion.select(Opinion, Deputy.name.alias("deputy_name"), DraftUnit.label.alias("unit_label"),
                       DeputyGroup.name.alias("group_name"))
        .join(Deputy, on=(Opinion.deputy == Deputy.id))
        .switch(Opinion).join(DraftUnit, JOIN.LEFT_OUTER, on=(Opinion.unit == DraftUnit.id))
        .switch(Opinion).join(DeputyGroup, JOIN.LEFT_OUTER, on=(Opinion.group == DeputyGroup.id))
        .where(Opinion.consultation == consultation.id)
        .order_by(Case(None, [(Opinion.unit.is_null(), 0)], 1), DraftUnit.position, Opinion.id)
        .objects()
    )
    if args.get("unit_id"):
        query = query.where(Opinion.unit == args["unit_id"])
    if args.get("whole"):
        query = query.where(Opinion.unit.is_null())
    if args.get("state"):
        query = query.where(Opinion.state == args["state"])
    return query


def opinion_page(consultation, args, page, page_size):
    query = opinions_query(consultation, args)
    rows = list(query.paginate(page, page_size))
    signers = signers_of([row.id for row in rows if row.group_id])
    return [as_dict(row, signers) for row in rows], query.order_by().count()


def as_dict(row, signers):
    return {
        "id": row.id, "consultation_id": row.consultation_id, "unit_id": row.unit_id,
        "unit_label": getattr(row, "unit_label", None), "paragraph": row.paragraph, "version": row.version,
        "deputy_id": row.deputy_id, "deputy_name": getattr(row, "deputy_name", None), "group_id": row.group_id,
        "group_name": getattr(row, "group_name", None), "signers": signers.get(row.id, []),
        "content": row.content, "state": row.state, "state_label": OPINION_LABELS[row.state],
        "screening": row.screening, "screening_label": row.screening_label, "outcome_reason": row.outcome_reason,
        "merged_into_id": row.merged_into_id, "created_at": row.created_at, "updated_at": row.updated_at,
    }


def get_opinion(opinion_id):
    row = opinions_query_by_id(opinion_id)
    if row is None:
        raise NotFound("意见不存在。")
    return row


def opinions_query_by_id(opinion_id):
    opinion = Opinion.get_or_none(Opinion.id == opinion_id)
    if opinion is None:
        return None
    row = opinions_query(get(opinion.consultation_id), {}).where(Opinion.id == opinion_id).first()
    return as_dict(row, signers_of([row.id]))


def mark(opinion_id, outcome, reason, principal):
    opinion = Opinion.get_or_none(Opinion.id == opinion_id)
    if opinion is None:
        raise NotFound("意见不存在。")
    with db.atomic():
        OPINION_FLOW.move(opinion, outcome, principal, reason=reason, outcome_reason=reason,
                          outcome_by=principal.user_id, outcome_at=utcnow())
    return get_opinion(opinion_id)


def merge(opinion_id, into_id, principal):
    """Merge a near-identical opinion into another: its author is told the other's outcome."""
    opinion = Opinion.get_or_none(Opinion.id == opinion_id)
    target = Opinion.get_or_none(Opinion.id == into_id)
    if opinion is None:
        raise NotFound("意见不存在。")
    if target is None or target.consultation_id != opinion.consultation_id or target.id == opinion.id:
        raise Invalid("只能合并到同一征求意见中的另一条意见。", errors={"into": ["意见不存在或不可作为合并目标。"]})
    OPINION_FLOW.require(target, "merge_target")
    with db.atomic():
        OPINION_FLOW.move(opinion, MERGED, principal, reason=f"合并到意见 {target.id}", merged_into=target.id)
        # Whatever was merged into this one follows it, so nobody is left pointing at a merged opinion.
        Opinion.update(merged_into=target.id).where(Opinion.merged_into == opinion.id).execute()
        similarity.remove(SIMILARITY_KIND, opinion.id)
    return get_opinion(opinion_id)


def unmerge(opinion_id, principal):
    opinion = Opinion.get_or_none(Opinion.id == opinion_id)
    if opinion is None:
        raise NotFound("意见不存在。")
    with db.atomic():
        OPINION_FLOW.move(opinion, SUBMITTED, principal, merged_into=None)
        similarity.index(SIMILARITY_KIND, opinion.id, opinion.content)
    return get_opinion(opinion_id)


def similar(opinion_id, limit=5):
    opinion = Opinion.get_or_none(Opinion.id == opinion_id)
    if opinion is None:
        raise NotFound("意见不存在。")
    among = Opinion.select(Opinion.id).where(Opinion.consultation == opinion.consultation_id,
                                             Opinion.state.in_(LIVE))
    found = similarity.similar(SIMILARITY_KIND, opinion.content, limit=limit, exclude=[opinion.id], among=among,
                               min_score=MIN_SIMILAR_SCORE)
    if not found:
        return []
    rows = {row.id: row for row in Opinion.select(Opinion, Deputy.name.alias("deputy_name"))
            .join(Deputy).where(Opinion.id.in_([key for key, _ in found])).objects()}
    return [{"id": key, "score": round(score, 3), "deputy_name": rows[key].deputy_name,
             "content": rows[key].content, "state": rows[key].state} for key, score in found if key in rows]


# --- publishing the outcomes ---


def outcomes_by_deputy(consultation):
    """{deputy id: Counter of outcomes} over the opinions each wrote or co-signed (merged ones take their target's)."""
    target = Opinion.alias("target")
    effective = Case(None, [(Opinion.state == MERGED, target.state)], Opinion.state)
    base = (Opinion.select(Opinion.id, effective.alias("outcome"))
            .join(target, JOIN.LEFT_OUTER, on=(Opinion.merged_into == target.id))
            .where(Opinion.consultation == consultation.id, Opinion.state.in_((*OUTCOMES, MERGED))))
    outcome_of = dict(base.tuples())
    people = collections.defaultdict(collections.Counter)
    authors = Opinion.select(Opinion.id, Opinion.deputy).where(Opinion.id.in_(list(outcome_of) or [0])).tuples()
    signed = (OpinionSigner.select(OpinionSigner.opinion, OpinionSigner.deputy)
              .where(OpinionSigner.opinion.in_(list(outcome_of) or [0])).tuples())
    seen = set()
    for opinion_id, deputy_id in [*authors, *signed]:
        if (opinion_id, deputy_id) in seen or outcome_of.get(opinion_id) not in OUTCOMES:
            continue
        seen.add((opinion_id, deputy_id))
        people[deputy_id][outcome_of[opinion_id]] += 1
    return people


def summary_text(counter):
    if sum(counter.values()) == 1:
        (outcome,) = counter
        return f"您的意见：{OPINION_LABELS[outcome]}"
    parts = "、".join(f"{OPINION_LABELS[o]}{counter[o]}条" for o in OUTCOMES if counter.get(o))
    return f"您的意见{parts}"


def publish_outcomes(consultation, principal):
    """Publish every outcome at once and tell each deputy (author or co-signer) the outcome of their own."""
    with db.atomic():
        CONSULTATION_FLOW.move(consultation, CONCLUDED, principal, outcomes_published_at=utcnow())
        groups = collections.defaultdict(list)
        for deputy_id, counter in outcomes_by_deputy(consultation).items():
            groups[summary_text(counter)].append(deputy_id)
        when = utcnow().astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
        jobs, notified = [], 0
        for text, deputy_ids in sorted(groups.items()):
            message = {
                "template": "notice",
                "page": f"pages/consultation/mine?id={consultation.id}",
                "data": {"thing1": f"意见研究结果：{consultation.title}", "thing2": text, "time3": when},
            }
            result = push.queue_deliveries(SOURCE_TYPE, consultation.id,
                                           Deputy.select(Deputy.id).where(Deputy.id.in_(deputy_ids)), message,
                                           dedupe_scope=PURPOSE_OUTCOME)
            jobs += result["jobs"]
            notified += result["queued"]
        record("consultation.outcomes", "consultation", consultation.id, detail={"notified": notified})
    push.dispatch_recorded(jobs)
    return {"consultation": consultation, "notified": notified}
