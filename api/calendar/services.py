"""The calendar's overrides: their CRUD and Excel import, and the source the working-day rules read them from."""
import datetime as dt
import logging
import re
import threading
import uuid

from peewee import SQL, chunked, fn

from api.calendar.models import CalendarDay, CalendarYear
from api.common import calendar as rules
from api.common.audit import record
from api.common.errors import Conflict, Invalid, NotFound
from api.common.redis import REDIS_ERRORS

# The spreadsheet reader is the roster's (api/deputies/roster.py) until it moves to api/common; reuse, not a copy.
from api.common.spreadsheets import NO, YES, SheetError, cell_text, read_table
from api.extensions import db, redis_store

log = logging.getLogger("deputyhub.calendar")

GENERATION_KEY = "calendar:generation"
BATCH = 500
MAX_IMPORT_ROWS = 2000
HEADERS = {"日期": "day", "是否工作日": "is_working_day", "备注": "note"}
LABELS = {key: header for header, key in HEADERS.items()}
NOTE_LIMIT = 100


# The source the working-day rules read (registered below, as the app imports this module)


class DatabaseOverrides:
    """Overrides per year, cached in this process until any process writes.

    Every write replaces a random generation token in Redis after it commits; a reader compares the token
    it cached a year under with the current one (one GET per calculation). A flushed or restarted Redis
    gets a fresh token, so it can only cause a reload, never a stale answer. Without Redis, every
    calculation reads the database.
    """

    def __init__(self):
        self.cache = {}
        self.lock = threading.Lock()

    def year(self, year):
        generation = current_generation()
        with self.lock:
            hit = self.cache.get(year)
        if generation is not None and hit is not None and hit[0] == generation:
            return hit[1]
        loaded = load_year(year)
        if generation is not None:
            with self.lock:
                self.cache[year] = (generation, loaded)
        return loaded


def load_year(year):
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    days = CalendarDay.select(CalendarDay.day, CalendarDay.is_working_day).where(CalendarDay.day.between(start, end))
    maintained = CalendarYear.select().where(CalendarYear.year == year).exists()
    return rules.YearRules(days=dict(days.tuples()), maintained=maintained)


def current_generation():
    try:
        token = redis_store.get(GENERATION_KEY)
        if token is None:
            redis_store.set(GENERATION_KEY, uuid.uuid4().hex, nx=True)
            token = redis_store.get(GENERATION_KEY)
        return token
    except REDIS_ERRORS as exc:
        log.warning("calendar generation unavailable; reading the database", extra={"error": type(exc).__name__})
        return None


def changed():
    try:
        redis_store.set(GENERATION_KEY, uuid.uuid4().hex)
    except REDIS_ERRORS as exc:
        # Other processes keep their cached years until Redis is back and the next write; say so loudly.
        log.error("calendar change not announced to other processes", extra={"error": type(exc).__name__})


OVERRIDES = DatabaseOverrides()
# api/common cannot import this domain, so the domain hands it the source; create_app imports every module.
rules.use_overrides(OVERRIDES)


# Override rows


def search(args):
    query = CalendarDay.select().order_by(CalendarDay.day)
    if args.get("year") is not None:
        query = query.where(CalendarDay.day.between(dt.date(args["year"], 1, 1), dt.date(args["year"], 12, 31)))
    if args.get("is_working_day") is not None:
        query = query.where(CalendarDay.is_working_day == args["is_working_day"])
    return query


def get_day(day_id):
    return CalendarDay.get_by_id(day_id)


def create(data):
    if CalendarDay.select().where(CalendarDay.day == data["day"]).exists():
        raise Conflict("该日期已有设置，请直接修改。", errors={"day": ["该日期已有设置。"]})
    with db.atomic():
        row = CalendarDay.create(**data)
        record("calendar.day.create", "calendar_day", row.id, detail=_detail(row))
    changed()
    return row


