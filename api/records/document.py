"""The 述职 document: a docxtpl template (staff may upload their own) filled with figures from the record.

The built-in template is written with python-docx when first needed, so there is no binary in the
repository and staff can download it as the starting point of their own. Template variables:
deputy_name, deputy_code, delegation, year, total, figures (label, count), sections (section, count),
activities / highlights (date, title), suggestions (title, answer, rating), generated_on.
"""
import functools
import io
import zipfile

import docx
from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from jinja2 import TemplateError

from api.common.errors import Invalid

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_BYTES = 5 * 1024 * 1024


@functools.lru_cache(maxsize=1)
def builtin_template():
    document = docx.Document()
    document.add_heading("{{ deputy_name }}代表{{ year }}年度履职情况报告", level=1)
    document.add_paragraph(
        "（{{ delegation }}，代表编号 {{ deputy_code }}；草稿生成于 {{ generated_on }}，请代表本人修改后使用）"
    )
    document.add_heading("一、履职概况", level=2)
    document.add_paragraph("{{ year }}年，本人共有履职记录 {{ total }} 项，分类如下：")
    table = document.add_table(rows=4, cols=2)
    table.style = "Table Grid"
    table.cell(0, 0).text, table.cell(0, 1).text = "履职类别", "次数"
    table.cell(1, 0).text = "{%tr for row in figures %}"
    table.cell(2, 0).text, table.cell(2, 1).text = "{{ row.label }}", "{{ row.count }}"
    table.cell(3, 0).text = "{%tr endfor %}"
    document.add_heading("二、参加的主要活动", level=2)
    document.add_paragraph("{%p for item in highlights %}")
    document.add_paragraph("{{ item.date }}　{{ item.label }}：{{ item.title }}")
    document.add_paragraph("{%p endfor %}")
    document.add_heading("三、提出的建议及办理情况", level=2)
    document.add_paragraph("{%p if suggestions %}")
    document.add_paragraph("{%p for s in suggestions %}")
    document.add_paragraph("《{{ s.title }}》{% if s.answer %}　答复：{{ s.answer }}{% endif %}"
                           "{% if s.rating %}　评价：{{ s.rating }}{% endif %}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p else %}")
    document.add_paragraph("本年度暂无建议记录。")
    document.add_paragraph("{%p endif %}")
    document.add_heading("四、存在的不足和今后的打算", level=2)
    document.add_paragraph("（请代表本人填写）")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def check_docx(data, key="file"):
    """422 unless the bytes are a Word document python-docx can open (and not a zip bomb of a size)."""
    if not data or len(data) > MAX_BYTES:
        raise Invalid(errors={key: [f"请上传不超过 {MAX_BYTES // (1024 * 1024)} MB 的 .docx 文件。"]})
    try:
        docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise Invalid(errors={key: ["不是有效的 Word（.docx）文件。"]}) from exc
    return data


def render(template_bytes, context):
    try:
        template = DocxTemplate(io.BytesIO(template_bytes))
        template.render(context, autoescape=True)
    except TemplateError as exc:
        raise Invalid("述职模板有误，无法生成。", errors={"template": [str(exc)[:200]]}) from exc
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def check_template(data):
    """A template is accepted only if it renders with an empty record (caught now, not at generation)."""
    check_docx(data)
    render(data, sample_context())
    return data


def sample_context():
    return {
        "deputy_name": "示例", "deputy_code": "D0001", "delegation": "示例代表团", "year": 2025, "total": 1,
        "figures": [{"label": "参加代表活动", "count": 1}], "sections": [{"section": "闭会期间活动", "count": 1}],
        "highlights": [{"date": "2025-01-01", "label": "参加代表活动", "title": "示例活动"}],
        "suggestions": [{"title": "示例建议", "answer": "已采纳", "rating": "满意"}], "generated_on": "2025-12-31",
    }


def paragraphs_and_cells(data):
    """All the text of a .docx, paragraphs then table cells (for reading a document back)."""
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts.append("\t".join(cell.text for cell in row.cells))
    return texts
