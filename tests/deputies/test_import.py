"""Roster import: every bad row reported, all or nothing, re-import updates by code."""
import io

import pytest

from api.common.audit import AuditEntry
from api.deputies.models import Deputy, DeputyExpertise, DeputyGroupMember, DeputyStation
from api.org.models import Delegation, DeputyGroup
from tests import factories
from tests.deputies.helpers import HEADER, csv, row, upload, xlsx
from tests.support import assert_error_shape


@pytest.fixture
def staff(login_as):
    return login_as("staff")


@pytest.fixture
def org(db):
    factories.congress()
    factories.delegation(name="鼓楼区代表团")
    factories.group(name="鼓楼区第一代表小组")
    factories.station(name="东街代表联络站")
    factories.station(name="南街代表联络站")


def state():
    """Everything an import may touch, comparable before and after."""
    columns = (Deputy.code, Deputy.name, Deputy.title, Deputy.phone_hash)
    deputies = list(Deputy.select(*columns).order_by(Deputy.code).tuples())
    links = [list(model.select().tuples()) for model in (DeputyGroupMember, DeputyStation, DeputyExpertise)]
    return deputies, links, Delegation.select().count(), DeputyGroup.select().count()


def test_clean_import_creates_deputies_with_their_links(staff, org, db):
    rows = [
        row("FZ17-0001", phone="139 0000 0001"),
        row("FZ17-0002", name="李芳", phone="13900000002", 性别="女", 届次="第十七届", 基层代表="否",
            联络站="东街代表联络站；南街代表联络站"),
    ]
    response = upload(staff, xlsx(rows))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "dry_run": False, "rows": 2, "created": 2, "updated": 0, "unchanged": 0,
        "created_delegations": [], "created_groups": [],
    }
    li = Deputy.get(Deputy.code == "FZ17-0002")
    assert (li.name, li.gender, li.term, li.grassroots, li.phone) == ("李芳", "女", 17, False, "13900000002")
    assert Deputy.get(Deputy.code == "FZ17-0001").grassroots is True
    assert sorted(link.station.name for link in li.station_links) == ["东街代表联络站", "南街代表联络站"]
    assert sorted(link.field for link in li.expertise_links) == ["教育", "法律"]
    assert [link.group.name for link in li.group_links] == ["鼓楼区第一代表小组"]
    raw = db.execute_sql("SELECT phone FROM deputy WHERE code = 'FZ17-0001'").fetchone()[0]
    assert "13900000001" not in raw
    entry = AuditEntry.get(AuditEntry.action == "deputies.import")
    assert '"created": 2' in entry.detail and entry.actor_id == staff.user.id


def test_reimport_updates_by_code_instead_of_duplicating(staff, org):
    first = [row("FZ17-0001"), row("FZ17-0002", phone="13900000002"), row("FZ17-0003", phone="13900000003")]
    assert upload(staff, xlsx(first)).get_json()["created"] == 3
    factories.station(name="西街代表联络站")
    again = [
        row("FZ17-0001"),
        row("FZ17-0002", phone="13900000002", 职务="书记", 联络站="西街代表联络站", 专业领域=""),
        row("FZ17-0003", phone="13900000033"),
    ]
    body = upload(staff, xlsx(again)).get_json()
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 2, 1)
    assert Deputy.select().count() == 3
    changed = Deputy.get(Deputy.code == "FZ17-0002")
    assert changed.title == "书记"
    assert [link.station.name for link in changed.station_links] == ["西街代表联络站"]
    assert list(changed.expertise_links) == []
    assert Deputy.get(Deputy.code == "FZ17-0003").phone == "13900000033"
    assert DeputyStation.select().count() == 3


def test_a_phone_may_move_between_deputies_in_one_file(staff, org):
    upload(staff, xlsx([row("A1", phone="13900000001"), row("A2", phone="13900000002")]))
    body = upload(staff, xlsx([row("A1", phone="13900000002"), row("A2", phone="13900000001")])).get_json()
    assert body["updated"] == 2
    assert Deputy.get(Deputy.code == "A1").phone == "13900000002"


def test_every_bad_row_is_reported_and_nothing_changes(staff, org):
    upload(staff, xlsx([row("FZ17-0001", 职务="主任")]))
    before = state()
    rows = [
        row("FZ17-0001", 职务="书记"),                       # line 2: fine, but must not be applied
        row("FZ17-0002", phone="1390000", 性别="男性"),        # line 3: two bad cells
        row("FZ17-0003", phone="13900000003", 代表团="不存在的代表团"),
        row("FZ17-0004", phone="13900000004"),                 # line 5: fine
        row("FZ17-0002", phone="13900000006"),                 # line 6: duplicate code
        row("FZ17-0007", name="", phone="13900000004", 届次="第十七", 联络站="东街代表联络站、北街代表联络站"),
    ]
    body = assert_error_shape(upload(staff, xlsx(rows)), 422)
    assert body["message"] == "名册中有 4 行数据有误，未导入任何数据。"
    reported = {entry["line"]: entry["errors"] for entry in body["errors"]["rows"]}
    assert sorted(reported) == [3, 4, 6, 7]
    assert set(reported[3]) == {"手机号", "性别"}
    assert reported[4] == {"代表团": ["代表团不存在：不存在的代表团。"]}
    assert "第 3 行" in reported[6]["代表编号"][0]
    assert set(reported[7]) == {"姓名", "手机号", "联络站"} and "北街代表联络站" in reported[7]["联络站"][0]
    assert state() == before


