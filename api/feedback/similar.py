"""Similar cases: the open cases of a station that read most like a new one, so staff can merge duplicates.

The shared index (`api.common.similarity`, kind "feedback") holds the cases that may still be merged
into: a case is indexed when it arrives (by a job that intake records in the case's transaction, so
the request does not wait for it: its suggestions appear once the worker has run the job, within
seconds), taken out when it is finished (rejected, merged, closed), and indexed again if a 不满意
rating reopens it. Keeping only those makes the index the open cases,
not every case ever received, so a lookup's candidates are the ones worth showing. Suggestions are
limited (`among`) to the same station's cases whose state allows them as a merge target, because
`services.merge` accepts nothing else.
"""
from api.common import similarity
from api.common.db import is_postgres, write_transaction
from api.feedback.models import FINISHED, FeedbackCase
from api.feedback.workflow import CASE_FLOW

KIND = "feedback"
# A weaker match shares little beyond common words (小区, 希望, 问题): not worth a staff member's look.
MIN_SCORE = 0.2
REINDEX_BATCH = 2000


def merge_targets():
    return CASE_FLOW.states_allowing("merge_target")


def index_case(case):
    """Call in the transaction that reopens the case (or from `index_if_open`, the job intake queues)."""
    similarity.index(KIND, case.id, case.content)


def index_if_open(case_id):
    """The queued half of intake (`tasks.index_new_case`): index the case if it is still open, else make
    sure it is out. Safe to repeat. The case row is locked first: a move that finishes the case updates
    that row before it calls `forget_case`, so either it waits for this and then forgets what was
    indexed here, or this waits for it and then sees the finished state; no finished case stays indexed."""
    with write_transaction():  # on SQLite, BEGIN IMMEDIATE serialises the writers instead of the row lock
        query = FeedbackCase.select(FeedbackCase.id, FeedbackCase.content, FeedbackCase.state).where(
            FeedbackCase.id == case_id)
        case = (query.for_update() if is_postgres() else query).first()
        if case is None or case.state in FINISHED:
            similarity.remove(KIND, case_id)
            return False
        index_case(case)
        return True


def forget_case(case_id):
    """Call in the transaction that finishes the case."""
    similarity.remove(KIND, case_id)


def open_like(case, limit=5):
    """[(id, score)] of the station's open cases most like `case`, best first."""
    among = FeedbackCase.select(FeedbackCase.id).where(
        FeedbackCase.station == case.station_id, FeedbackCase.state.in_(merge_targets())
    )
    return similarity.similar(KIND, case.content, limit=limit, exclude=[case.id], among=among, min_score=MIN_SCORE)


def reindex_open_cases():
    """Rebuild the kind from the cases: every case not finished yet (screening and review included: they
    become open once released). For an existing database, demo data, or an index that was lost."""
    similarity.remove_kind(KIND)
    query = (FeedbackCase.select(FeedbackCase.id, FeedbackCase.content)
             .where(FeedbackCase.state.not_in(FINISHED)).order_by(FeedbackCase.id).tuples())
    total, batch = 0, []
    for row in query.iterator():
        batch.append(row)
        if len(batch) == REINDEX_BATCH:
            total += similarity.index_many(KIND, batch)
            batch = []
    if batch:
        total += similarity.index_many(KIND, batch)
    return total
