"""会议与资料 in the console: a meeting with invited deputies, a confidential paper uploaded and published,
its read report, view log, new version, export and revocation."""
import io

from api.briefings.models import Meeting, Paper, PaperView
from tests import factories
from tests.briefings.pdfs import make_pdf

BASE = "/console/briefings"


def test_meeting_and_paper_from_draft_to_revoked(console_as, login_as):
    invited, other = factories.deputy(), factories.deputy()
    client = console_as("staff")
    assert 'data-testid="new-meeting"' in client.get(BASE).get_data(as_text=True)
    client.get(f"{BASE}/meetings/new")
    response = client.post(f"{BASE}/meetings/new", data={
        "kind": "standing_committee", "title": "常委会第二十次会议", "place": "第一会议室",
        "starts_at": "2026-12-10T09:00", "ends_at": "2026-12-10T12:00", "agenda": "审议预算调整方案",
        "deputy_codes": invited.code})
    assert response.status_code == 302, response.get_data(as_text=True)
    meeting = Meeting.get()
    assert client.post(f"{BASE}/meetings/{meeting.id}/publish", htmx=True).status_code == 204
    page = client.get(f"{BASE}/meetings/{meeting.id}").get_data(as_text=True)
    assert 'data-testid="attendees">1<' in page

    client.get(f"{BASE}/papers/new?meeting_id={meeting.id}")
    response = client.post(f"{BASE}/papers/new", data={
        "meeting_id": str(meeting.id), "title": "预算调整方案（机密）", "category": "会议资料",
        "confidentiality": "confidential", "meeting_attendees": "on",
        "file": (io.BytesIO(make_pdf(2)), "预算.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    paper = Paper.get()
    assert client.post(f"{BASE}/papers/{paper.id}/publish", htmx=True).status_code == 204
    html = client.get(f"{BASE}/papers/{paper.id}").get_data(as_text=True)
    assert 'data-testid="recipients">1<' in html and "机密" in html and 'data-testid="preview"' in html

    deputy = login_as("deputy", deputy=invited)
    links = deputy.get(f"/api/v1/briefings/my/papers/{paper.id}/pages").get_json()["pages"]
    deputy.get(f"/api/v1/briefings/my/papers/{paper.id}")
    assert deputy.get(links[1]["url"]).status_code == 200
    html = client.get(f"{BASE}/papers/{paper.id}").get_data(as_text=True)
    assert "已阅 1" in html and invited.name in html and PaperView.select().count() == 1
    assert client.get(f"{BASE}/papers/{paper.id}/export").data[:2] == b"PK"

    response = client.post(f"{BASE}/papers/{paper.id}/version", data={
        "file": (io.BytesIO(make_pdf(3)), "预算2.pdf"), "note": "更正"}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert "第 2 版" in client.get(f"{BASE}/papers/{paper.id}").get_data(as_text=True)

    assert client.post(f"{BASE}/papers/{paper.id}/revoke", data={"reason": "作废"}, htmx=True).status_code == 204
    assert "已撤销" in client.get(f"{BASE}/papers/{paper.id}").get_data(as_text=True)
    assert deputy.get(links[0]["url"]).status_code == 410
    assert other.id not in {r.deputy_id for r in Paper.get().recipients}


def test_an_unknown_deputy_code_is_a_field_error(console_as):
    client = console_as("staff")
    client.get(f"{BASE}/meetings/new")
    response = client.post(f"{BASE}/meetings/new", data={
        "kind": "group_meeting", "title": "小组会", "starts_at": "2026-12-10T09:00", "ends_at": "2026-12-10T10:00",
        "deputy_codes": "NOPE-1"})
    assert response.status_code == 422 and "不存在：NOPE-1" in response.get_data(as_text=True)


def test_deputies_cannot_open_the_screen(console_as):
    factories.deputy()
    assert console_as("unit_user").get(BASE).status_code in (302, 403)
