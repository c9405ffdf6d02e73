"""Meetings and papers: audience (meeting attendees, invited deputies), window, versions, revocation."""
import datetime as dt

import pytest

from api.briefings.models import Paper
from api.common.db import utcnow
from tests import factories
from tests.briefings.conftest import URL, iso


def my_paper_ids(client):
    response = client.get(f"{URL}/my/papers")
    assert response.status_code == 200, response.get_json()
    return {p["id"] for p in response.get_json()}


def test_a_deputy_invited_to_one_meeting_sees_its_papers_not_another_meetings(meeting, paper, as_deputy):
    invited, other = factories.deputy(), factories.deputy()
    first = meeting(deputy_ids=[invited.id])
    second = meeting(deputy_ids=[other.id], title="第二十一次会议")
    mine = paper(meeting_id=first["id"])
    theirs = paper(meeting_id=second["id"], title="另一次会议的资料")

    client = as_deputy(invited)
    assert my_paper_ids(client) == {mine["id"]}
    assert [m["id"] for m in client.get(f"{URL}/my/meetings").get_json()] == [first["id"]]
    assert client.get(f"{URL}/my/meetings/{second['id']}").status_code == 404
    assert client.get(f"{URL}/my/papers/{theirs['id']}").status_code == 404
    assert client.get(f"{URL}/my/papers/{theirs['id']}/pages").status_code == 404
    detail = client.get(f"{URL}/my/meetings/{first['id']}").get_json()
    assert [p["id"] for p in detail["papers"]] == [mine["id"]]


def test_a_deputy_invited_late_gets_the_meetings_papers(meeting, paper, staff, as_deputy):
    early, late = factories.deputy(), factories.deputy()
    held = meeting(deputy_ids=[early.id])
    doc = paper(meeting_id=held["id"])
    assert my_paper_ids(as_deputy(late)) == set()
    response = staff.patch(f"{URL}/meetings/{held['id']}", json={"audience": {"deputy_ids": [early.id, late.id]}})
    assert response.status_code == 200, response.get_json()
    assert my_paper_ids(as_deputy(late)) == {doc["id"]}


def test_selectors_reach_beyond_the_meeting(meeting, paper, as_deputy):
    attendee = factories.deputy()
    expert_group = factories.group()
    expert = factories.deputy(groups=[expert_group])
    held = meeting(deputy_ids=[attendee.id])
    doc = paper(meeting_id=held["id"], audience={"meeting_attendees": True,
        "selectors": {"group_ids": [expert_group.id]}})
    assert doc["recipient_count"] == 2
    assert my_paper_ids(as_deputy(expert)) == {doc["id"]}


def test_a_standalone_briefing_cannot_target_meeting_attendees(paper, staff, upload):
    body = {"title": "情况通报", "category": "情况通报", "audience": {"meeting_attendees": True}, "file_id": upload()}
    response = staff.post(f"{URL}/papers", json=body)
    assert response.status_code == 422
    assert "meeting_attendees" in response.get_json()["errors"]["audience"]


def test_the_window_opens_and_closes(paper, as_deputy, db):
    reader = factories.deputy()
    doc = paper(audience={"selectors": {"deputy_ids": [reader.id]}}, category="参阅资料",
                opens_at=iso(1), closes_at=iso(3))
    client = as_deputy(reader)
    assert my_paper_ids(client) == set()  # not open yet
    assert client.get(f"{URL}/my/papers/{doc['id']}").status_code == 404
    Paper.update(opens_at=utcnow() - dt.timedelta(minutes=1)).where(Paper.id == doc["id"]).execute()
    assert my_paper_ids(client) == {doc["id"]}
    links = client.get(f"{URL}/my/papers/{doc['id']}/pages").get_json()
    Paper.update(closes_at=utcnow() - dt.timedelta(seconds=1)).where(Paper.id == doc["id"]).execute()
    assert my_paper_ids(client) == set()  # closed: gone from the list, the detail and the page images
    assert client.get(f"{URL}/my/papers/{doc['id']}").status_code == 404
    assert client.get(links["pages"][0]["url"]).status_code == 410


