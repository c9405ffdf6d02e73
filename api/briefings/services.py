"""Staff side of briefings: meetings (audience → attendees), papers (file, versions, audience, window,
confidentiality), publishing and revocation. Reading is in reading.py; the read report in reports.py."""
from peewee import fn

from api.briefings import audience as audiences
from api.briefings import pages
from api.briefings import search_index as searchable
from api.briefings.models import (
    CONFIDENTIALITY_LABELS,
    OPEN,
    PUBLISHED,
    Meeting,
    Paper,
    PaperVersion,
)
from api.briefings.workflow import MEETING_FLOW, PAPER_FLOW
from api.common.audit import record
from api.common.db import utcnow
from api.common.errors import Conflict, Invalid
from api.common.timezone import local
from api.deputies.audience_schemas import stored_audience
from api.extensions import db
from api.files.models import StoredFile
from api.push import services as push

SOURCE_TYPE = "paper"


# --- meetings ---


def list_meetings(args):
    query = Meeting.select().order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    if args.get("state"):
        query = query.where(Meeting.state == args["state"])
    if args.get("kind"):
        query = query.where(Meeting.kind == args["kind"])
    if args.get("q"):
        query = query.where(Meeting.title.contains(args["q"]))
    return query


def _check_times(starts_at, ends_at, field="ends_at"):
    if starts_at and ends_at and ends_at <= starts_at:
        raise Invalid("结束时间须晚于开始时间。", errors={field: ["须晚于开始时间。"]})


def create_meeting(data, principal):
    audience = stored_audience(data["audience"])
    audiences.check_meeting_audience(audience)
    _check_times(data["starts_at"], data["ends_at"])
    with db.atomic():
        meeting = Meeting.create(**{k: data[k] for k in ("kind", "title", "place", "starts_at", "ends_at", "agenda")},
                                 audience=audience, created_by=principal.user_id)
        MEETING_FLOW.start(meeting, principal)
        record("meeting.create", "meeting", meeting.id, detail={"title": meeting.title})
    return meeting


def update_meeting(meeting, data, principal):
    MEETING_FLOW.require(meeting, "edit")
    changes = {k: data[k] for k in ("kind", "title", "place", "starts_at", "ends_at", "agenda") if k in data}
    if "audience" in data:
        changes["audience"] = stored_audience(data["audience"])
        audiences.check_meeting_audience(changes["audience"])
    _check_times(changes.get("starts_at", meeting.starts_at), changes.get("ends_at", meeting.ends_at))
    with db.atomic():
        Meeting.update(**changes, updated_at=utcnow()).where(Meeting.id == meeting.id).execute()
        meeting = Meeting.get_by_id(meeting.id)
        if "audience" in changes and meeting.state == PUBLISHED:
            audiences.sync_attendees(meeting)  # an invited deputy added late sees the meeting and its papers
            for paper in meeting.papers.where(Paper.state == PUBLISHED):
                searchable.index(paper)
        record("meeting.update", "meeting", meeting.id, detail={"fields": sorted(data)})
    return meeting


def delete_meeting(meeting):
    MEETING_FLOW.require(meeting, "delete")
    with db.atomic():
        record("meeting.delete", "meeting", meeting.id, detail={"title": meeting.title})
        meeting.delete_instance(recursive=True)


def publish_meeting(meeting, principal):
    with db.atomic():
        MEETING_FLOW.move(meeting, PUBLISHED, principal, published_at=utcnow())
        count = audiences.sync_attendees(meeting)
        if not count:
            raise Invalid("受众中没有在任代表，无法发布。", errors={"audience": [audiences.NOBODY]})
        record("meeting.publish", "meeting", meeting.id, detail={"attendees": count})
    return meeting


def cancel_meeting(meeting, reason, principal):
    with db.atomic():
        MEETING_FLOW.move(meeting, "cancelled", principal, reason=reason)
        for paper in meeting.papers.where(Paper.state == PUBLISHED):
            revoke_paper(paper, f"会议已取消：{reason}", principal)
        record("meeting.cancel", "meeting", meeting.id, detail={"reason": reason})
    return meeting


