"""Notice list, compose and edit in the console: permissions, filters and paging, field errors, sanitising."""
import io
import re

import pytest

from api.notices.models import Notice
from tests import factories

LIST = "/console/notices"
NEW = "/console/notices/new"


def compose(**fields):
    """A compose form as the browser sends it (a draft to every deputy, no reply slip)."""
    return {"title": "关于召开代表座谈会的通知", "kind": "会议通知", "body": "<p>请准时参加。</p>", "all": "on",
            **fields}


@pytest.mark.parametrize(
    ("role", "status"), [("admin", 200), ("staff", 200), ("station_staff", 403), ("unit_user", 403)]
)
@pytest.mark.parametrize("url", [LIST, NEW])
def test_only_the_office_opens_the_notice_screens(console_as, role, status, url):
    response = console_as(role).get(url)
    assert response.status_code == status
    menu = console_as(role).get("/console/").get_data(as_text=True)
    assert ('href="/console/notices"' in menu) == (status == 200)


@pytest.mark.parametrize("role", ["station_staff", "unit_user"])
def test_other_roles_cannot_create_or_act(console_as, create_notice, role):
    notice = create_notice()
    client = console_as(role)
    assert client.post(NEW, data=compose()).status_code == 403
    assert client.post(f"{LIST}/{notice['id']}/publish", htmx=True).status_code == 403
    assert Notice.get_by_id(notice["id"]).state == "draft"


def test_signed_out_the_screens_ask_to_sign_in(browser):
    response = browser.get(LIST)
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_the_list_filters_by_state_kind_and_title_and_shows_state_badges(console_as, create_notice, publish_notice):
    factories.deputy()
    create_notice(title="草稿：常委会会议安排")
    publish_notice(title="已发：学习材料", kind="学习通知")
    client = console_as("staff")
    html = client.get(LIST).get_data(as_text=True)
    assert html.count('data-testid="notice-row"') == 2
    assert '<span class="badge ok" data-testid="state">已发布</span>' in html
    assert '<span class="badge " data-testid="state">草稿</span>' in html
    published = client.get(f"{LIST}?state=published&kind=&q=").get_data(as_text=True)
    assert "已发：学习材料" in published and "草稿：常委会会议安排" not in published
    by_kind = client.get(f"{LIST}?kind=学习通知").get_data(as_text=True)
    assert "已发：学习材料" in by_kind and "草稿：常委会会议安排" not in by_kind
    by_title = client.get(f"{LIST}?q=常委会").get_data(as_text=True)
    assert "草稿：常委会会议安排" in by_title and "已发：学习材料" not in by_title


def test_an_unknown_state_filter_is_refused(console_as):
    response = console_as("staff").get(f"{LIST}?state=lost")
    assert response.status_code == 422


def test_the_list_pages_twenty_at_a_time(console_as, create_notice):
    for n in range(23):
        create_notice(title=f"通知{n:02d}")
    client = console_as("staff")
    first = client.get(LIST).get_data(as_text=True)
    assert first.count('data-testid="notice-row"') == 20 and "共 23 条 · 第 1/2 页" in first
    second = client.get(f"{LIST}?page=2").get_data(as_text=True)
    assert second.count('data-testid="notice-row"') == 3 and "通知00" in second


