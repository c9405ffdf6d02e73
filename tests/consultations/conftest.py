"""Helpers for consultation tests: staff and deputy clients, drafts built and published through the API."""
import datetime as dt
import os

import pytest

from api.common.db import utcnow
from api.consultations.models import Consultation

URL = "/api/v1/consultations"
DATA = os.path.join(os.path.dirname(__file__), "data")


def data_text(name):
    with open(os.path.join(DATA, name), encoding="utf-8") as handle:
        return handle.read()


LAW = data_text("draft_law.txt")


def window(hours=72, opened_hours_ago=1):
    now = utcnow()
    return {"opens_at": (now - dt.timedelta(hours=opened_hours_ago)).isoformat(),
            "closes_at": (now + dt.timedelta(hours=hours)).isoformat()}


@pytest.fixture
def staff(login_as):
    return login_as("staff")


@pytest.fixture
def as_deputy(login_as):
    return lambda deputy: login_as("deputy", deputy=deputy)


@pytest.fixture
def create_draft(staff):
    def create(**fields):
        body = {"title": "福州市城市绿化条例（草案）", "kind": "法规草案", "explanation": "关于条例草案的起草说明。",
                "audience": {"all": True}, "text": LAW, **window(), **fields}
        response = staff.post(URL, json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return create


@pytest.fixture
def publish_draft(staff, create_draft):
    def publish(**fields):
        draft = create_draft(**fields)
        response = staff.post(f"{URL}/{draft['id']}/publish")
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return publish


def article(draft, number):
    return next(u for u in draft["units"] if u["kind"] == "article" and u["number"] == number)


def past_deadline(consultation_id):
    """Move the deadline into the past, as time passing would (the window opened earlier still)."""
    now = utcnow()
    Consultation.update(opens_at=now - dt.timedelta(days=3), closes_at=now - dt.timedelta(minutes=1)).where(
        Consultation.id == consultation_id
    ).execute()
