"""The record's reading side: timeline, figures by kind and year, staff views, comparisons, inactive deputies, Excel."""
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from api.common.db import utcnow
from tests import factories
from tests.records.conftest import URL, at, put_event, this_year
from tests.support import assert_error_shape, assert_permitted


def test_timeline_and_yearly_figures_with_labels_and_unknown_kinds(me, deputy):
    year = this_year()
    put_event(deputy, "activity.attend", 1, at(year - 1, 3), title="乡村振兴专题调研")
    put_event(deputy, "suggestion.submit", 2, at(year - 1, 4), title="关于加强养老服务的建议")
    put_event(deputy, "meeting.attend", 3, at(year - 1, 5), title="常委会第十次会议")
    put_event(deputy, "future.kind", 4, at(year - 1, 6), title="新模块的事")
    put_event(deputy, "meeting.attend", 5, at(year - 6, 5), title="太早的会议")
    page = me.get(f"{URL}/me", query_string={"year": year - 1}).get_json()
    figures = {row["kind"]: (row["label"], row["count"]) for row in page["figures"]["kinds"]}
    assert figures == {"activity.attend": ("参加代表活动", 1), "suggestion.submit": ("提出建议", 1),
                       "meeting.attend": ("出席会议", 1), "future.kind": ("future.kind", 1)}
    assert page["figures"]["total"] == 4
    assert {s["section"] for s in page["figures"]["sections"]} == {"闭会期间活动", "建议", "会议", "其他"}
    assert [y["year"] for y in page["years"]] == list(range(year - 1, year - 6, -1))
    assert [y["total"] for y in page["years"]] == [4, 0, 0, 0, 0]  # the one six years back is outside
    timeline = me.get(f"{URL}/me/timeline", query_string={"year": year - 1}).get_json()
    assert [e["title"] for e in timeline] == [
        "新模块的事", "常委会第十次会议", "关于加强养老服务的建议", "乡村振兴专题调研"]
    only = me.get(f"{URL}/me/timeline", query_string={"kinds": ["meeting.attend"]}).get_json()
    assert [e["title"] for e in only] == ["常委会第十次会议", "太早的会议"]


def test_the_record_is_the_deputys_own(me, deputy):
    put_event(factories.deputy(), "meeting.attend", 1, at(this_year(), 1, 2))
    assert me.get(f"{URL}/me").get_json()["figures"]["total"] == 0


def test_a_year_is_counted_in_beijing_time(me, deputy):
    # 2024-12-31 17:00 UTC is 2025-01-01 01:00 in Beijing.
    put_event(deputy, "meeting.attend", 1, dt.datetime(2024, 12, 31, 17, tzinfo=dt.timezone.utc))
    assert me.get(f"{URL}/me", query_string={"year": 2025}).get_json()["figures"]["total"] == 1
    assert me.get(f"{URL}/me", query_string={"year": 2024}).get_json()["figures"]["total"] == 0


@pytest.mark.parametrize("role", ["admin", "staff", "station_staff", "unit_user", "deputy", "constituent", "anonymous"])
def test_who_sees_records(client, login_as, role):
    caller = client if role == "anonymous" else login_as(role, deputy=factories.deputy()) if role == "deputy" \
        else login_as(role)
    assert_permitted(caller.get(f"{URL}/figures"), role, {"admin", "staff"}, 200)
    assert_permitted(caller.get(f"{URL}/me"), role, {"deputy"}, 200)


