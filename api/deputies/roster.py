"""The deputy roster as a spreadsheet: validating rows read by api.common.spreadsheets, shaping the export.

Pure functions (no database): the import service passes in the names it knows.
"""
import itertools
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from api.common import spreadsheets
from api.common.spreadsheets import NO, YES, cell_text
from api.deputies.models import GENDERS, PHONE_PATTERN, STATUS_SERVING, STATUSES, normalise_phone

# (header, key, max length); the export writes these headers in this order.
COLUMNS = (
    ("代表编号", "code", 40),
    ("姓名", "name", 50),
    ("性别", "gender", 2),
    ("代表团", "delegation", 100),
    ("届次", "term", None),
    ("状态", "status", 4),
    ("界别/行业", "sector", 50),
    ("基层代表", "grassroots", None),
    ("工作单位", "employer", 200),
    ("职务", "title", 100),
    ("手机号", "phone", None),
    ("代表小组", "groups", 100),
    ("联络站", "stations", 100),
    ("专业领域", "fields", 50),
)
HEADERS = {key: header for header, key, _ in COLUMNS}
LIMITS = {key: limit for _, key, limit in COLUMNS}
ALIASES = {"界别": "sector", "行业": "sector", "手机": "phone", "手机号码": "phone", "选举单位": "delegation"}
REQUIRED = ("code", "name", "gender", "delegation")
LIST_KEYS = ("groups", "stations", "fields")
SEPARATORS = re.compile(r"[;；、,，\n]+")
MASKED_PHONE = re.compile(r"^1\d{2}\*{4}\d{4}$")
CHINESE_DIGITS = {ch: n for n, ch in enumerate("零一二三四五六七八九")}
MAX_ROWS = 20000
XLSX_TYPE = spreadsheets.XLSX_TYPE
KEEP = object()  # a masked phone in a re-imported export: keep the phone on record


class RosterFileError(Exception):
    def __init__(self, message, status=422):
        super().__init__(message)
        self.message, self.status = message, status


@dataclass
class RosterRow:
    line: int
    values: dict  # model field → value, only for the columns the file has
    links: dict = field(default_factory=dict)  # "groups"/"stations"/"fields" → tuple of names


# Validating


def parse(rows, default_term=None):
    """(RosterRow list, errors {line: {header: [message]}}); line 1 is the header row."""
    rows = iter(rows)
    columns = header_keys(next(rows, None))
    records, errors, seen_codes, seen_phones = [], {}, {}, {}
    for line, cells in enumerate(rows, start=2):
        if all(cell_text(c) is None for c in cells):
            continue
        if len(records) >= MAX_ROWS:
            raise RosterFileError(f"名册一次最多导入 {MAX_ROWS} 行，请分批导入。")
        raw = {key: cell_text(cells[i]) if i < len(cells) else None for i, key in columns.items()}
        row, row_errors = parse_row(line, raw, default_term)
        for key, seen, label in (("code", seen_codes, "代表编号"), ("phone", seen_phones, "手机号")):
            value = row.values.get(key)
            if value and value is not KEEP and key not in row_errors:
                if value in seen:
                    row_errors.setdefault(key, []).append(f"{label}与第 {seen[value]} 行重复。")
                else:
                    seen[value] = line
        if row_errors:
            errors[line] = {HEADERS[key]: messages for key, messages in row_errors.items()}
        records.append(row)
    if not records:
        raise RosterFileError("名册中没有代表数据。")
    return records, errors


def header_keys(header):
    """Column index → key; refuses a file without the required columns."""
    if not header:
        raise RosterFileError("名册为空。")
    known = {h: key for h, key, _ in COLUMNS} | ALIASES
    columns = {}
    for index, cell in enumerate(header):
        name = re.sub(r"[\s*]|[（(].*[)）]$", "", cell_text(cell) or "")
        key = known.get(name)
        if key in columns.values():
            raise RosterFileError(f"名册中“{HEADERS[key]}”列重复。")
        if key:
            columns[index] = key
    missing = [HEADERS[key] for key in REQUIRED if key not in columns.values()]
    if missing:
        raise RosterFileError(f"名册缺少必需的列：{'、'.join(missing)}。")
    return columns


