"""一人一函: merge fields from the roster and an uploaded sheet, previews, and one private letter each."""
import io

import openpyxl
import pytest

from tests import factories
from tests.notices.conftest import URL
from tests.support import assert_error_shape

TEMPLATE = "<p>{{姓名}}代表：</p><p>您所在的{{代表团}}本年度共提出建议 {{建议数}} 件，{{评价}}</p>"


@pytest.fixture
def people():
    delegation = factories.delegation(name="鼓楼区代表团")
    return [factories.deputy(delegation=delegation, name=name) for name in ("张三", "李四")]


@pytest.fixture
def letter(staff, create_notice, people):
    return create_notice(title="履职情况告知函", kind="一人一函", body=TEMPLATE,
                         audience={"deputy_ids": [p.id for p in people]})


def upload(client, name, content):
    response = client.post(
        "/api/v1/files", data={"file": (io.BytesIO(content), name)}, content_type="multipart/form-data"
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def put_rows(staff, letter, rows):
    return staff.put(f"{URL}/{letter['id']}/merge-data", json={"rows": rows})


def test_preview_for_any_deputy_and_html_escaped_values(staff, letter, people):
    rows = [{"代表编号": people[0].code, "建议数": 3, "评价": "<b>很好</b>"}]
    assert put_rows(staff, letter, rows).get_json() == {"rows": 1, "columns": ["建议数", "评价"]}
    preview = staff.get(f"{URL}/{letter['id']}/letter-preview", query_string={"deputy_id": people[0].id}).get_json()
    assert preview["body"] == (
        "<p>张三代表：</p><p>您所在的鼓楼区代表团本年度共提出建议 3 件，&lt;b&gt;很好&lt;/b&gt;</p>"
    )
    assert preview["missing"] == []
    other = staff.get(f"{URL}/{letter['id']}/letter-preview", query_string={"deputy_id": people[1].id}).get_json()
    assert other["missing"] == ["建议数", "评价"]


def test_publish_refuses_listing_the_missing_fields_per_deputy(staff, letter, people):
    put_rows(staff, letter, [{"代表编号": people[0].code, "建议数": 3, "评价": "好"},
                             {"代表编号": people[1].code, "建议数": 1}])
    body = assert_error_shape(staff.post(f"{URL}/{letter['id']}/publish"), 422)
    assert body["errors"]["merge_fields"] == [f"李四（{people[1].code}）缺少：评价"]
    assert staff.get(f"{URL}/{letter['id']}").get_json()["state"] == "draft"


def test_template_field_absent_from_the_sheet_is_missing_for_everyone(staff, create_notice, people):
    notice = create_notice(kind="一人一函", body="<p>{{职务}}</p>", audience={"deputy_ids": [p.id for p in people]})
    body = assert_error_shape(staff.post(f"{URL}/{notice['id']}/publish"), 422)
    assert len(body["errors"]["merge_fields"]) == 2 and all("职务" in line for line in body["errors"]["merge_fields"])


def test_each_deputy_sees_only_their_own_letter(staff, letter, people, as_deputy):
    put_rows(staff, letter, [{"代表编号": people[0].code, "建议数": 3, "评价": "甲"},
                             {"代表编号": people[1].code, "建议数": 5, "评价": "乙"}])
    assert staff.post(f"{URL}/{letter['id']}/publish").status_code == 200
    zhang, li = as_deputy(people[0]), as_deputy(people[1])
    mine = zhang.get(f"{URL}/feed/{letter['id']}").get_json()["body"]
    theirs = li.get(f"{URL}/feed/{letter['id']}").get_json()["body"]
    assert "张三代表" in mine and "3 件" in mine and "李四" not in mine
    assert "李四代表" in theirs and "5 件" in theirs and "张三" not in theirs
    assert zhang.get(f"{URL}/feed").get_json()[0]["kind"] == "一人一函"
    outsider = as_deputy(factories.deputy())
    assert_error_shape(outsider.get(f"{URL}/feed/{letter['id']}"), 404)


def test_merge_data_from_an_xlsx_upload(staff, letter, people):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["代表编号", "建议数", "评价"])
    sheet.append([people[0].code, 4.0, "积极"])
    sheet.append([people[1].code, 2, "认真"])
    out = io.BytesIO()
    book.save(out)
    file_id = upload(staff, "merge.xlsx", out.getvalue())
    response = staff.put(f"{URL}/{letter['id']}/merge-data", json={"file_id": file_id})
    assert response.get_json() == {"rows": 2, "columns": ["建议数", "评价"]}, response.get_json()
    preview = staff.get(f"{URL}/{letter['id']}/letter-preview", query_string={"deputy_id": people[0].id}).get_json()
    assert "建议 4 件" in preview["body"]