def test_staff_views_per_group_and_delegation_with_comparison(office):
    year = this_year() - 1
    north, south = factories.delegation(name="北区代表团"), factories.delegation(name="南区代表团")
    group = factories.group(name="教育小组")
    a = factories.deputy(delegation=north, groups=[group])
    b = factories.deputy(delegation=north)
    c = factories.deputy(delegation=south, groups=[group])
    for n in range(3):
        put_event(a, "activity.attend", n, at(year, 3 + n))
    put_event(c, "suggestion.submit", 9, at(year, 5))
    put_event(b, "meeting.attend", 10, at(year - 1, 5))  # another year
    figures = office.get(f"{URL}/figures", query_string={"year": year, "delegation_id": north.id}).get_json()
    assert (figures["deputies"], figures["active"], figures["total"], figures["average"]) == (2, 1, 3, 1.5)
    assert {m["id"]: m["total"] for m in figures["members"]} == {a.id: 3, b.id: 0}
    in_group = office.get(f"{URL}/figures", query_string={"year": year, "group_id": group.id}).get_json()
    assert {m["id"]: m["counts"] for m in in_group["members"]} == {
        a.id: {"activity.attend": 3}, c.id: {"suggestion.submit": 1}}
    compared = office.get(f"{URL}/comparison", query_string={"year": year}).get_json()["rows"]
    rows = {r["name"]: (r["deputies"], r["active"], r["total"], r["average"]) for r in compared}
    assert rows["北区代表团"] == (2, 1, 3, 1.5) and rows["南区代表团"] == (1, 1, 1, 1.0)
    by_group = office.get(f"{URL}/comparison", query_string={"year": year, "by": "group"}).get_json()["rows"]
    assert [(r["name"], r["total"]) for r in by_group] == [("教育小组", 4)]
    staff_view = office.get(f"{URL}/deputies/{a.id}", query_string={"year": year}).get_json()
    assert staff_view["figures"]["total"] == 3 and staff_view["deputy"]["name"] == a.name
    assert len(office.get(f"{URL}/deputies/{a.id}/timeline").get_json()) == 3
    assert_error_shape(office.get(f"{URL}/figures", query_string={"delegation_id": 999999}), 404)
    assert_error_shape(office.get(f"{URL}/deputies/999999"), 404)


def test_inactive_deputies_have_no_recorded_duty_within_the_period(office):
    delegation = factories.delegation()
    now = utcnow()
    busy = factories.deputy(delegation=delegation)
    quiet = factories.deputy(delegation=delegation)
    never = factories.deputy(delegation=delegation)
    factories.deputy(delegation=delegation, status="终止")  # no longer serving: not listed
    put_event(busy, "meeting.attend", 1, now - dt.timedelta(days=10))
    put_event(quiet, "meeting.attend", 2, now - dt.timedelta(days=100))
    put_event(never, "meeting.attend", 3, now + dt.timedelta(days=5))  # scheduled, not yet done

    def listed(**query):
        rows = office.get(f"{URL}/inactive", query_string={"delegation_id": delegation.id, **query}).get_json()
        return {r["id"]: r["last_event_at"] for r in rows}

    assert set(listed(days=90)) == {quiet.id, never.id}
    assert listed(days=90)[never.id] is None and listed(days=90)[quiet.id] is not None
    assert set(listed(days=120)) == {never.id}
    assert set(listed()) == {never.id}  # the default period is 180 days
    assert_error_shape(office.get(f"{URL}/inactive", query_string={"days": 1}), 422)


def test_export_to_excel_neutralises_formulas(office):
    delegation = factories.delegation()
    deputy = factories.deputy(delegation=delegation, name="=HYPERLINK(1)")
    year = this_year() - 1
    put_event(deputy, "activity.attend", 1, at(year))
    put_event(deputy, "activity.report", 1, at(year))
    response = office.get(f"{URL}/export", query_string={"year": year, "delegation_id": delegation.id})
    assert response.status_code == 200 and response.mimetype.endswith("sheet")
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["代表编号", "姓名", "代表团", "状态", "参加代表活动", "提交活动报告", "合计"]
    assert rows[1][1] == "'=HYPERLINK(1)" and rows[1][4:] == [1, 1, 2]


def test_kinds_are_listed_with_labels(client):
    kinds = {k["kind"]: k["label"] for k in client.get(f"{URL}/kinds").get_json()}
    for kind in ("notice.reply", "learning.complete", "training.attend", "consultation.opinion", "suggestion.submit",
                 "suggestion.cosign", "suggestion.rate", "feedback.comment", "feedback.forward", "station.reception",
                 "activity.attend", "activity.report", "meeting.attend"):
        assert kinds[kind] != kind
