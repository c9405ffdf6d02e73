"""一人一函: a template with {{merge fields}}, filled per deputy from the roster and an uploaded sheet."""
import csv
import html
import io
import re
from collections import Counter

from peewee import JOIN

from api.common.audit import record
from api.common.errors import Conflict, Invalid
from api.common.html import sanitise
from api.deputies import audience as audiences
from api.deputies.models import Deputy
from api.extensions import db
from api.files import services as files
from api.files.models import StoredFile
from api.notices.models import LetterMergeRow, Notice
from api.org.models import Delegation

PLACEHOLDER = re.compile(r"\{\{\s*([^{}\s][^{}]*?)\s*\}\}")
KEY_COLUMN = "代表编号"
# Filled from the roster, never from the sheet: a letter must carry the deputy's real name.
BUILT_IN = ("姓名", "代表团", "代表编号")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TYPES = {XLSX, "text/csv", "text/plain"}
MAX_REPORTED = 100


def merge_fields(template):
    return list(dict.fromkeys(PLACEHOLDER.findall(template or "")))


def values_for(deputy_name, delegation_name, code, row):
    values = dict(row or {})
    values.update({"姓名": deputy_name, "代表团": delegation_name, "代表编号": code})
    return values


def render(template, values):
    """The merged HTML and the fields this deputy has no value for.

    Every value goes in as text (HTML-escaped), and the merged result is sanitised again: a value
    can still be harmful where the template puts it inside an attribute (`<a href="{{链接}}">` with
    `javascript:...`), which only a pass over the finished HTML can see.
    """
    missing = []

    def fill(match):
        name = match.group(1)
        value = values.get(name)
        if value is None or str(value).strip() == "":
            missing.append(name)
            return match.group(0)
        return html.escape(str(value))

    merged = PLACEHOLDER.sub(fill, template or "")
    return sanitise(merged), list(dict.fromkeys(missing))


def recipients_with_values(notice, deputy_ids_query):
    """(deputy_id, code, name, values) for each deputy of the query, with their merge row if any."""
    rows = (
        Deputy.select(Deputy.id, Deputy.code, Deputy.name, Delegation.name.alias("delegation"), LetterMergeRow.data)
        .join(Delegation)
        .switch(Deputy)
        .join(
            LetterMergeRow,
            join_type=JOIN.LEFT_OUTER,
            on=((LetterMergeRow.deputy == Deputy.id) & (LetterMergeRow.notice == notice.id)),
        )
        .where(Deputy.id.in_(deputy_ids_query))
        .order_by(Deputy.code)
        .tuples()
    )
    for deputy_id, code, name, delegation, data in rows:
        yield deputy_id, code, name, values_for(name, delegation, code, data)


def render_all(notice, deputy_ids_query):
    """Every recipient's letter, or 422 listing what each deputy lacks."""
    letters, problems, lacking = [], [], 0
    for deputy_id, code, name, values in recipients_with_values(notice, deputy_ids_query):
        body, missing = render(notice.body, values)
        if missing:
            lacking += 1
            if len(problems) < MAX_REPORTED:
                problems.append(f"{name}（{code}）缺少：{'、'.join(missing)}")
        else:
            letters.append((deputy_id, body))
    if lacking:
        if lacking > len(problems):
            problems.append(f"另有 {lacking - len(problems)} 位代表缺少合并字段。")
        raise Invalid(f"{lacking} 位代表的函件缺少合并字段，请补全合并数据。", errors={"merge_fields": problems})
    return letters


def preview(notice, deputy_id):
    deputy = Deputy.select(Deputy, Delegation).join(Delegation).where(Deputy.id == deputy_id).get()
    row = LetterMergeRow.get_or_none((LetterMergeRow.notice == notice.id) & (LetterMergeRow.deputy == deputy.id))
    values = values_for(deputy.name, deputy.delegation.name, deputy.code, row.data if row else None)
    body, missing = render(notice.body, values)
    return {"deputy_id": deputy.id, "name": deputy.name, "title": notice.title, "body": body, "missing": missing}


# --- merge data ---


def read_sheet(file_id):
    """Header and rows of an uploaded xlsx or csv (UTF-8, or GBK as Excel in Chinese saves it)."""
    stored = StoredFile.get_or_none(StoredFile.id == file_id)
    if stored is None:
        raise Invalid("合并数据文件不存在。", errors={"file_id": ["文件不存在。"]})
    if stored.content_type not in SHEET_TYPES:
        raise Invalid("合并数据须为 xlsx 或 csv 文件。", errors={"file_id": ["仅支持 xlsx 或 csv。"]})
    with files.storage().open(stored.storage_key) as handle:
        content = handle.read()
    if stored.content_type == XLSX:
        return _read_xlsx(content)
    return _read_csv(content)


