"""The roster parser on its own: no database, no HTTP."""
import pytest

from api.common import spreadsheets
from api.deputies import roster

HEADER = ("代表编号", "姓名", "性别", "代表团")


def parse(*rows, header=HEADER, default_term=17):
    return roster.parse([header, *rows], default_term)


@pytest.mark.parametrize(
    ("text", "term"),
    [("17", 17), ("第17届", 17), ("十七", 17), ("第十七届", 17), ("第十届", 10), ("二十一", 21), ("一", 1),
     ("0", None), ("100", None), ("十十", None), ("二三", None), ("十七届代表", None)],
)
def test_terms_in_digits_or_chinese(text, term):
    assert roster.parse_term(text) == term


def test_headers_may_carry_marks_notes_and_aliases():
    columns = roster.header_keys(["代表编号*", " 姓名 ", "性别", "选举单位", "手机号（选填）", "行业", "备注"])
    assert columns == {0: "code", 1: "name", 2: "gender", 3: "delegation", 4: "phone", 5: "sector"}


@pytest.mark.parametrize(
    ("header", "message"),
    [(("姓名", "性别", "代表团"), "代表编号"), (HEADER + ("界别", "行业"), "重复"), ((), "为空")],
)
def test_bad_headers_refuse_the_file(header, message):
    with pytest.raises(roster.RosterFileError, match=message):
        roster.parse([header] if header else [])


def test_blank_rows_are_skipped_but_keep_their_line_numbers():
    records, errors = parse(("A1", "张伟", "男", "鼓楼"), (None, "", "  ", None), ("A2", "", "男", "鼓楼"))
    assert [r.line for r in records] == [2, 4]
    assert errors == {4: {"姓名": ["此项为必填项。"]}}


def test_only_the_columns_present_are_set():
    records, _ = parse(("A1", "张伟", "男", "鼓楼"))
    assert records[0].values == {"code": "A1", "name": "张伟", "gender": "男", "delegation": "鼓楼"}
    assert records[0].links == {}


def test_lists_split_on_the_usual_separators_and_lose_duplicates():
    header = (*HEADER, "联络站", "专业领域")
    cells = ("A1", "张伟", "男", "鼓楼", "东街站；南街站;西街站、东街站", "法律，教育,  经济")
    records, errors = parse(cells, header=header)
    assert records[0].links == {"stations": ("东街站", "南街站", "西街站"), "fields": ("法律", "教育", "经济")}
    assert errors == {}


def test_values_are_checked_and_reported_under_their_headers():
    header = (*HEADER, "状态", "基层代表", "手机号", "届次")
    _, errors = parse(("A1", "张伟", "女士", "鼓楼", "离任", "也许", "1234", "第x届"), header=header)
    assert set(errors[2]) == {"性别", "状态", "基层代表", "手机号", "届次"}


def test_defaults_for_blank_optional_cells():
    header = (*HEADER, "状态", "基层代表", "届次", "手机号")
    records, errors = parse(("A1", "张伟", "男", "鼓楼", None, None, None, None), header=header, default_term=18)
    assert errors == {}
    assert records[0].values == {
        "code": "A1", "name": "张伟", "gender": "男", "delegation": "鼓楼",
        "status": "在任", "grassroots": False, "term": 18, "phone": None,
    }
    _, no_term = parse(("A1", "张伟", "男", "鼓楼", None, None, None, None), header=header, default_term=None)
    assert no_term == {2: {"届次": ["届次为必填项。"]}}


def test_duplicate_codes_and_phones_point_at_the_first_line():
    _, errors = parse(
        ("A1", "张伟", "男", "鼓楼", "13900000001"),
        ("A2", "王强", "男", "鼓楼", "13900000002"),
        ("A1", "李芳", "女", "鼓楼", "139 0000 0001"),
        header=(*HEADER, "手机号"),
    )
    assert errors == {4: {"代表编号": ["代表编号与第 2 行重复。"], "手机号": ["手机号与第 2 行重复。"]}}


def test_a_masked_phone_means_keep_the_one_on_record():
    records, errors = parse(("A1", "张伟", "男", "鼓楼", "139****0001"), header=(*HEADER, "手机号"))
    assert errors == {} and records[0].values["phone"] is roster.KEEP


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, None), ("  ", None), (17001.0, "17001"), (13900000001, "13900000001"), (True, "是"), (" 张伟 ", "张伟")],
)
def test_cell_text(value, text):
    assert spreadsheets.cell_text(value) == text


def test_references_are_checked_against_known_names():
    header = (*HEADER, "代表小组", "联络站")
    records, _ = parse(("A1", "张伟", "男", "鼓楼", "一组、二组", "东街站"), header=header)
    known = {"delegation": {"台江"}, "groups": {"一组"}, "stations": set()}
    errors, to_create = roster.check_references(records, known)
    assert errors[2] == {
        "代表团": ["代表团不存在：鼓楼。"],
        "代表小组": ["代表小组不存在：二组。"],
        "联络站": ["联络站不存在：东街站。"],
    }
    assert list(errors) == [2]
    errors, to_create = roster.check_references(records, known, create_missing=True)
    assert errors == {2: {"联络站": ["联络站不存在：东街站。"]}}
    assert to_create == {"delegation": {"鼓楼"}, "groups": {"二组"}}

