"""Cases for the console's feedback tests, created directly in any state (the API tests cover intake)."""
import datetime as dt

from api.feedback.intake import new_tracking_code
from api.feedback.models import FeedbackCase, today
from api.feedback.workflow import CASE_FLOW

INBOX = "/console/feedback"
CONTENT = "小区门口路灯坏了一个多月，晚上出行很不安全。"


def make_case(station, state="submitted", **fields):
    fields = {"station": station, "category": "城乡建设", "content": CONTENT, **fields}
    case = FeedbackCase.create(tracking_code=new_tracking_code(), state=state, **fields)
    CASE_FLOW.start(case)
    return case


def forwarded(station, unit, days_left=5, **fields):
    """A case a unit holds, due `days_left` calendar days from today (negative: overdue)."""
    return make_case(station, "forwarded", unit=unit, due_date=today() + dt.timedelta(days=days_left),
                     forwarded_at=FeedbackCase.created_at.default(), **fields)


def rows(html, testid="case-row"):
    return html.count(f'data-testid="{testid}"')
