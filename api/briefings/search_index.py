"""Papers in the one search (api/common/search): indexed when published or changed, removed when revoked.

A paper's window is stored with it, so it leaves every search when its window closes without a job.
Deputies find the papers that reached one of their seats; the office finds every published paper.
"""
from api.briefings.models import CONFIDENTIAL, PUBLISHED, Paper, PaperRecipient
from api.common import search
from api.common.permissions import OFFICE

KIND = "paper"


def visible(principal):
    if principal.role in OFFICE:
        return search.ALL
    if principal.role == "deputy" and principal.deputy_id is not None:
        seats = principal.deputy_ids or (principal.deputy_id,)
        return PaperRecipient.select(PaperRecipient.paper).where(PaperRecipient.deputy.in_(seats))
    return None


def index(paper):
    """Call in the transaction that publishes or changes a published paper."""
    search.index_document(
        KIND,
        paper.id,
        title=paper.title,
        summary=paper.description,
        body="" if paper.confidentiality == CONFIDENTIAL else paper.text,
        parent=f"meeting:{paper.meeting_id}" if paper.meeting_id else None,
        confidentiality=paper.confidentiality,
        opens_at=paper.opens_at,
        closes_at=paper.closes_at,
        published_at=paper.published_at,
    )


def remove(paper):
    search.remove_document(KIND, paper.id)


def rebuild():
    count = 0
    for paper in Paper.select().where(Paper.state == PUBLISHED).iterator():
        index(paper)
        count += 1
    return count


search.register_kind(KIND, "会议资料", visible=visible, rebuild=rebuild)
