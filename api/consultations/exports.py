"""Exports for staff: the collected opinions as Excel, and the report by article for the legislative
affairs committee (法制工作委员会) as .docx: each article's text, its opinions, their outcomes and reasons."""
import io

from api.common.spreadsheets import write_xlsx
from api.common.timezone import LOCAL_TZ
from api.consultations import parser
from api.consultations.models import MERGED, OPINION_LABELS, WITHDRAWN, Opinion
from api.consultations.opinions import signers_of
from api.consultations.services import units_of
from api.consultations.study import opinions_query

HEADER = ["编号", "条文", "款", "版本", "提出人", "联名代表小组", "联名代表", "意见内容", "状态", "研究结果说明",
          "合并到", "提交时间"]


def _local(moment):
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if moment else ""


def _opinions(consultation):
    rows = list(opinions_query(consultation, {}).where(Opinion.state != WITHDRAWN))
    return rows, signers_of([row.id for row in rows if row.group_id])


def opinions_xlsx(consultation):
    rows, signers = _opinions(consultation)

    def lines():
        yield HEADER
        for row in rows:
            yield [
                row.id, row.unit_label or "草案整体", row.paragraph or "", row.version, row.deputy_name,
                row.group_name or "", "、".join(s["name"] for s in signers.get(row.id, [])), row.content,
                OPINION_LABELS[row.state], row.outcome_reason or "", row.merged_into_id or "", _local(row.created_at),
            ]

    return write_xlsx([("意见汇总", lines())])


def report_docx(consultation):
    """The report by article (current version): text, then each opinion with its outcome and reason."""
    import docx  # python-docx

    rows, signers = _opinions(consultation)
    by_unit = {}
    for row in rows:
        if row.state != WITHDRAWN:
            by_unit.setdefault(row.unit_id, []).append(row)
    document = docx.Document()
    document.add_heading(f"《{consultation.title}》征求代表意见情况报告", level=0)
    total = sum(len(items) for items in by_unit.values())
    document.add_paragraph(f"征求意见时间：{_local(consultation.opens_at)} 至 {_local(consultation.closes_at)}；"
                           f"共收到代表意见 {total} 条。")
    _opinion_block(document, "对草案整体的意见", by_unit.get(None, []), signers)
    units = units_of(consultation)
    labels_of_version = {unit.id for unit in units}
    for unit in units:
        if unit.kind != parser.ARTICLE:
            document.add_heading(f"{unit.label} {unit.heading}".strip(), level=1 if unit.kind != "section" else 2)
            continue
        document.add_heading(unit.label, level=3)
        for paragraph in unit.paragraphs:
            document.add_paragraph(paragraph)
        _opinion_block(document, None, by_unit.get(unit.id, []), signers)
    older = [row for unit_id, items in by_unit.items() if unit_id and unit_id not in labels_of_version
             for row in items]
    if older:
        _opinion_block(document, "对此前版本条文的意见", older, signers)
    buffer = io.BytesIO()
    document.save(buffer)
    buffer.seek(0)
    return buffer


def _opinion_block(document, title, rows, signers):
    if title:
        document.add_heading(title, level=2)
    if not rows:
        document.add_paragraph("（无意见）")
        return
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("提出人", "意见", "研究结果", "说明"), strict=True):
        cell.text = text
    for row in rows:
        author = row.deputy_name
        if row.group_name:
            names = "、".join(s["name"] for s in signers.get(row.id, []))
            author = f"{row.group_name}（联名：{names}）"
        where = f"第{row.paragraph}款：" if row.paragraph else ""
        outcome = OPINION_LABELS[row.state]
        if row.state == MERGED:
            outcome = f"已合并到意见 {row.merged_into_id}"
        cells = table.add_row().cells
        for cell, text in zip(cells, (author, where + row.content, outcome, row.outcome_reason or ""), strict=True):
            cell.text = text