def test_a_compose_form_with_errors_comes_back_at_422_with_each_field_error_shown(console_as):
    client = console_as("staff")
    form = compose(title="", all="", reply_required="on", option_label_0="参加", reply_deadline="")
    response = client.post(NEW, data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-testid="form-errors"' in html
    for field in ("title", "audience.all", "reply_slip.deadline", "reply_slip.options"):
        assert f'data-field="{field}"' in html, field
    assert Notice.select().count() == 0


def test_an_unknown_deputy_code_is_a_field_error_beside_the_audience(console_as):
    factories.deputy(code="A001")
    response = console_as("staff").post(NEW, data=compose(all="", deputy_codes="A001\nNOPE9"))
    assert response.status_code == 422
    assert "没有这些代表编号：NOPE9" in response.get_data(as_text=True)


def test_creating_a_draft_with_a_reply_slip_and_an_attachment(console_as):
    delegation = factories.delegation()
    factories.deputy(delegation=delegation)
    data = compose(
        all="", delegation_ids=str(delegation.id), pinned="on", reply_required="on",
        option_label_0="参加", option_label_1="请假", option_reason_1="on", reply_deadline="2099-03-01T09:30",
    )
    data["files"] = (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "议程.pdf")
    client = console_as("staff")
    response = client.post(NEW, data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    notice = Notice.get()
    assert response.headers["Location"].endswith(f"/console/notices/{notice.id}?done=created")
    assert notice.pinned and notice.audience["delegation_ids"] == [delegation.id]
    assert [(o["label"], o["requires_reason"]) for o in notice.reply_options] == [("参加", False), ("请假", True)]
    assert notice.reply_deadline.isoformat().startswith("2099-03-01T01:30")  # 09:30 in Beijing is 01:30 UTC
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "草稿已保存" in page and "议程.pdf" in page and delegation.name in page


def test_script_in_the_body_is_removed_when_saved_and_when_shown(console_as, db):
    client = console_as("staff")
    body = '<p onclick="steal()">会议<script>alert(1)</script><img src="https://evil.example/x.png"></p>'
    response = client.post(NEW, data=compose(body=body))
    notice = Notice.get()
    assert response.status_code == 303 and "script" not in notice.body and "onclick" not in notice.body
    # Even a body stored unsanitised (an old row, a direct write) is cleaned on the way out.
    Notice.update(body='<p>正文</p><script>alert(2)</script><a href="javascript:alert(3)">点</a>').execute()
    html = client.get(f"{LIST}/{notice.id}").get_data(as_text=True)
    assert "<p>正文</p>" in html and "alert(2)" not in html and "javascript:" not in html


def test_the_editor_is_a_static_script_and_the_body_stays_a_form_field(console_as):
    client = console_as("staff")
    html = client.get(NEW).get_data(as_text=True)
    assert '<textarea id="body" name="body" data-editor' in html
    assert 'src="/console/static/notice-editor.js"' in html
    assert client.get("/console/static/notice-editor.js").status_code == 200


def test_editing_a_published_notice_keeps_the_earlier_text_as_a_version(console_as, publish_notice):
    factories.deputy()
    notice = publish_notice(title="原标题")
    client = console_as("staff")
    form = client.get(f"{LIST}/{notice['id']}/edit").get_data(as_text=True)
    assert 'name="kind" data-testid="kind" disabled' in form and 'id="audience"' not in form
    response = client.post(f"{LIST}/{notice['id']}/edit", data={"title": "新标题", "body": notice["body"]})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "修改已保存" in page and "第 2 版" in page and "原标题" in page.split('data-testid="versions"')[1]


def test_a_refused_attachment_is_a_field_error_and_nothing_is_saved(console_as):
    data = compose()
    data["files"] = (io.BytesIO(b"<html><script>alert(1)</script></html>"), "agenda.html")
    response = console_as("staff").post(NEW, data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'data-field="attachment_ids"' in html
    assert "agenda.html：不支持的文件类型" in html
    assert Notice.select().count() == 0


def test_an_attachment_unticked_on_edit_is_removed(console_as):
    client = console_as("staff")
    data = compose()
    data["files"] = (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "old.pdf")
    client.post(NEW, data=data, content_type="multipart/form-data")
    notice = Notice.get()
    form = client.get(f"{LIST}/{notice.id}/edit").get_data(as_text=True)
    assert 'name="attachment_ids"' in form and "old.pdf" in form
    response = client.post(f"{LIST}/{notice.id}/edit", data=compose(title="改"))  # old.pdf left unticked
    assert response.status_code == 303 and notice.attachment_links.count() == 0


def test_the_notice_pages_carry_no_inline_script_style_or_handler(console_as, publish_notice):
    factories.deputy()
    notice = publish_notice(body="<p>正文</p>")
    client = console_as("staff")
    page = f"{LIST}/{notice['id']}"
    for url in (LIST, NEW, page, f"{page}/edit", f"{page}/recipients"):
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert not re.search(r"\s(style|on[a-z]+)=", html), url


def test_a_filter_change_through_htmx_answers_only_the_results(console_as, create_notice):
    create_notice(title="甲通知")
    html = console_as("staff").get(f"{LIST}?q=甲", htmx=True).get_data(as_text=True)
    assert "甲通知" in html and "<html" not in html and 'data-testid="filters"' not in html


def test_paging_links_keep_the_filters(console_as, create_notice):
    for n in range(21):
        create_notice(title=f"会议{n:02d}")
    html = console_as("staff").get(f"{LIST}?q=会议").get_data(as_text=True)
    link = re.search(r'href="([^"]+)" hx-get="[^"]+" hx-target="#results" hx-push-url="true" data-testid="page-next"',
                     html).group(1)
    assert "page=2" in link and "q=" in link