def test_merge_data_from_an_excel_utf8_csv(staff, letter, people):
    text = f"代表编号,建议数,评价\n{people[0].code},6,很好\n{people[1].code},1,尚可\n"
    file_id = upload(staff, "merge.csv", text.encode("utf-8-sig"))
    assert staff.put(f"{URL}/{letter['id']}/merge-data", json={"file_id": file_id}).get_json()["rows"] == 2
    assert staff.post(f"{URL}/{letter['id']}/publish").status_code == 200


@pytest.mark.parametrize(
    ("rows", "fragment"),
    [
        ([{"建议数": 1}], "代表编号"),
        ([{"代表编号": "NOPE", "建议数": 1}], "NOPE"),
        ("dup", "重复"),
    ],
)
def test_bad_merge_rows_are_422(staff, letter, people, rows, fragment):
    if rows == "dup":
        rows = [{"代表编号": people[0].code}, {"代表编号": people[0].code}]
    body = assert_error_shape(put_rows(staff, letter, rows), 422)
    assert fragment in json_text(body)


def test_merge_data_only_for_letters_before_publishing(staff, create_notice, letter, people):
    factories.deputy()
    plain = create_notice()
    assert_error_shape(put_rows(staff, plain, [{"代表编号": people[0].code}]), 409)
    put_rows(staff, letter, [{"代表编号": p.code, "建议数": 1, "评价": "好"} for p in people])
    staff.post(f"{URL}/{letter['id']}/publish")
    assert_error_shape(put_rows(staff, letter, [{"代表编号": people[0].code}]), 409)
    assert_error_shape(staff.patch(f"{URL}/{letter['id']}", json={"body": "<p>新正文</p>"}), 409)


def test_merge_values_never_become_links(staff, create_notice, people, as_deputy):
    template = '<p>{{姓名}}：{{说明}}</p><p><a href="{{链接}}">详情</a></p>'
    letter = create_notice(kind="一人一函", body=template, audience={"deputy_ids": [people[0].id]})
    evil = '<a href="javascript:alert(document.cookie)">点我</a>'
    rows = [{"代表编号": people[0].code, "说明": evil, "链接": "javascript:alert(document.cookie)"}]
    assert put_rows(staff, letter, rows).status_code == 200
    preview = staff.get(f"{URL}/{letter['id']}/letter-preview", query_string={"deputy_id": people[0].id}).get_json()
    assert preview["body"].count("<a") == 1 and "&lt;a href=" in preview["body"]
    assert staff.post(f"{URL}/{letter['id']}/publish").status_code == 200
    body = as_deputy(people[0]).get(f"{URL}/feed/{letter['id']}").get_json()["body"]
    assert "&lt;a href=" in body  # the value is there, as text
    # The only link is the template's, and it lost the injected target.
    assert body.count("<a") == 1 and '<a href="javascript' not in body
    assert '<a rel="noopener noreferrer">详情</a>' in body


def test_duplicate_detection_over_a_full_merge_sheet():
    # 200k rows: the quadratic scan this replaced would not finish within the suite's time at all.
    from api.notices.letters import duplicate_codes

    codes = [f"D{n:06d}" for n in range(200_000)] + ["D000007", "D199999", "D000007"]
    assert duplicate_codes(codes) == ["D000007", "D199999"]


def json_text(body):
    import json

    return json.dumps(body, ensure_ascii=False)


def test_csv_parser_reads_gbk_as_excel_saves_it(app):
    from api.notices.letters import _read_csv

    assert _read_csv("代表编号,评价\nT1,很好\n".encode("gb18030")) == [{"代表编号": "T1", "评价": "很好"}]
