"""Helpers for briefing tests: staff and deputy clients, PDFs uploaded, meetings and papers built through the API."""
import datetime as dt
import io

import pytest

from api.common.db import utcnow
from tests.briefings.pdfs import make_pdf
from tests.support import create_and_publish

URL = "/api/v1/briefings"


def iso(delta_hours=0):
    return (utcnow() + dt.timedelta(hours=delta_hours)).isoformat()


@pytest.fixture
def staff(login_as):
    return login_as("staff")


@pytest.fixture
def as_deputy(login_as):
    """as_deputy(deputy) → a client signed in as that deputy (one account per deputy)."""
    clients = {}

    def sign_in(deputy):
        if deputy.id not in clients:
            clients[deputy.id] = login_as("deputy", deputy=deputy)
        return clients[deputy.id]

    return sign_in


@pytest.fixture
def upload(staff):
    def send(pages=2, text="Budget review", name="资料.pdf"):
        response = staff.post("/api/v1/files", data={"file": (io.BytesIO(make_pdf(pages, text)), name)})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["id"]

    return send


@pytest.fixture
def meeting(staff):
    """meeting(deputy_ids=[...], publish=True, **fields) → the meeting's JSON."""

    def create(deputy_ids=(), publish=True, audience=None, **fields):
        body = {"kind": "standing_committee", "title": "市人大常委会第二十次会议", "place": "常委会会议室",
                "starts_at": iso(24), "ends_at": iso(30), "agenda": "审议预算调整方案",
                "audience": audience or {"deputy_ids": list(deputy_ids)}, **fields}
        return create_and_publish(staff, f"{URL}/meetings", body, publish)

    return create


@pytest.fixture
def paper(staff, upload):
    """paper(meeting_id=None, audience=..., publish=True, **fields) → the paper's JSON."""

    def create(publish=True, pages=2, text="Budget review", **fields):
        body = {"title": "关于2026年预算调整方案的说明", "description": "预算调整的主要内容", "category": "会议资料",
                "confidentiality": "confidential", "audience": {"meeting_attendees": True},
                "file_id": upload(pages, text), **fields}
        return create_and_publish(staff, f"{URL}/papers", body, publish)

    return create