# --- papers ---


def list_papers(args):
    query = Paper.select().order_by(Paper.id.desc())
    for name in ("state", "category", "confidentiality"):
        if args.get(name):
            query = query.where(getattr(Paper, name) == args[name])
    if args.get("meeting_id"):
        query = query.where(Paper.meeting == args["meeting_id"])
    if args.get("q"):
        query = query.where(Paper.title.contains(args["q"]))
    return query


def _file(file_id):
    stored = StoredFile.get_or_none(StoredFile.id == file_id)
    if stored is None:
        raise Invalid(errors={"file_id": [f"文件不存在：{file_id}"]})
    return stored


def _meeting(meeting_id):
    if meeting_id is None:
        return None
    meeting = Meeting.get_or_none(Meeting.id == meeting_id)
    if meeting is None:
        raise Invalid(errors={"meeting_id": [f"会议不存在：{meeting_id}"]})
    MEETING_FLOW.require(meeting, "add_papers")
    return meeting


def _paper_audience(data):
    selectors = data.get("selectors")
    return {"meeting_attendees": bool(data.get("meeting_attendees")),
            "selectors": stored_audience(selectors) if selectors else None}


def _check_window(opens_at, closes_at):
    if opens_at and closes_at and closes_at <= opens_at:
        raise Invalid("关闭时间须晚于开放时间。", errors={"closes_at": ["须晚于开放时间。"]})


def _mark_view_only(stored, confidentiality):
    if confidentiality != OPEN and not stored.view_only:
        StoredFile.update(view_only=True).where(StoredFile.id == stored.id).execute()


def create_paper(data, principal):
    meeting = _meeting(data.get("meeting_id"))
    audience = _paper_audience(data["audience"])
    audiences.check_paper_audience(audience, meeting)
    _check_window(data.get("opens_at"), data.get("closes_at"))
    stored = _file(data["file_id"])
    page_count, text = pages.inspect(stored)
    with db.atomic():
        paper = Paper.create(
            meeting=meeting, title=data["title"], description=data["description"], category=data["category"],
            confidentiality=data["confidentiality"], audience=audience, opens_at=data.get("opens_at"),
            closes_at=data.get("closes_at"), file=stored, page_count=page_count, text=text,
            created_by=principal.user_id,
        )
        PaperVersion.create(paper=paper, version=1, file=stored, page_count=page_count, note="",
                            created_by=principal.user_id)
        _mark_view_only(stored, paper.confidentiality)
        PAPER_FLOW.start(paper, principal)
        record("paper.create", "paper", paper.id, detail={"title": paper.title,
                                                          "confidentiality": paper.confidentiality})
    return paper


def update_paper(paper, data, principal):
    PAPER_FLOW.require(paper, "edit")
    changes = {k: data[k] for k in ("title", "description", "category", "confidentiality", "opens_at", "closes_at")
               if k in data}
    if "audience" in data:
        changes["audience"] = _paper_audience(data["audience"])
        audiences.check_paper_audience(changes["audience"], paper.meeting)
    _check_window(changes.get("opens_at", paper.opens_at), changes.get("closes_at", paper.closes_at))
    with db.atomic():
        if changes.get("confidentiality", paper.confidentiality) != paper.confidentiality:
            changes["link_epoch"] = paper.link_epoch + 1  # links issued under the old rules die
        Paper.update(**changes, updated_at=utcnow()).where(Paper.id == paper.id).execute()
        paper = Paper.get_by_id(paper.id)
        _mark_view_only(paper.file, paper.confidentiality)
        if paper.state == PUBLISHED:
            if "audience" in changes:
                audiences.sync_recipients(paper)
            searchable.index(paper)
        record("paper.update", "paper", paper.id, detail={"fields": sorted(data)})
    return paper


