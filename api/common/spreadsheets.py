"""Reading and writing spreadsheets: the one .xlsx/.csv reader and the one safe .xlsx writer.

Reading is bounded by the rows scanned, blank ones included: an .xlsx of 200,000 empty rows is a
small file that would otherwise cost seconds of CPU per request. CSV may be UTF-8 (with or without
BOM), GBK/GB18030 (what Excel in Chinese saves) or UTF-16 with BOM ("Unicode text").

Writing never fails on what is already stored, and never hands a formula to whoever opens the file:
control characters that XML cannot carry are replaced, and text that a spreadsheet would run as a
formula is neutralised as OWASP's CSV-injection guidance says (a leading apostrophe).
"""
import csv
import io
import itertools
import re
import zipfile

from flask import current_app, has_app_context
from openpyxl import Workbook, load_workbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
# What an XML 1.0 document (and so an .xlsx cell) cannot contain, plus lone surrogates.
UNWRITABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class SheetError(Exception):
    """The upload cannot be read as a table; `status` is 415 for a format we do not read, else 422."""

    def __init__(self, message, status=422):
        super().__init__(message)
        self.message, self.status = message, status


# How a yes/no column may be filled in, upper-cased before comparing.
YES, NO = {"是", "Y", "YES", "TRUE", "1"}, {"否", "N", "NO", "FALSE", "0"}


def cell_text(value):
    """A cell as trimmed text, None when blank."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel keeps codes and phone numbers typed as numbers as floats
    text = str(value).strip()
    return text or None


def max_rows_setting(default=25000):
    return current_app.config.get("SPREADSHEET_MAX_ROWS", default) if has_app_context() else default


def read_table(data, filename="", max_rows=None):
    """Rows of cell values (header first) from .xlsx or .csv bytes; at most `max_rows` rows scanned."""
    max_rows = max_rows or max_rows_setting()
    if data.startswith(XLSX_MAGIC):
        return read_xlsx(data, max_rows)
    if data.startswith(OLE_MAGIC) or filename.lower().endswith((".xls", ".xlsx")):
        raise SheetError("请上传 .xlsx 或 .csv 格式的文件（不支持旧版 .xls）。", status=415)
    return read_csv(data, max_rows)


def read_xlsx(data, max_rows):
    _count_xlsx_rows(data, max_rows)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for a damaged file
        raise SheetError("无法读取该 Excel 文件，请确认文件完好。") from exc
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # files from other programs may declare a wrong sheet size
        return _bounded((tuple(row) for row in sheet.iter_rows(values_only=True)), max_rows)
    except SheetError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged sheet fails while streaming, too
        raise SheetError("无法读取该 Excel 文件，请确认文件完好。") from exc
    finally:
        book.close()


def _count_xlsx_rows(data, max_rows):
    """Refuse a sheet with too many rows before openpyxl parses it: openpyxl walks a whole sheet that
    declares no dimension just to size it, and does so for every sheet, the first row not yet returned."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/") and name.endswith(".xml")]
        for name in sheets:
            rows, tail = 0, b""
            with archive.open(name) as stream:
                while chunk := stream.read(1 << 20):
                    window = tail + chunk
                    rows += len(ROW_TAG.findall(window)) - len(ROW_TAG.findall(tail))
                    tail = window[-16:]
                    if rows > max_rows:
                        raise SheetError(f"表格超过 {max_rows} 行（空行也计算在内），请删除多余的行或分批上传。")
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:
        raise SheetError("无法读取该 Excel 文件，请确认文件完好。") from exc


def decode_csv(data):
    encodings = ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else CSV_ENCODINGS
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GBK。")


def read_csv(data, max_rows):
    text = decode_csv(data)
    if "\x00" in text:
        raise SheetError("CSV 文件中含有 NUL 字符，请确认文件完好。")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        return _bounded((tuple(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)), max_rows)
    except csv.Error as exc:
        raise SheetError("无法读取该 CSV 文件，请确认格式正确。") from exc


def _bounded(rows, max_rows):
    taken = list(itertools.islice(rows, max_rows + 1))
    if len(taken) > max_rows:
        raise SheetError(f"表格超过 {max_rows} 行（空行也计算在内），请删除多余的行或分批上传。")
    return taken


# Writing


def safe_cell(value):
    """A value any spreadsheet program shows as the text it is: writable, and never a formula."""
    if not isinstance(value, str):
        return value
    value = UNWRITABLE.sub("\ufffd", value)
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def write_xlsx(sheets):
    """An .xlsx (BytesIO, rewound) from [(sheet title, rows)], rows streamed, every cell through safe_cell."""
    book = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append([safe_cell(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer
