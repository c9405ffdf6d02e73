"""Roster export: the import's own columns, the phone masked unless asked for (and audited)."""
import json
from urllib.parse import unquote

import pytest

from api.common.audit import AuditEntry
from api.deputies.models import Deputy
from tests import factories
from tests.deputies.helpers import HEADER, read_xlsx, upload

URL = "/api/v1/deputies/export"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def staff(login_as):
    return login_as("staff")


@pytest.fixture
def roster(db):
    delegation = factories.delegation(name="鼓楼区代表团")
    group = factories.group(name="鼓楼区第一代表小组")
    stations = [factories.station(name="东街代表联络站"), factories.station(name="南街代表联络站")]
    factories.deputy(
        code="FZ17-0001", name="林晓东", delegation=delegation, groups=[group], stations=stations,
        expertise=["法律", "教育"], grassroots=True, sector="工人", employer="东街社区", title="主任",
        phone="13912345678",
    )
    factories.deputy(code="FZ17-0002", name="李芳", gender="女", delegation=delegation, status="终止", phone=None)


def test_export_has_the_import_columns_and_masks_the_phone(staff, roster):
    response = staff.get(URL)
    assert response.status_code == 200 and response.mimetype == XLSX
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and 'filename="deputies-' in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]).startswith("代表名册-")
    rows = read_xlsx(response.data)
    assert list(rows[0]) == HEADER
    assert rows[0] == {
        "代表编号": "FZ17-0001", "姓名": "林晓东", "性别": "男", "代表团": "鼓楼区代表团", "届次": 17, "状态": "在任",
        "界别/行业": "工人", "基层代表": "是", "工作单位": "东街社区", "职务": "主任", "手机号": "139****5678",
        "代表小组": "鼓楼区第一代表小组", "联络站": "东街代表联络站、南街代表联络站", "专业领域": "法律、教育",
    }
    assert (rows[1]["状态"], rows[1]["手机号"], rows[1]["联络站"]) == ("终止", None, None)
    entry = AuditEntry.get(AuditEntry.action == "deputies.export")
    assert json.loads(entry.detail) == {"count": 2, "unmasked": False}
    assert not AuditEntry.select().where(AuditEntry.action == "pii.read").exists()


def test_unmasked_export_is_audited_as_a_personal_data_read(login_as, roster):
    admin = login_as("admin")
    rows = read_xlsx(admin.get(f"{URL}?unmasked=true").data)
    assert rows[0]["手机号"] == "13912345678"
    entry = AuditEntry.get(AuditEntry.action == "pii.read")
    assert entry.actor_id == admin.user.id
    assert json.loads(entry.detail) == {"fields": ["phone"], "count": 2, "via": "export"}


def test_export_takes_the_list_filters(staff, roster):
    assert [r["代表编号"] for r in read_xlsx(staff.get(f"{URL}?status=终止").data)] == ["FZ17-0002"]


@pytest.mark.parametrize("query", ["", "?unmasked=true"])
def test_export_then_import_changes_nothing(staff, roster, query):
    def stored():
        return list(Deputy.select(Deputy.code, Deputy.phone_hash, Deputy.updated_at).order_by(Deputy.code).tuples())

    before = stored()
    body = upload(staff, staff.get(f"{URL}{query}").data).get_json()
    assert (body["created"], body["updated"], body["unchanged"]) == (0, 0, 2)
    assert stored() == before