def update(row, data):
    moving = "day" in data and data["day"] != row.day
    if moving and CalendarDay.select().where(CalendarDay.day == data["day"]).exists():
        raise Conflict("该日期已有设置。", errors={"day": ["该日期已有设置。"]})
    for key, value in data.items():
        setattr(row, key, value)
    row.updated_at = dt.datetime.now(dt.timezone.utc)
    with db.atomic():
        row.save()
        record("calendar.day.update", "calendar_day", row.id, detail=_detail(row))
    changed()
    return row


def delete(row):
    with db.atomic():
        row.delete_instance()
        record("calendar.day.delete", "calendar_day", row.id, detail=_detail(row))
    changed()


def _detail(row):
    return {"day": row.day.isoformat(), "is_working_day": row.is_working_day}


# Years


def years():
    """Every year anyone may ask about: built in, maintained by staff, or with overrides; with its status."""
    maintained = {row.year: row for row in CalendarYear.select()}
    # The year as text works alike on SQLite (dates stored as text) and PostgreSQL.
    year_of = fn.SUBSTR(CalendarDay.day.cast("TEXT"), 1, 4)
    # By position: PostgreSQL would not match the parameterised expression in GROUP BY to the selected one.
    grouped = CalendarDay.select(year_of, fn.COUNT(CalendarDay.id)).group_by(SQL("1"))
    counts = {int(year): count for year, count in grouped.tuples()}
    every = sorted(set(rules.BUILTIN_YEARS) | set(maintained) | set(counts))
    return [
        {
            "year": year,
            "builtin": rules.builtin_covers(year),
            "maintained": year in maintained,
            "usable": rules.builtin_covers(year) or year in maintained,
            "overrides": counts.get(year, 0),
            "note": maintained[year].note if year in maintained else None,
        }
        for year in every
    ]


def checked_year(year):
    if not 2000 <= year <= 2100:
        raise Invalid("年份超出范围。", errors={"year": ["年份须在 2000 至 2100 之间。"]})
    return year


def maintain_year(year, note=None):
    """Staff declare a year entered completely: dates not overridden then follow the weekend rule."""
    with db.atomic():
        row = CalendarYear.get_or_none(CalendarYear.year == year)
        if row is None:
            row = CalendarYear.create(year=year, note=note)
        else:
            CalendarYear.update(note=note).where(CalendarYear.id == row.id).execute()
        record("calendar.year.maintain", "calendar_year", year, detail={"note": note})
    changed()
    return next(status for status in years() if status["year"] == year)


def unmaintain_year(year):
    with db.atomic():
        if not CalendarYear.delete().where(CalendarYear.year == year).execute():
            raise NotFound("该年份未标记为已维护。")
        record("calendar.year.unmaintain", "calendar_year", year)
    changed()


# Questions clients ask


def due_date(start, days):
    due = rules.add_working_days(start, days)
    return {
        "start": rules.local_date(start),
        "days": days,
        "due": due,
        "start_is_working_day": rules.is_working_day(start),
    }


# Excel import


def import_days(data, filename="", dry_run=False, complete_years=False):
    """Every row checked and every bad row reported; then all applied (created or updated by date), or none."""
    try:
        table = read_table(data, filename)
    except SheetError as exc:
        raise Invalid(exc.message, errors={"file": [exc.message]}) from exc
    parsed, errors = parse_rows(table)
    if errors:
        raise Invalid(
            f"日历中有 {len(errors)} 行数据有误，未导入任何数据。",
            errors={"rows": [{"line": line, "errors": errors[line]} for line in sorted(errors)]},
        )
    existing = {}
    for chunk in chunked([row["day"] for row in parsed], BATCH):
        existing.update({row.day: row for row in CalendarDay.select().where(CalendarDay.day.in_(chunk))})
    creates = [row for row in parsed if row["day"] not in existing]
    updates = [
        row
        for row in parsed
        if row["day"] in existing
        and (existing[row["day"]].is_working_day, existing[row["day"]].note) != (row["is_working_day"], row["note"])
    ]
    year_list = sorted({row["day"].year for row in parsed}) if complete_years else []
    result = {
        "dry_run": dry_run,
        "rows": len(parsed),
        "created": len(creates),
        "updated": len(updates),
        "unchanged": len(parsed) - len(creates) - len(updates),
        "maintained_years": year_list,
    }
    with db.atomic():
        if not dry_run:
            _apply(creates, updates, existing, year_list)
        record("calendar.import", "calendar_day", None, detail=result)
    if not dry_run:
        changed()
    return result