def _read_xlsx(content):
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001  (openpyxl raises many kinds on a damaged file)
        raise Invalid("无法读取该 xlsx 文件。", errors={"file_id": ["文件已损坏或不是 xlsx。"]}) from None
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    return _table(rows)


def _read_csv(content):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise Invalid("无法识别 csv 文件的编码。", errors={"file_id": ["请用 UTF-8 或 GBK 编码保存。"]})
    return _table(list(csv.reader(io.StringIO(text))))


def _cell(value):
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 12.0 from a spreadsheet is the number the author typed
    return str(value).strip()


def _table(rows):
    rows = [row for row in rows if row and any(_cell(c) for c in row)]
    if not rows:
        raise Invalid("合并数据为空。", errors={"file_id": ["文件中没有数据。"]})
    header = [_cell(c) or "" for c in rows[0]]
    records = []
    for row in rows[1:]:
        cells = [_cell(c) for c in row]
        records.append({name: cells[i] if i < len(cells) else None for i, name in enumerate(header) if name})
    return records


def replace_merge_data(notice, data):
    """Replace a letter's merge data; whether its state still allows that is the caller's question
    to the workflow (api/notices/services.py)."""
    if not notice.is_letter:
        raise Conflict("只有一人一函需要合并数据。")
    records = read_sheet(data["file_id"]) if "file_id" in data else data["rows"]
    with db.atomic():
        summary = store_merge_rows(notice, records)
        detail = {"rows": summary["rows"], "file_id": data.get("file_id")}
        record("notice.merge_data", "notice", notice.id, detail=detail)
    return summary


def duplicate_codes(codes):
    """Codes that occur more than once, sorted: one counting pass (200k rows stay linear)."""
    return sorted(code for code, seen in Counter(codes).items() if seen > 1)


def store_merge_rows(notice, records):
    """Replace the notice's merge data; every row must name an existing deputy, once."""
    if not records:
        raise Invalid("合并数据为空。", errors={"rows": ["没有数据行。"]})
    codes = [str(_cell(record.get(KEY_COLUMN)) or "") for record in records]
    if not all(codes):
        lines = "、".join(str(i + 2) for i, code in enumerate(codes) if not code)  # +2: the header is line 1
        raise Invalid(f"每一行都须填写“{KEY_COLUMN}”。", errors={KEY_COLUMN: [f"缺少代表编号的行：{lines}"]})
    duplicates = duplicate_codes(codes)
    if duplicates:
        raise Invalid("代表编号重复。", errors={KEY_COLUMN: [f"重复：{', '.join(duplicates[:20])}"]})
    by_code = {}
    for start in range(0, len(codes), 500):
        chunk = codes[start : start + 500]
        by_code.update(dict(Deputy.select(Deputy.code, Deputy.id).where(Deputy.code.in_(chunk)).tuples()))
    unknown = [code for code in codes if code not in by_code]
    if unknown:
        raise Invalid("有代表编号不在代表名册中。", errors={KEY_COLUMN: [f"不存在：{', '.join(unknown[:20])}"]})
    columns = list(dict.fromkeys(k for record in records for k in record if k != KEY_COLUMN))
    rows = [
        {"notice": notice.id, "deputy": by_code[code], "data": {k: _cell(v) for k, v in r.items() if k != KEY_COLUMN}}
        for code, r in zip(codes, records, strict=True)
    ]
    with db.atomic():
        LetterMergeRow.delete().where(LetterMergeRow.notice == notice.id).execute()
        for start in range(0, len(rows), 500):
            LetterMergeRow.insert_many(rows[start : start + 500]).execute()
        Notice.update(merge_columns=columns).where(Notice.id == notice.id).execute()
    notice.merge_columns = columns
    return {"rows": len(rows), "columns": columns}


def candidates(notice, text=None, limit=50):
    """Deputies the letter would go to (name or code containing `text`), to pick one for a preview."""
    query = (
        Deputy.select(Deputy.id, Deputy.code, Deputy.name, Delegation.name.alias("delegation"))
        .join(Delegation)
        .where(Deputy.id.in_(audiences.deputy_ids_query(notice.audience)))
        .order_by(Deputy.code)
        .limit(limit)
    )
    if text:
        query = query.where(Deputy.name.contains(text) | Deputy.code.contains(text))
    return list(query.dicts())
