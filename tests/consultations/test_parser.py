"""Numbering recognition: Chinese numerals, a law draft (编/章/节/条 and paragraphs), the deputy-work plans
(一、 / （一） / 1.), a .docx, and the preview endpoints staff import through."""
import io

import docx
import pytest

from api.common.errors import Invalid
from api.consultations.numbering import to_chinese, to_int
from api.consultations.parser import parse_docx, parse_text
from tests.consultations.conftest import LAW, URL, data_text
from tests.support import assert_error_shape


@pytest.mark.parametrize("text, value", [
    ("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("九十九", 99), ("一百", 100), ("一百零五", 105),
    ("一百一十", 110), ("一百二十三", 123), ("两百", 200), ("九百九十九", 999), ("12", 12), ("１２３", 123),
])
def test_chinese_numerals_up_to_the_hundreds(text, value):
    assert to_int(text) == value
    assert to_int(to_chinese(value)) == value


@pytest.mark.parametrize("text", ["", "三四", "条", "第一"])
def test_what_is_not_a_numeral(text):
    with pytest.raises(ValueError):
        to_int(text)


def articles(parsed):
    return [unit for unit in parsed["units"] if unit["kind"] == "article"]


def test_a_law_draft_with_chapters_sections_articles_and_paragraphs():
    parsed = parse_text(LAW)
    assert parsed["preamble"] == ["福州市城市绿化条例（草案）"]  # the table of contents is not the structure
    assert [(u["kind"], u["label"], u["heading"]) for u in parsed["units"] if u["kind"] != "article"] == [
        ("chapter", "第一章", "总 则"), ("chapter", "第二章", "规划与建设"), ("section", "第一节", "规 划"),
        ("section", "第二节", "建 设"), ("chapter", "第三章", "附 则"),
    ]
    assert [u["number"] for u in articles(parsed)] == [1, 2, 3, 4, 5, 6, 7]
    third = articles(parsed)[2]
    assert third["label"] == "第三条" and len(third["paragraphs"]) == 3
    assert third["paragraphs"][1] == "城市绿化主管部门负责本行政区域内的城市绿化管理工作。"
    fourth = articles(parsed)[3]  # its （一） items are paragraphs of the article, not sections
    items = ["（一）与国土空间总体规划相衔接；", "（二）合理布局公园绿地；", "（三）保护古树名木。"]
    assert fourth["paragraphs"][1:] == items
    assert parsed["warnings"] == []


def test_parts_and_articles_numbered_into_the_hundreds_with_references_left_alone():
    lines = ["第一编　总则", "第一章　一般规定"]
    lines += [f"第{to_chinese(n)}条　第{n}条的内容。" for n in range(1, 124)]
    lines += ["依照本法第三条的规定执行。", "第二编　物权", "第一章　通则", "第一百二十四条　物权的内容。"]
    parsed = parse_text("\n".join(lines))
    kinds = [(u["kind"], u["number"]) for u in parsed["units"] if u["kind"] != "article"]
    assert kinds == [("part", 1), ("chapter", 1), ("part", 2), ("chapter", 1)]  # chapters start again per part
    numbers = [u["number"] for u in articles(parsed)]
    assert numbers == list(range(1, 125))
    assert articles(parsed)[122]["label"] == "第一百二十三条"
    assert articles(parsed)[122]["paragraphs"] == ["第123条的内容。", "依照本法第三条的规定执行。"]
    assert parsed["warnings"] == []


def test_a_gap_in_a_law_numbering_is_kept_and_reported_for_the_preview():
    parsed = parse_text("第一条　甲。\n第三条　丙。")
    assert [u["number"] for u in articles(parsed)] == [1, 3]
    assert "第三条" in parsed["warnings"][0]


def test_the_npc_2023_plan_with_chapters_sections_and_items():
    parsed = parse_text(data_text("plan_npc_2023.txt"))
    headings = [(u["kind"], u["label"]) for u in parsed["units"] if u["kind"] != "article"]
    assert headings[:4] == [("chapter", "一、"), ("chapter", "二、"), ("section", "(一)"), ("section", "(二)")]
    assert len([h for h in headings if h[0] == "chapter"]) == 8
    assert [u["number"] for u in articles(parsed)] == list(range(1, 41))  # items run on across chapters
    assert articles(parsed)[0]["paragraphs"][0].startswith("做好十四届全国人大代表选举工作。")
    assert parsed["warnings"] == []


def test_the_fuzhou_plan_whose_items_start_again_under_each_chapter():
    parsed = parse_text(data_text("plan_fuzhou_2025.txt"))
    chapters = [u for u in parsed["units"] if u["kind"] == "chapter"]
    assert [c["label"] for c in chapters] == ["一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、", "九、"]
    assert chapters[0]["heading"] == "牢固树立政治理想，正确把握政治方向"
    assert [u["number"] for u in articles(parsed)][:6] == [1, 2, 3, 1, 2, 3]
    # A paragraph the PDF conversion broke over two lines is one paragraph again.
    second = articles(parsed)[1]["paragraphs"]
    assert len(second) == 1 and "践行全过程人民民主中的重要作用" in second[0]


def test_the_npc_2025_plan_with_full_width_numbers_and_swapped_items_warns():
    parsed = parse_text(data_text("plan_npc_2025.txt"))
    numbers = [u["number"] for u in articles(parsed)]
    assert sorted(numbers) == list(range(1, 36))  # every item found, 8 before 7 as printed
    assert numbers.index(8) < numbers.index(7)
    assert any("７" in warning for warning in parsed["warnings"])
    # "２０２５年是…" in the introduction is not item 2025.
    assert parsed["preamble"] and all(u["number"] < 100 for u in articles(parsed))


def make_docx(paragraphs):
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_docx_draft_each_word_paragraph_a_paragraph():
    data = make_docx(["某某条例（草案）", "第一章", "总则", "第一条　为了规范管理，制定本条例。",
                      "本条例适用于本市", "第二条　市人民政府负责组织实施。"])
    parsed = parse_docx(data)
    assert parsed["units"][0] == {"kind": "chapter", "number": 1, "label": "第一章", "heading": "总则",
                                  "paragraphs": []}
    first = articles(parsed)[0]
    assert first["paragraphs"] == ["为了规范管理，制定本条例。", "本条例适用于本市"]  # never joined in Word


def test_text_without_numbering_is_refused():
    with pytest.raises(Invalid):
        parse_text("没有编号的一段文字。")


def test_the_preview_endpoints(login_as):
    staff = login_as("staff")
    parsed = staff.post(f"{URL}/parse", json={"text": LAW})
    assert parsed.status_code == 200 and len(articles(parsed.get_json())) == 7
    upload = staff.post(f"{URL}/parse-docx", data={"file": (io.BytesIO(make_docx(["第一条　内容。"])), "a.docx")},
                        content_type="multipart/form-data")
    assert upload.status_code == 200, upload.get_json()
    assert articles(upload.get_json())[0]["paragraphs"] == ["内容。"]
    bad = staff.post(f"{URL}/parse-docx", data={"file": (io.BytesIO(b"not a zip"), "a.docx")},
                     content_type="multipart/form-data")
    assert "docx" in assert_error_shape(bad, 422)["message"]
    assert_error_shape(staff.post(f"{URL}/parse", json={"text": "无编号"}), 422)
    assert_error_shape(login_as("deputy").post(f"{URL}/parse", json={"text": LAW}), 403)