def _apply(creates, updates, existing, year_list):
    now = dt.datetime.now(dt.timezone.utc)
    for chunk in chunked([dict(row, created_at=now, updated_at=now) for row in creates], BATCH):
        CalendarDay.insert_many(chunk).execute()
    instances = [
        CalendarDay(id=existing[row["day"]].id, is_working_day=row["is_working_day"], note=row["note"], updated_at=now)
        for row in updates
    ]
    if instances:
        CalendarDay.bulk_update(instances, ["is_working_day", "note", "updated_at"], batch_size=100)
    known = CalendarYear.select(CalendarYear.year).where(CalendarYear.year.in_(year_list))
    known = {year for (year,) in known.tuples()}
    fresh = [{"year": year, "note": "由日历导入", "created_at": now} for year in year_list if year not in known]
    if fresh:
        CalendarYear.insert_many(fresh).execute()


def parse_rows(table):
    """([{day, is_working_day, note}], {line: {header: [message]}}); line 1 is the header row."""
    rows = iter(table)
    columns = _columns(next(rows, None))
    parsed, errors, seen = [], {}, {}
    for line, cells in enumerate(rows, start=2):
        raw = {key: cells[index] if index < len(cells) else None for index, key in columns.items()}
        if all(cell_text(value) is None for value in raw.values()):
            continue
        if len(parsed) >= MAX_IMPORT_ROWS:
            raise Invalid(f"日历一次最多导入 {MAX_IMPORT_ROWS} 行。", errors={"file": ["行数过多。"]})
        row, row_errors = _parse_row(raw)
        if "day" in row and row["day"] in seen:
            row_errors.setdefault("day", []).append(f"日期与第 {seen[row['day']]} 行重复。")
        elif "day" in row:
            seen[row["day"]] = line
        if row_errors:
            errors[line] = {LABELS[key]: messages for key, messages in row_errors.items()}
        parsed.append(row)
    if not parsed:
        raise Invalid("日历文件中没有数据。", errors={"file": ["日历文件中没有数据。"]})
    return parsed, errors


def _columns(header):
    if not header:
        raise Invalid("日历文件为空。", errors={"file": ["日历文件为空。"]})
    columns = {}
    for index, cell in enumerate(header):
        key = HEADERS.get(re.sub(r"[\s*]", "", cell_text(cell) or ""))
        if key:
            columns[index] = key
    missing = [header for header, key in HEADERS.items() if key != "note" and key not in columns.values()]
    if missing:
        message = f"日历文件缺少必需的列：{'、'.join(missing)}。"
        raise Invalid(message, errors={"file": [message]})
    return columns


def _parse_row(raw):
    row, errors = {"note": cell_text(raw.get("note"))}, {}
    day = parse_day(raw.get("day"))
    if day is None:
        errors["day"] = ["日期格式不正确，应为 2026-10-01 或 2026年10月1日。"]
    else:
        row["day"] = day
    flag = (cell_text(raw.get("is_working_day")) or "").upper()
    if flag in YES | NO:
        row["is_working_day"] = flag in YES
    else:
        errors["is_working_day"] = ["是否工作日须填“是”或“否”。"]
    if row["note"] and len(row["note"]) > NOTE_LIMIT:
        errors["note"] = [f"备注不能超过 {NOTE_LIMIT} 个字。"]
    return row, errors


DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_day(value):
    """A date from an Excel date cell or text such as 2026-10-01, 2026/10/1 or 2026年10月1日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = DATE_TEXT.match(cell_text(value) or "")
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return None