def add_version(paper, data, principal):
    """A new file replaces the paper's; readers see that it changed, and earlier page links die."""
    PAPER_FLOW.require(paper, "new_version")
    stored = _file(data["file_id"])
    page_count, text = pages.inspect(stored)
    with db.atomic():
        number = paper.version + 1
        updated = (
            Paper.update(version=number, file=stored, page_count=page_count, text=text,
                         link_epoch=Paper.link_epoch + 1, updated_at=utcnow())
            .where((Paper.id == paper.id) & (Paper.version == paper.version))
            .execute()
        )
        if not updated:
            raise Conflict("资料已被他人更新，请刷新后重试。")
        PaperVersion.create(paper=paper, version=number, file=stored, page_count=page_count, note=data["note"],
                            created_by=principal.user_id)
        _mark_view_only(stored, paper.confidentiality)
        paper = Paper.get_by_id(paper.id)
        if paper.state == PUBLISHED:
            searchable.index(paper)
        record("paper.version", "paper", paper.id, detail={"version": number, "note": data["note"]})
    return paper


def versions(paper):
    return (PaperVersion.select(PaperVersion, StoredFile.filename.alias("filename"))
            .join(StoredFile, on=(StoredFile.id == PaperVersion.file))
            .where(PaperVersion.paper == paper.id).order_by(PaperVersion.version.desc()).dicts())


def delete_paper(paper):
    PAPER_FLOW.require(paper, "delete")
    with db.atomic():
        record("paper.delete", "paper", paper.id, detail={"title": paper.title})
        paper.delete_instance(recursive=True)


def publish_paper(paper, principal):
    if paper.meeting_id and paper.meeting.state != PUBLISHED:
        raise Conflict("所属会议尚未发布，请先发布会议。")
    with db.atomic():
        PAPER_FLOW.move(paper, PUBLISHED, principal, published_at=utcnow())
        count = audiences.sync_recipients(paper)
        if not count:
            raise Invalid("受众中没有在任代表，无法发布。", errors={"audience": [audiences.NOBODY]})
        searchable.index(paper)
        queued = push.queue_deliveries(
            source_type=SOURCE_TYPE, source_id=paper.id, recipients_query=recipients_query(paper),
            message=push_message(paper), dedupe_scope=push.PURPOSE_PUBLISH,
        )
        record("paper.publish", "paper", paper.id, detail={"recipients": count})
    push.dispatch_recorded(queued["jobs"])
    return paper


def revoke_paper(paper, reason, principal):
    """Withdrawn at once: the paper leaves every list and search, and every page link dies (epoch bump)."""
    with db.atomic():
        PAPER_FLOW.move(paper, "revoked", principal, reason=reason, revoked_at=utcnow(), revoke_reason=reason,
                        link_epoch=paper.link_epoch + 1)
        searchable.remove(paper)
        cancelled = push.cancel_pending(SOURCE_TYPE, paper.id)
        record("paper.revoke", "paper", paper.id, detail={"reason": reason, "cancelled_deliveries": cancelled})
    return paper


def recipients_query(paper):
    from api.briefings.models import PaperRecipient

    return PaperRecipient.select(PaperRecipient.deputy).where(PaperRecipient.paper == paper.id)


def push_message(paper, reminder=False):
    when = local(paper.published_at or utcnow())
    return {
        "template": "reminder" if reminder else "notice",
        "page": f"pages/briefings/paper?id={paper.id}",
        "data": {"thing1": paper.title[:20], "thing2": paper.category, "time3": when.strftime("%Y-%m-%d %H:%M")},
    }


def paper_counts_by_meeting(meeting_ids):
    rows = (Paper.select(Paper.meeting, fn.COUNT(Paper.id)).where(Paper.meeting.in_(list(meeting_ids)))
            .group_by(Paper.meeting).tuples())
    return dict(rows)


def labels():
    return {"confidentiality": CONFIDENTIALITY_LABELS}
