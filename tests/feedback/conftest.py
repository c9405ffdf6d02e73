"""Feedback test helpers: a station with its staff, a unit, constituents with a WeChat identity, cases in any state."""
import datetime as dt
import itertools

import pytest

from api.feedback import models as feedback_models
from api.feedback import services as feedback_services
from api.feedback.intake import new_tracking_code
from api.feedback.models import FeedbackCase
from api.feedback.workflow import CASE_FLOW
from tests import factories

URL = "/api/v1/feedback"
_openids = itertools.count(1)
CONTENT = "小区门口路灯坏了一个多月，晚上出行很不安全。"


@pytest.fixture(autouse=True)
def wechat(standin):
    """Every feedback test talks to the WeChat stand-in (intake calls msgSecCheck)."""
    return standin


@pytest.fixture
def station():
    return factories.station()


@pytest.fixture
def unit():
    return factories.unit()


@pytest.fixture
def staff(login_as, station):
    return login_as("station_staff", stations=[station])


@pytest.fixture
def unit_client(login_as, unit):
    return login_as("unit_user", unit=unit)


@pytest.fixture
def constituent(login_as):
    """constituent() → a client signed in with a WeChat identity, as the mini-program's silent login makes."""
    return lambda: login_as("constituent", username=None, password=None, openid=f"o_test_{next(_openids)}")


@pytest.fixture
def submit(station):
    """submit(client, **body) → the response of POST /cases (a valid anonymous case unless overridden)."""

    def post(client, headers=None, **body):
        payload = {"station_id": station.id, "category": "城乡建设", "content": CONTENT, **body}
        return client.post(f"{URL}/cases", json=payload, headers=headers)

    return post


@pytest.fixture
def make_case(station):
    """make_case(state="submitted", **fields) → a case created directly, with its first history row."""

    def make(state="submitted", **fields):
        fields = {"station": station, "category": "城乡建设", "content": CONTENT, **fields}
        case = FeedbackCase.create(tracking_code=new_tracking_code(), state=state, **fields)
        CASE_FLOW.start(case)
        return case

    return make


@pytest.fixture
def clock(monkeypatch):
    """clock(datetime) → the feedback module's "now" (and so its Shanghai "today") is that moment."""

    def set_now(moment):
        now = moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
        monkeypatch.setattr(feedback_models, "utcnow", lambda: now)
        monkeypatch.setattr(feedback_services, "utcnow", lambda: now)
        return now

    return set_now


def history(case_id):
    from api.common.workflow import timeline

    return timeline("feedback_case", case_id)