def test_unknown_delegations_and_groups_may_be_created_on_request(staff, org):
    rows = [row("FZ17-0001", 代表团="台江区代表团", 代表小组="台江区第一代表小组、鼓楼区第一代表小组")]
    assert_error_shape(upload(staff, xlsx(rows)), 422)
    body = upload(staff, xlsx(rows), query="?create_missing=true").get_json()
    assert body["created_delegations"] == ["台江区代表团"] and body["created_groups"] == ["台江区第一代表小组"]
    assert Deputy.get().delegation.name == "台江区代表团"
    assert DeputyGroupMember.select().count() == 2
    unknown_station = xlsx([row("X", phone="13900000009", 联络站="北街站")])
    stations = assert_error_shape(upload(staff, unknown_station, query="?create_missing=true"), 422)
    assert stations["errors"]["rows"][0]["errors"] == {"联络站": ["联络站不存在：北街站。"]}


def test_dry_run_reports_without_writing(staff, org):
    upload(staff, xlsx([row("FZ17-0001")]))
    before = state()
    rows = [row("FZ17-0001", 职务="书记"), row("FZ17-0002", phone="13900000002")]
    body = upload(staff, xlsx(rows), query="?dry_run=true")
    assert body.get_json()["dry_run"] is True
    assert (body.get_json()["created"], body.get_json()["updated"]) == (1, 1)
    assert state() == before


def test_dry_run_may_also_be_a_form_field(staff, org):
    response = staff.post(
        "/api/v1/deputies/import",
        data={"file": (io.BytesIO(xlsx([row("FZ17-0001")])), "名册.xlsx"), "dry_run": "true"},
        content_type="multipart/form-data",
    )
    assert response.get_json()["dry_run"] is True and Deputy.select().count() == 0
    bad = staff.post("/api/v1/deputies/import", data={"file": (io.BytesIO(b"x"), "a.csv"), "dry_run": "maybe"})
    assert "dry_run" in assert_error_shape(bad, 422)["errors"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030"])
def test_csv_in_the_encodings_excel_writes(staff, org, encoding):
    rows = [row("FZ17-0001", 专业领域="法律"), row("FZ17-0002", name="吴思远", phone="13900000002")]
    data = csv(rows, encoding=encoding)
    assert upload(staff, data, filename="名册.csv").get_json()["created"] == 2
    assert Deputy.get(Deputy.code == "FZ17-0002").name == "吴思远"


def test_numbers_typed_as_numbers_in_excel(staff, org):
    assert upload(staff, xlsx([row(17001, phone=13900000001, 届次=17)])).get_json()["created"] == 1
    deputy = Deputy.get()
    assert (deputy.code, deputy.phone, deputy.term) == ("17001", "13900000001", 17)


def test_missing_columns_keep_what_is_on_record(staff, org):
    upload(staff, xlsx([row("FZ17-0001", 职务="主任")]))
    short = ["代表编号", "姓名", "性别", "代表团"]
    body = upload(staff, xlsx([row("FZ17-0001", name="林新")], header=short)).get_json()
    assert body["updated"] == 1
    deputy = Deputy.get()
    assert (deputy.name, deputy.title, deputy.phone) == ("林新", "主任", "13900000001")
    assert DeputyStation.select().count() == 1


def test_a_phone_held_by_a_deputy_outside_the_file_is_refused(staff, org):
    factories.deputy(code="OLD-1", phone="13900000001")
    body = assert_error_shape(upload(staff, xlsx([row("FZ17-0001", phone="13900000001")])), 422)
    assert "OLD-1" in body["errors"]["rows"][0]["errors"]["手机号"][0]


def test_unreadable_files(staff, org):
    no_code = assert_error_shape(upload(staff, xlsx([row("A")], header=HEADER[1:])), 422)
    assert "代表编号" in no_code["message"] and no_code["errors"]["file"]
    assert assert_error_shape(upload(staff, xlsx([])), 422)["message"] == "名册中没有代表数据。"
    assert_error_shape(upload(staff, b"\xd0\xcf\x11\xe0" + b"\x00" * 100, filename="old.xls"), 415)
    assert_error_shape(upload(staff, b"PK\x03\x04broken", filename="broken.xlsx"), 422)
    assert "file" in assert_error_shape(staff.post("/api/v1/deputies/import", json={}), 422)["errors"]
    assert Deputy.select().count() == 0