def test_window_must_close_after_it_opens(staff, upload):
    body = {"title": "参阅", "category": "参阅资料", "audience": {"selectors": {"all": True}}, "file_id": upload(),
            "opens_at": iso(5), "closes_at": iso(2)}
    assert staff.post(f"{URL}/papers", json=body).status_code == 422


def test_only_pdfs_are_papers(staff):
    import io

    uploaded = staff.post("/api/v1/files", data={"file": (io.BytesIO(b"just text"), "a.txt")}).get_json()
    body = {"title": "参阅", "category": "参阅资料", "audience": {"selectors": {"all": True}},
        "file_id": uploaded["id"]}
    response = staff.post(f"{URL}/papers", json=body)
    assert response.status_code == 422
    assert "file_id" in response.get_json()["errors"]


def test_a_paper_of_an_unpublished_meeting_waits(meeting, paper, staff):
    draft = meeting(deputy_ids=[factories.deputy().id], publish=False)
    doc = paper(meeting_id=draft["id"], publish=False)
    assert staff.post(f"{URL}/papers/{doc['id']}/publish").status_code == 409


def test_a_new_version_shows_as_changed_to_earlier_readers(paper, staff, upload, as_deputy):
    reader = factories.deputy()
    doc = paper(audience={"selectors": {"deputy_ids": [reader.id]}}, category="参阅资料")
    client = as_deputy(reader)
    first = client.get(f"{URL}/my/papers/{doc['id']}").get_json()
    assert first["changed"] is False and first["version"] == 1
    old_links = client.get(f"{URL}/my/papers/{doc['id']}/pages").get_json()
    response = staff.post(f"{URL}/papers/{doc['id']}/versions", json={"file_id": upload(pages=3), "note": "修正数据"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["version"] == 2 and response.get_json()["page_count"] == 3
    listed = client.get(f"{URL}/my/papers").get_json()[0]
    assert listed["updated_since_read"] is True
    again = client.get(f"{URL}/my/papers/{doc['id']}").get_json()
    assert again["changed"] is True
    assert client.get(f"{URL}/my/papers").get_json()[0]["updated_since_read"] is False
    assert client.get(old_links["pages"][0]["url"]).status_code == 410  # the old version's links died
    versions = staff.get(f"{URL}/papers/{doc['id']}/versions").get_json()
    assert [v["version"] for v in versions] == [2, 1] and versions[0]["note"] == "修正数据"


@pytest.mark.parametrize("role", ["deputy", "unit_user", "station_staff", "constituent"])
def test_staff_endpoints_are_the_offices(role, login_as, paper):
    doc = paper(audience={"selectors": {"all": True}}, category="参阅资料", publish=False)
    client = login_as(role)
    assert client.get(f"{URL}/papers/{doc['id']}").status_code == 403
    assert client.post(f"{URL}/papers/{doc['id']}/publish").status_code == 403
    assert client.get(f"{URL}/meetings").status_code == 403


def test_revoking_removes_the_paper_at_once(paper, staff, as_deputy):
    reader = factories.deputy()
    doc = paper(audience={"selectors": {"deputy_ids": [reader.id]}}, category="参阅资料")
    client = as_deputy(reader)
    links = client.get(f"{URL}/my/papers/{doc['id']}/pages").get_json()
    assert client.get(links["pages"][0]["url"]).status_code == 200
    response = staff.post(f"{URL}/papers/{doc['id']}/revoke", json={"reason": "内容有误"})
    assert response.status_code == 200 and response.get_json()["state"] == "revoked"
    for link in links["pages"]:
        assert client.get(link["url"]).status_code == 410  # even the page already fetched (cached) dies
    assert my_paper_ids(client) == set()
    assert staff.post(f"{URL}/papers/{doc['id']}/revoke", json={"reason": "再次"}).status_code == 409
