"""The deputy side: my meetings, a meeting's papers, opening a paper (read tracking), page links, page images.

A deputy sees a paper when it is published, inside its window (opens_at ≤ now < closes_at), and it
reached one of their seats (paper_recipient); anything else is 404, the same as a paper that does not
exist. The office may preview any paper that is not revoked. One rule, `_visible_papers`, serves the
lists, the detail, the links and the search provider's idea of "reached" (search_index.py).
"""
from flask import current_app
from peewee import JOIN, fn

from api.auth.models import User
from api.briefings import pages
from api.briefings.models import (
    PUBLISHED,
    REVOKED,
    Meeting,
    MeetingAttendee,
    Paper,
    PaperRecipient,
    PaperView,
)
from api.common.db import utcnow
from api.common.errors import Forbidden, Gone, NotFound
from api.common.permissions import OFFICE
from api.common.pii import mask_phone
from api.deputies.models import Deputy
from api.files import services as files

NO_DEPUTY = "当前账号未关联代表信息，请联系工作人员。"
VIEW_ONLY = "此资料仅供在线查看，不提供下载。"


def seats(principal):
    if principal.deputy_id is None:
        raise Forbidden(NO_DEPUTY)
    return principal.deputy_ids or (principal.deputy_id,)


def in_window(now):
    return (Paper.opens_at.is_null() | (Paper.opens_at <= now)) & (Paper.closes_at.is_null() | (Paper.closes_at > now))


def _visible_papers(principal, now=None):
    reached = PaperRecipient.select(PaperRecipient.paper).where(PaperRecipient.deputy.in_(seats(principal)))
    return Paper.select().where((Paper.state == PUBLISHED) & in_window(now or utcnow()) & Paper.id.in_(reached))


def _with_my_read(query, principal):
    mine = (PaperRecipient.select(PaperRecipient.paper, fn.MIN(PaperRecipient.opened_at).alias("opened_at"),
                                  fn.MAX(PaperRecipient.read_version).alias("read_version"))
            .where(PaperRecipient.deputy.in_(seats(principal))).group_by(PaperRecipient.paper).alias("mine"))
    return (query.select_extend(mine.c.opened_at.alias("my_opened_at"), mine.c.read_version.alias("my_read_version"))
            .join(mine, JOIN.LEFT_OUTER, on=(mine.c.paper_id == Paper.id)).objects())


def my_meetings(principal):
    attending = MeetingAttendee.select(MeetingAttendee.meeting).where(MeetingAttendee.deputy.in_(seats(principal)))
    return (Meeting.select().where((Meeting.state == PUBLISHED) & Meeting.id.in_(attending))
            .order_by(Meeting.starts_at.desc(), Meeting.id.desc()))


def my_meeting(meeting_id, principal):
    meeting = my_meetings(principal).where(Meeting.id == meeting_id).first()
    if meeting is None:
        raise NotFound()
    meeting.my_papers = list(_with_my_read(_visible_papers(principal).where(Paper.meeting == meeting.id),
                                           principal).order_by(Paper.id))
    return meeting


def my_papers(principal, args):
    query = _visible_papers(principal)
    if args.get("category"):
        query = query.where(Paper.category == args["category"])
    if args.get("standalone"):
        query = query.where(Paper.meeting.is_null())
    return _with_my_read(query, principal).order_by(Paper.published_at.desc(), Paper.id.desc())


def _paper_for(paper_id, principal):
    if principal.role in OFFICE:
        paper = Paper.get_or_none(Paper.id == paper_id)
        if paper is None or paper.state == REVOKED:
            raise NotFound()
        return paper
    paper = _visible_papers(principal).where(Paper.id == paper_id).first()
    if paper is None:
        raise NotFound()
    return paper


def open_paper(paper_id, principal):
    """The paper for its reader, marked read (first opening, and the version now read)."""
    paper = _paper_for(paper_id, principal)
    mine = PaperRecipient.select().where((PaperRecipient.paper == paper.id)
                                         & PaperRecipient.deputy.in_(seats(principal))).first()
    paper.changed = bool(mine and mine.read_version and mine.read_version < paper.version)
    paper.first_reading = bool(mine and mine.opened_at is None)
    if mine is not None:
        now = utcnow()
        PaperRecipient.update(opened_at=fn.COALESCE(PaperRecipient.opened_at, now), read_version=paper.version).where(
            (PaperRecipient.paper == paper.id) & PaperRecipient.deputy.in_(seats(principal))
        ).execute()
    return paper


def viewer_of(principal):
    return {"user_id": principal.user_id, "deputy_id": principal.deputy_id, "staff": principal.role in OFFICE}


def page_links(paper_id, principal):
    paper = _paper_for(paper_id, principal)
    viewer = viewer_of(principal)
    return {
        "paper_id": paper.id,
        "version": paper.version,
        "page_count": paper.page_count,
        "expires_in": current_app.config["PAPER_LINK_TTL_SECONDS"],
        "pages": [{"page": n, "url": pages.link(paper, n, viewer)} for n in range(1, paper.page_count + 1)],
    }


def download(paper_id, principal):
    """A signed download link, for open papers only; view-only papers never get one."""
    paper = _paper_for(paper_id, principal)
    if paper.view_only:
        raise Forbidden(VIEW_ONLY)
    return {"url": files.signed_url(paper.file)}


# --- page images ---


def _viewer_identity(claims):
    """(name, masked phone) of the link's viewer: the deputy seat's, or the staff account's name."""
    if claims["d"]:
        deputy = Deputy.get_or_none(Deputy.id == claims["d"])
        if deputy is not None:
            return deputy.name, mask_phone(deputy.phone)
    user = User.get_or_none(User.id == claims["u"])
    if user is None:
        raise Gone(pages.LINK_DEAD)
    return user.display_name, ""


def page_image(token):
    """PNG bytes of a watermarked page for a valid link, and one view-log row."""
    claims, issued = pages.resolve(token)
    row = (Paper.select(Paper.state, Paper.link_epoch, Paper.version, Paper.opens_at, Paper.closes_at,
                        Paper.page_count, Paper.file)
           .where(Paper.id == claims["p"]).first())
    now = utcnow()
    alive = (
        row is not None
        and row.link_epoch == claims["e"]
        and row.version == claims["v"]
        and 1 <= claims["n"] <= row.page_count
        and row.state != REVOKED
        and (claims["s"] or (row.state == PUBLISHED and (row.opens_at is None or row.opens_at <= now)
                             and (row.closes_at is None or row.closes_at > now)))
    )
    if not alive:
        raise Gone(pages.LINK_DEAD)
    hit = pages.cached(token)
    if hit is not None:
        name, image = hit
    else:
        name, phone = _viewer_identity(claims)
        image = pages.watermark(pages.clean_render(row.file, claims["n"]), pages.watermark_text(name, phone, issued))
        pages.keep(token, name, image)
    # One row, one statement: its own transaction, without BEGIN and COMMIT round trips around it.
    PaperView.insert(paper=claims["p"], version=claims["v"], page=claims["n"], user=claims["u"],
                     deputy=claims["d"] or None, viewer_name=name[:50], viewed_at=utcnow(),
                     cached=hit is not None).execute()
    return image
