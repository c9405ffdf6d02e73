"""The roster screen: scoped lists with filters and paging, the edit form, the audited phone, import and export."""
import io

import pytest

from api.common.audit import AuditEntry
from api.deputies.models import Deputy
from tests import factories
from tests.deputies.helpers import csv, read_xlsx, row

ROSTER = "/console/roster"


def rows_of(html):
    return html.count('data-testid="roster-row"')


@pytest.fixture
def org(db):
    factories.congress()
    return {
        "delegation": factories.delegation(name="鼓楼区代表团"),
        "group": factories.group(name="鼓楼区第一代表小组"),
        "station": factories.station(name="东街代表联络站"),
        "other_station": factories.station(name="南街代表联络站"),
    }


@pytest.mark.parametrize(("role", "listed", "status"), [
    ("admin", True, 200), ("staff", True, 200), ("station_staff", True, 200), ("unit_user", False, 403),
])
def test_the_roster_is_in_the_menu_and_open_to_whoever_may_read_deputies(console_as, role, listed, status):
    client = console_as(role)
    assert (f'href="{ROSTER}"' in client.get("/console/").get_data(as_text=True)) is listed
    assert client.get(ROSTER).status_code == status


def test_signed_out_visitors_are_sent_to_sign_in(browser):
    response = browser.get(ROSTER)
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_station_staff_see_only_their_stations_deputies(console_as, org):
    mine = factories.deputy(name="本站代表", stations=[org["station"]])
    other = factories.deputy(name="外站代表", stations=[org["other_station"]])
    client = console_as("station_staff", stations=[org["station"]])
    html = client.get(ROSTER).get_data(as_text=True)
    assert "本站代表" in html and "外站代表" not in html
    assert "南街代表联络站" not in html  # the station filter offers only their own
    assert client.get(f"{ROSTER}/{other.id}").status_code == 404
    page = client.get(f"{ROSTER}/{mine.id}").get_data(as_text=True)
    assert "本站代表" in page and 'data-testid="deputy-save"' not in page  # read only


def test_filters_narrow_the_list_and_an_htmx_request_gets_only_the_results(console_as, org):
    factories.deputy(name="王法律", code="FZ-001", expertise=["法律"], groups=[org["group"]])
    factories.deputy(name="李教育", code="FZ-002", grassroots=True)
    client = console_as("staff")
    assert rows_of(client.get(f"{ROSTER}?q=FZ-00").get_data(as_text=True)) == 2
    for query in ("q=王法", "field=法律", f"group={org['group'].id}", "grassroots=false"):
        html = client.get(f"{ROSTER}?{query}").get_data(as_text=True)
        assert rows_of(html) == 1 and "王法律" in html, query
    fragment = client.get(f"{ROSTER}?grassroots=true", htmx=True).get_data(as_text=True)
    assert "<html" not in fragment and rows_of(fragment) == 1 and "李教育" in fragment


def test_a_bad_filter_is_422_with_the_fields_message(console_as):
    response = console_as("staff").get(f"{ROSTER}?status=whatever")
    assert response.status_code == 422 and "status" in response.get_data(as_text=True)


def test_the_list_pages_in_sql_keeping_the_filters(console_as, org):
    for n in range(23):
        factories.deputy(code=f"P{n:03d}", name=f"翻页{n}")
    client = console_as("staff")
    first = client.get(f"{ROSTER}?q=P").get_data(as_text=True)
    assert rows_of(first) == 20 and "共 23 条" in first and "page=2" in first and "q=P" in first
    second = client.get(f"{ROSTER}?q=P&page=2").get_data(as_text=True)
    assert rows_of(second) == 3 and "翻页22" in second


def test_the_phone_is_masked_and_showing_it_is_audited(console_as, org):
    deputy = factories.deputy(phone="13912345678")
    client = console_as("staff")
    html = client.get(ROSTER).get_data(as_text=True)
    assert "139****5678" in html and "13912345678" not in html
    shown = client.post(f"{ROSTER}/{deputy.id}/contact", htmx=True)
    assert shown.status_code == 200 and "13912345678" in shown.get_data(as_text=True)
    entry = AuditEntry.get(AuditEntry.action == "pii.read")
    assert entry.target_id == str(deputy.id) and entry.actor_id == client.user.id


def test_station_staff_cannot_show_a_phone(console_as, org):
    deputy = factories.deputy(phone="13912345678", stations=[org["station"]])
    client = console_as("station_staff", stations=[org["station"]])
    assert 'data-testid="show-phone"' not in client.get(ROSTER).get_data(as_text=True)
    assert client.post(f"{ROSTER}/{deputy.id}/contact", htmx=True).status_code == 403
    assert not AuditEntry.select().where(AuditEntry.action == "pii.read").exists()


def deputy_form(org, **overrides):
    return {"code": "NEW-1", "name": "新代表", "gender": "女", "delegation_id": str(org["delegation"].id),
            "status": "在任", "phone": "13800000001", "fields": "法律、教育",
            "station_ids": [str(org["station"].id)], **overrides}


def test_creating_a_deputy_through_the_form(console_as, org):
    response = console_as("staff").post(f"{ROSTER}/new", data=deputy_form(org), htmx=True)
    assert response.status_code == 204
    deputy = Deputy.get(Deputy.code == "NEW-1")
    assert response.headers["HX-Redirect"] == f"{ROSTER}/{deputy.id}"
    assert deputy.phone == "13800000001" and deputy.term == 17


