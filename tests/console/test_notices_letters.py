"""一人一函 in the console: merge data uploaded as xlsx or csv through the file service, a preview per deputy."""
import io

import openpyxl
import pytest

from api.notices.models import LetterMergeRow
from tests import factories

BASE = "/console/notices"
TEMPLATE = '<p>{{姓名}}代表：您今年提出建议 {{建议数}} 件。</p><p><a href="{{链接}}">详情</a></p>'


@pytest.fixture
def people():
    return [factories.deputy(name="张三", code="Z001"), factories.deputy(name="李四", code="L002")]


@pytest.fixture
def letter(create_notice, people):
    return create_notice(kind="一人一函", title="建议办理情况", body=TEMPLATE)


def xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, letter, content, name):
    return client.post(
        f"{BASE}/{letter['id']}/merge-data", data={"file": (io.BytesIO(content), name)}, htmx=True,
        content_type="multipart/form-data",
    )


def preview(client, letter, deputy):
    return client.get(f"{BASE}/{letter['id']}/letter-preview?deputy_id={deputy.id}", htmx=True).get_data(as_text=True)


def test_the_letter_page_shows_its_merge_fields_and_an_upload_form(console_as, letter):
    html = console_as("staff").get(f"{BASE}/{letter['id']}").get_data(as_text=True)
    section = html.split('data-testid="letters"')[1]
    assert "<code>{{建议数}}</code>" in section and 'data-testid="merge-file"' in section


def test_an_xlsx_upload_replaces_the_merge_data_and_each_deputy_sees_their_own_letter(console_as, letter, people):
    client = console_as("staff")
    sheet = xlsx(
        [["代表编号", "建议数", "链接"], ["Z001", 3, "https://example.org/z"], ["L002", 5.0, "javascript:alert(1)"]]
    )
    response = upload(client, letter, sheet, "合并.xlsx")
    assert response.status_code == 200 and "已导入 2 行合并数据；列：建议数、链接" in response.get_data(as_text=True)
    assert LetterMergeRow.select().count() == 2
    zhang = preview(client, letter, people[0])
    assert "张三代表：您今年提出建议 3 件" in zhang and "李四" not in zhang
    li = preview(client, letter, people[1])
    # HTML is sanitised after merging: a value cannot smuggle a script link into the template's href.
    assert "李四代表：您今年提出建议 5 件" in li and "javascript:" not in li


def test_a_csv_upload_works_too(console_as, letter):
    sheet = "代表编号,建议数,链接\nZ001,1,https://a.example\n".encode("utf-8-sig")  # as Excel saves "CSV UTF-8"
    response = upload(console_as("staff"), letter, sheet, "m.csv")
    assert response.status_code == 200 and "已导入 1 行" in response.get_data(as_text=True)


def test_a_preview_names_the_fields_a_deputy_lacks(console_as, letter, people):
    html = console_as("staff").get(f"{BASE}/{letter['id']}/letter-preview?deputy_id={people[0].id}", htmx=True)
    assert "缺少合并字段：建议数、链接" in html.get_data(as_text=True)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"0" * 64, "a.png", "合并数据须为 xlsx 或 csv 文件"),
        ("代表编号,建议数\nNOPE,1\n".encode(), "m.csv", "有代表编号不在代表名册中"),
        (b"<html><script>alert(1)</script></html>", "m.csv", "不支持的文件类型"),
    ],
)
def test_a_bad_sheet_is_refused_in_the_flash_area(console_as, letter, content, name, message):
    response = upload(console_as("staff"), letter, content, name)
    assert response.status_code in (415, 422) and response.headers["HX-Retarget"] == "#flash"
    assert message in response.get_data(as_text=True)
    assert LetterMergeRow.select().count() == 0


def test_picking_a_deputy_lists_the_letters_audience(console_as, letter, people):
    client = console_as("staff")
    listed = client.get(f"{BASE}/{letter['id']}/letter-deputies", htmx=True).get_data(as_text=True)
    assert "Z001 张三" in listed and "L002 李四" in listed
    searched = client.get(f"{BASE}/{letter['id']}/letter-deputies?q=李", htmx=True).get_data(as_text=True)
    assert "L002 李四" in searched and "张三" not in searched


def test_merge_data_is_not_offered_once_published(console_as, letter, people):
    client = console_as("staff")
    upload(client, letter, "代表编号,建议数,链接\nZ001,1,https://a\nL002,2,https://b\n".encode(), "m.csv")
    client.post(f"{BASE}/{letter['id']}/publish", htmx=True)
    html = client.get(f"{BASE}/{letter['id']}").get_data(as_text=True)
    assert 'data-testid="merge-file"' not in html and 'data-testid="letter-search"' in html
    refused = upload(client, letter, "代表编号,建议数\nZ001,9\n".encode(), "m.csv")
    assert refused.status_code == 409