def parse_row(line, raw, default_term=None):
    values, links, errors = {}, {}, {}

    def fail(key, message):
        errors.setdefault(key, []).append(message)

    for key, value in raw.items():
        limit = LIMITS[key]
        if key in LIST_KEYS:
            names = tuple(dict.fromkeys(n.strip() for n in SEPARATORS.split(value or "") if n.strip()))
            if limit and any(len(n) > limit for n in names):
                fail(key, f"每项不能超过 {limit} 个字。")
            links[key] = names
            continue
        if value is None and key in REQUIRED:
            fail(key, "此项为必填项。")
        elif value is not None and limit and len(value) > limit:
            fail(key, f"不能超过 {limit} 个字。")
        values[key] = value
    if values.get("gender") and values["gender"] not in GENDERS:
        fail("gender", "性别须为“男”或“女”。")
    if "status" in values:
        values["status"] = values["status"] or STATUS_SERVING
        if values["status"] not in STATUSES:
            fail("status", "状态须为“在任”或“终止”。")
    if "grassroots" in values:
        flag = (values["grassroots"] or "否").upper()
        values["grassroots"] = flag in YES
        if flag not in YES | NO:
            fail("grassroots", "基层代表须填“是”或“否”。")
    if "term" in values:
        text = values["term"]
        values["term"] = parse_term(text) if text else default_term
        if values["term"] is None:
            fail("term", "届次应为数字，如 17 或“第十七届”。" if text else "届次为必填项。")
    if values.get("phone"):
        if MASKED_PHONE.match(values["phone"]):
            values["phone"] = KEEP
        else:
            values["phone"] = normalise_phone(values["phone"])
            if not PHONE_PATTERN.match(values["phone"]):
                fail("phone", "手机号格式不正确，应为 11 位手机号码。")
    return RosterRow(line, values, links), errors


def parse_term(text):
    """17, 第17届, 十七, 第十七届 → 17."""
    match = re.fullmatch(r"第?\s*([0-9]+|[零一二三四五六七八九十]+)\s*届?", text)
    term = match and (int(match.group(1)) if match.group(1).isdigit() else chinese_number(match.group(1)))
    return term if term and 1 <= term <= 99 else None


def chinese_number(text):
    if "十" not in text:
        return CHINESE_DIGITS.get(text) if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    tens_value = CHINESE_DIGITS.get(tens) if tens else 1
    ones_value = CHINESE_DIGITS.get(ones) if ones else 0
    return None if tens_value is None or ones_value is None else tens_value * 10 + ones_value


def check_references(records, known, create_missing=False):
    """Errors for names not in `known` ({"delegation": set, "groups": set, "stations": set}) and what to create."""
    errors, to_create = {}, {"delegation": set(), "groups": set()}
    for row in records:
        wanted = {"delegation": [row.values["delegation"]] if row.values.get("delegation") else []}
        wanted.update({key: row.links.get(key, ()) for key in ("groups", "stations")})
        for key, names in wanted.items():
            unknown = [n for n in names if n not in known[key]]
            if unknown and create_missing and key in to_create:
                to_create[key].update(unknown)
            elif unknown:
                label = {"delegation": "代表团", "groups": "代表小组", "stations": "联络站"}[key]
                errors.setdefault(row.line, {}).setdefault(HEADERS[key], []).append(
                    f"{label}不存在：{'、'.join(unknown)}。"
                )
    return errors, to_create


def merge(errors, more):
    for line, by_column in more.items():
        for column, messages in by_column.items():
            errors.setdefault(line, {}).setdefault(column, []).extend(messages)
    return errors


def report(errors):
    return [{"line": line, "errors": errors[line]} for line in sorted(errors)]


# Writing


def export_disposition(day):
    """The export's Content-Disposition: browsers take the UTF-8 name; the ASCII one is for the few that cannot."""
    return f"attachment; filename=\"deputies-{day}.xlsx\"; filename*=UTF-8''{quote(f'代表名册-{day}.xlsx')}"


def write_xlsx(records):
    """An .xlsx of roster rows (dicts keyed like COLUMNS); lists are joined with 、."""
    rows = ([export_cell(key, record.get(key)) for _, key, _ in COLUMNS] for record in records)
    return spreadsheets.write_xlsx([("代表名册", itertools.chain([[header for header, _, _ in COLUMNS]], rows))])


def export_cell(key, value):
    if key in LIST_KEYS:
        return "、".join(value or ())
    if key == "grassroots":
        return "是" if value else "否"
    return value