def test_a_bad_form_comes_back_422_with_each_fields_message(console_as, org):
    factories.deputy(code="TAKEN")
    client = console_as("staff")
    response = client.post(f"{ROSTER}/new", data=deputy_form(org, name="", phone="12345", term="abc"), htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in html
    for field in ("name", "phone", "term"):
        assert f'data-testid="error-{field}"' in html, field
    assert 'value="NEW-1"' in html  # what was typed is kept
    taken = client.post(f"{ROSTER}/new", data=deputy_form(org, code="TAKEN"), htmx=True)
    assert taken.status_code == 409 and 'data-testid="error-code"' in taken.get_data(as_text=True)
    assert not Deputy.select().where(Deputy.code == "NEW-1").exists()


def test_editing_keeps_a_blank_phone_and_updates_the_rest(console_as, org):
    deputy = factories.deputy(phone="13912345678", delegation=org["delegation"])
    form = deputy_form(org, code=deputy.code, name="改名了", phone="")
    response = console_as("staff").post(f"{ROSTER}/{deputy.id}", data=form)
    assert response.status_code == 302
    deputy = Deputy.get_by_id(deputy.id)
    assert deputy.name == "改名了" and deputy.phone == "13912345678" and deputy.gender == "女"


def test_station_staff_cannot_post_the_edit_form(console_as, org):
    deputy = factories.deputy(stations=[org["station"]])
    client = console_as("station_staff", stations=[org["station"]])
    assert client.post(f"{ROSTER}/{deputy.id}", data=deputy_form(org)).status_code == 403


def import_file(client, data, mode="dry_run", filename="名册.csv"):
    return client.post(f"{ROSTER}/import", htmx=True, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), filename), "mode": mode})


def test_import_is_checked_first_then_applied(console_as, org):
    client = console_as("staff")
    data = csv([row("FZ17-0001"), row("FZ17-0002", name="李芳", phone="13900000002")])
    checked = import_file(client, data)
    html = checked.get_data(as_text=True)
    assert checked.status_code == 200 and 'data-testid="import-report"' in html and "新增 2" in html
    assert 'data-testid="import-apply"' in html and Deputy.select().count() == 0
    applied = import_file(client, data, mode="apply")
    assert "导入完成" in applied.get_data(as_text=True) and Deputy.select().count() == 2


def test_import_reports_every_bad_row_and_changes_nothing(console_as, org):
    factories.deputy(code="KEEP", name="原样")
    client = console_as("staff")
    data = csv([row("FZ17-0001"), row("FZ17-0002", phone="13900000002", 性别="未知"),
                row("FZ17-0003", 代表团="不存在的代表团", phone="1")])
    response = import_file(client, data, mode="apply")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'data-testid="import-report"' in html
    assert html.count('data-testid="import-error-row"') == 3  # 性别 on line 3; 代表团 and 手机号 on line 4
    assert "不存在的代表团" in html and 'data-testid="import-apply"' not in html
    assert [d.code for d in Deputy.select()] == ["KEEP"]


def test_an_unreadable_file_is_reported_in_the_report(console_as, org):
    response = import_file(console_as("staff"), b"\xd0\xcf\x11\xe0old excel", filename="名册.xls")
    assert response.status_code == 415 and "xlsx" in response.get_data(as_text=True)
    assert import_file(console_as("staff"), b"", filename="").status_code == 422


@pytest.mark.parametrize(("role", "status"), [("staff", 200), ("station_staff", 403), ("unit_user", 403)])
def test_the_import_page_is_for_the_office(console_as, role, status):
    assert console_as(role).get(f"{ROSTER}/import").status_code == status


def test_export_downloads_the_filtered_roster_masked(console_as, org):
    factories.deputy(code="E1", name="导出甲", phone="13912345678")
    factories.deputy(code="E2", name="导出乙")
    client = console_as("staff")
    html = client.get(f"{ROSTER}?q=导出甲").get_data(as_text=True)
    assert 'data-testid="roster-export"' in html and "/console/roster/export?q=" in html
    response = client.get("/console/roster/export?q=导出甲")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = read_xlsx(response.data)
    assert [r["姓名"] for r in rows] == ["导出甲"] and rows[0]["手机号"] == "139****5678"


def test_an_unmasked_export_is_audited(console_as, org):
    factories.deputy(phone="13912345678")
    response = console_as("staff").get("/console/roster/export?unmasked=true")
    assert read_xlsx(response.data)[0]["手机号"] == "13912345678"
    entry = AuditEntry.get(AuditEntry.action == "pii.read")
    assert '"via": "export"' in entry.detail


@pytest.mark.parametrize("role", ["station_staff", "unit_user"])
def test_export_is_for_the_office(console_as, org, role):
    assert console_as(role).get("/console/roster/export").status_code == 403


def test_deleting_a_deputy_with_an_account_shows_why_not(console_as, org):
    from tests.support import make_user

    deputy = factories.deputy()
    make_user("deputy", deputy=deputy)
    response = console_as("staff").post(f"{ROSTER}/{deputy.id}/delete", htmx=True)
    assert response.status_code == 409 and "已关联账号" in response.get_data(as_text=True)
    assert response.headers["HX-Retarget"] == "#flash"
    assert Deputy.select().where(Deputy.id == deputy.id).exists()


def test_an_xlsx_roster_is_checked_like_a_csv_one(console_as, org):
    from tests.deputies.helpers import xlsx

    response = import_file(console_as("staff"), xlsx([row("X-1")]), filename="名册.xlsx")
    assert response.status_code == 200 and "新增 1" in response.get_data(as_text=True)
    assert Deputy.select().count() == 0
