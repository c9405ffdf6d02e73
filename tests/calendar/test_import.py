"""Excel import of calendar overrides: all or nothing, every bad row reported with its row number."""
import datetime as dt
import io

import pytest
from openpyxl import Workbook

from api.calendar.models import CalendarDay, CalendarYear
from api.common import calendar
from tests.support import assert_error_shape

URL = "/api/v1/calendar"
HEADER = ["日期", "是否工作日", "备注"]
NEXT_YEAR = max(calendar.BUILTIN_YEARS) + 1


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def xlsx(rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, data, query="", filename="日历.xlsx"):
    return client.post(
        f"{URL}/import{query}", data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data"
    )


def state():
    return sorted(CalendarDay.select(CalendarDay.day, CalendarDay.is_working_day, CalendarDay.note).tuples())


def test_a_good_file_creates_and_updates_by_date(staff):
    CalendarDay.create(day=dt.date(2026, 10, 9), is_working_day=True, note="旧")
    rows = [
        [dt.datetime(2026, 10, 9), "否", "本地节日"],  # an Excel date cell
        ["2026/5/6", "否", None],
        [f"{NEXT_YEAR}年1月1日", "否", "元旦"],
        [f"{NEXT_YEAR}-02-06", "是", "调休上班"],
    ]
    result = upload(staff, xlsx(rows), "?complete_years=true").get_json()
    assert result == {
        "dry_run": False, "rows": 4, "created": 3, "updated": 1, "unchanged": 0,
        "maintained_years": [2026, NEXT_YEAR],
    }
    assert (dt.date(2026, 10, 9), False, "本地节日") in state() and len(state()) == 4
    assert {row.year for row in CalendarYear.select()} == {2026, NEXT_YEAR}
    assert staff.get(f"{URL}/working-days?start={NEXT_YEAR}-02-05&days=1").status_code == 200
    again = upload(staff, xlsx(rows)).get_json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)


def test_every_bad_row_is_reported_and_nothing_is_imported(staff):
    before = state()
    rows = [
        ["2026-10-09", "否", "好的一行"],
        ["2026-02-30", "否", None],  # line 3: no such date
        ["2026-10-10", "也许", None],  # line 4
        ["2026-10-09", "是", None],  # line 5: same date as line 2
        [None, None, None],  # blank lines are skipped, not errors
        ["明天", "是", "x" * 101],  # line 7: two errors
    ]
    body = assert_error_shape(upload(staff, xlsx(rows)), 422)
    assert body["message"] == "日历中有 4 行数据有误，未导入任何数据。"
    by_line = {entry["line"]: entry["errors"] for entry in body["errors"]["rows"]}
    assert sorted(by_line) == [3, 4, 5, 7]
    assert "日期" in by_line[3] and "是否工作日" in by_line[4] and "第 2 行" in by_line[5]["日期"][0]
    assert set(by_line[7]) == {"日期", "备注"}
    assert state() == before


def test_dry_run_checks_without_writing(staff):
    result = upload(staff, xlsx([["2026-10-09", "否", None]]), "?dry_run=true").get_json()
    assert result["created"] == 1 and result["dry_run"] and state() == []


def test_bad_files_are_422_in_the_one_shape(staff):
    no_flag_column = xlsx([["2026-10-09", "否"]], header=["日期", "备注"])
    assert "file" in assert_error_shape(upload(staff, no_flag_column), 422)["errors"]
    assert_error_shape(upload(staff, xlsx([])), 422)
    assert_error_shape(upload(staff, b"\xd0\xcf\x11\xe0" + b"\x00" * 100, filename="old.xls"), 422)
    assert_error_shape(upload(staff, b"PK\x03\x04broken"), 422)


def test_csv_in_gb18030_is_read_like_the_roster(staff):
    data = "日期,是否工作日,备注\r\n2026-10-09,否,地方节日\r\n".encode("gb18030")
    assert upload(staff, data, filename="日历.csv").get_json()["created"] == 1


def test_only_the_office_imports(login_as):
    for role in ("deputy", "station_staff", "constituent"):
        assert_error_shape(upload(login_as(role), xlsx([["2026-10-09", "否", None]])), 403)
