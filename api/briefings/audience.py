"""Who a meeting or a paper reaches: the notices' audience selectors (one implementation, api/deputies/audience),
plus, for a meeting's paper, "the meeting's attendees". Reach is fixed in rows (attendees, recipients) and
kept in step whenever an audience or a meeting's attendees change, so reading, search and the read
report all ask one indexed table."""
import functools
import operator

from peewee import Value

from api.briefings.models import Meeting, MeetingAttendee, Paper, PaperRecipient
from api.common.errors import Invalid
from api.deputies import audience as selectors
from api.deputies.models import Deputy
from api.extensions import db

NOBODY = "受众中没有在任代表。"


def check_meeting_audience(audience):
    selectors.check_references(audience)


def check_paper_audience(audience, meeting):
    if audience.get("meeting_attendees") and meeting is None:
        raise Invalid("单独发布的资料没有参会人员可选。",
            errors={"audience": {"meeting_attendees": ["需先关联会议。"]}})
    if not audience.get("meeting_attendees") and not audience.get("selectors"):
        raise Invalid("请至少选择一种受众范围。", errors={"audience": ["请至少选择一种受众范围。"]})
    if audience.get("selectors"):
        selectors.check_references(audience["selectors"])


def paper_condition(paper):
    """WHERE clause on Deputy for a paper's audience."""
    reach = []
    if paper.audience.get("meeting_attendees") and paper.meeting_id:
        reach.append(Deputy.id.in_(MeetingAttendee.select(MeetingAttendee.deputy).where(
            MeetingAttendee.meeting == paper.meeting_id)))
    if paper.audience.get("selectors"):
        reach.append(selectors.condition(paper.audience["selectors"]))
    if not reach:
        raise Invalid(NOBODY, errors={"audience": [NOBODY]})
    return functools.reduce(operator.or_, reach)


def _sync(model, owner_field, owner_id, wanted):
    """Make `model`'s rows for the owner exactly the deputies of `wanted` (a Deputy id query), set-based.

    Rows of deputies still reached keep their read state; the rest go; new ones are added.
    """
    owner_column = getattr(model, owner_field)
    model.delete().where((owner_column == owner_id) & model.deputy.not_in(wanted)).execute()
    present = model.select(model.deputy).where(owner_column == owner_id)
    rows = wanted.select(Value(owner_id), Deputy.id).where(Deputy.id.not_in(present))
    model.insert_from(rows, [owner_column, model.deputy]).execute()
    return model.select().where(owner_column == owner_id).count()


def sync_attendees(meeting):
    """Attendees follow the meeting's audience; then the recipients of its papers that go to attendees."""
    with db.atomic():
        wanted = Deputy.select(Deputy.id).where(selectors.condition(meeting.audience))
        count = _sync(MeetingAttendee, "meeting", meeting.id, wanted)
        Meeting.update(attendee_count=count).where(Meeting.id == meeting.id).execute()
        meeting.attendee_count = count
        for paper in Paper.select().where((Paper.meeting == meeting.id) & (Paper.state == "published")):
            sync_recipients(paper)
    return count


def sync_recipients(paper):
    with db.atomic():
        wanted = Deputy.select(Deputy.id).where(paper_condition(paper))
        count = _sync(PaperRecipient, "paper", paper.id, wanted)
        Paper.update(recipient_count=count).where(Paper.id == paper.id).execute()
        paper.recipient_count = count
    return count


def reaches_someone(paper):
    if not Deputy.select(Deputy.id).where(paper_condition(paper)).exists():
        raise Invalid(f"{NOBODY}无法发布。", errors={"audience": [NOBODY]})
