"""The record screens: figures and comparisons, a deputy's record, the inactive list, claims, 述职 generation."""
import datetime as dt

from api.common.events import record_event
from api.common.timezone import LOCAL_TZ
from api.records.models import RecordClaim, ReportBack
from tests import factories


def test_figures_comparison_deputy_record_and_export(console_as):
    client = console_as("staff")
    delegation = factories.delegation(name="鼓楼区代表团")
    deputy = factories.deputy(delegation=delegation, name="林晓东")
    idle = factories.deputy(delegation=delegation, name="王安静")
    record_event(deputy.id, "activity.attend", "activity", 1, payload={"title": "乡村振兴专题调研"},
                 occurred_at=dt.datetime(2025, 5, 1, 10, tzinfo=LOCAL_TZ))
    page = client.get("/console/records", query_string={"year": 2025, "delegation_id": delegation.id})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "代表 2 人 · 有履职记录 1 人 · 履职记录 1 项 · 人均 0.5" in text
    assert "鼓楼区代表团" in text and text.count('data-testid="member-row"') == 2
    record = client.get(f"/console/records/deputies/{deputy.id}", query_string={"year": 2025}).get_data(as_text=True)
    assert "参加代表活动：乡村振兴专题调研" in record
    export = client.get("/console/records/export", query_string={"year": 2025, "delegation_id": delegation.id})
    assert export.status_code == 200 and export.mimetype.endswith("sheet")
    record_event(deputy.id, "meeting.attend", "meeting", 1, payload={"title": "常委会会议"})  # just now
    inactive = client.get("/console/records/inactive", query_string={"delegation_id": delegation.id})
    assert "王安静" in inactive.get_data(as_text=True) and "林晓东" not in inactive.get_data(as_text=True)
    assert idle.id


def test_a_large_delegation_lists_its_members_a_page_at_a_time(console_as, monkeypatch):
    import api.console.records as screens

    monkeypatch.setattr(screens, "MEMBERS_PER_PAGE", 2)
    client = console_as("staff")
    delegation = factories.delegation(name="仓山区代表团")
    for n in range(3):
        factories.deputy(delegation=delegation, code=f"C{n:03d}", name=f"仓山代表{n}")
    query = {"year": 2025, "delegation_id": delegation.id}
    first = client.get("/console/records", query_string=query).get_data(as_text=True)
    assert first.count('data-testid="member-row"') == 2 and "共 3 条 · 第 1/2 页" in first and "仓山代表2" not in first
    second = client.get("/console/records", query_string={**query, "page": 2}, headers={"HX-Request": "true"})
    text = second.get_data(as_text=True)
    assert "仓山代表2" in text and text.count('data-testid="member-row"') == 1 and "<html" not in text


def test_claims_are_confirmed_or_refused_with_a_reason(console_as):
    client = console_as("staff")
    deputy = factories.deputy()
    claim = RecordClaim.create(deputy=deputy, kind="activity.attend", title="参加社区议事会",
                               occurred_on=dt.date(2025, 3, 1))
    other = RecordClaim.create(deputy=deputy, kind="record.other", title="走访企业", occurred_on=dt.date(2025, 3, 2))
    assert "参加社区议事会" in client.get("/console/records/claims").get_data(as_text=True)
    assert client.post(f"/console/records/claims/{claim.id}/decide", data={"confirm": "1"}).status_code == 302
    assert client.post(f"/console/records/claims/{other.id}/decide", data={"reason": ""}).status_code == 422
    assert client.post(f"/console/records/claims/{other.id}/decide", data={"reason": "无记录"}).status_code == 302
    states = {c.title: c.state for c in RecordClaim.select()}
    assert states == {"参加社区议事会": "confirmed", "走访企业": "rejected"}


def test_report_back_generation_download_and_held(console_as):
    client = console_as("staff")
    deputy = factories.deputy()
    station = factories.station()
    assert client.post("/console/records/report-backs", data={"deputy_code": "NOPE", "year": "2025"}).status_code == 422
    assert client.post("/console/records/report-backs",
                       data={"deputy_code": deputy.code, "year": "2025"}).status_code == 302
    report = ReportBack.get(ReportBack.deputy == deputy.id)
    listing = client.get("/console/records/report-backs").get_data(as_text=True)
    assert deputy.name in listing and 'data-testid="report-back-held"' in listing
    download = client.get(f"/console/records/report-backs/{report.id}/document")
    assert download.status_code == 200 and download.data[:2] == b"PK"
    held = client.post(f"/console/records/report-backs/{report.id}/held",
                       data={"station_id": str(station.id), "held_on": "2026-01-05"})
    assert held.status_code == 302 and ReportBack.get_by_id(report.id).state == "held"
