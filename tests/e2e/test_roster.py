"""The roster: filter it, export what is shown, and read a phone number in clear (audited)."""
import contextlib
import re

import openpyxl

from tests.e2e.console import Error, expect, open_menu

DELEGATION = "鼓楼区代表团"
MASKED_PHONE = re.compile(r"^1\d{2}\*{4}\d{4}$")


def test_the_filtered_roster_exports_as_shown_with_masked_phones(console_as, tmp_path):
    page = console_as("staff")
    open_menu(page, "代表名册")
    page.get_by_label("代表团").select_option(label=DELEGATION)  # a change filters at once (htmx)
    expect(page).to_have_url(re.compile(r"delegation=\d+"))
    rows = page.get_by_test_id("roster-row")
    expect(rows.first).to_contain_text(DELEGATION)
    delegations = rows.locator("td:nth-child(4)").all_inner_texts()
    assert delegations and set(delegations) == {DELEGATION}
    total = int(re.search(r"共 (\d+) 条", page.get_by_test_id("pager").inner_text()).group(1))

    with page.expect_download() as download:
        page.get_by_test_id("roster-export").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    sheet = openpyxl.load_workbook(saved, read_only=True).active
    header, *records = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert len(records) == total
    assert {record[header.index("代表团")] for record in records} == {DELEGATION}
    phones = [record[header.index("手机号")] for record in records if record[header.index("手机号")]]
    assert phones and all(MASKED_PHONE.match(phone) for phone in phones)


def test_showing_a_phone_in_clear_is_in_the_audit_log(console_as, live_server):
    staff = console_as("staff")
    staff.goto("/console/roster?status=在任")
    first = staff.get_by_test_id("roster-row").filter(has=staff.get_by_test_id("show-phone")).first
    deputy_id = re.search(r"/roster/(\d+)", first.get_by_role("link").get_attribute("href")).group(1)
    # That deputy's row by its link: the filter above stops matching once the phone is shown.
    row = staff.get_by_test_id("roster-row").filter(has=staff.locator(f'a[href$="/roster/{deputy_id}"]'))
    expect(row.locator("td:nth-child(8)")).to_contain_text("****")
    row.get_by_test_id("show-phone").click()
    expect(row.get_by_test_id("phone-clear")).to_have_text(re.compile(r"^1\d{10} （已记入审计）$"))

    admin = console_as("admin")
    open_menu(admin, "审计日志")
    admin.get_by_label("操作", exact=True).fill("pii.read")
    admin.get_by_label("对象编号").fill(deputy_id)
    admin.get_by_role("button", name="筛选").click()
    entry = admin.get_by_test_id("audit-row").first
    expect(entry).to_contain_text(live_server.accounts["staff"]["display_name"])
    expect(entry).to_contain_text(f"deputy #{deputy_id}")


def test_a_search_still_loading_when_a_row_is_clicked_is_dropped(console_as):
    """A search answered after the click must not swap its results in and push its address: in Chromium that
    push can cancel the navigation the click started (it did in CI), and the row would never open."""
    page = console_as("staff")
    open_menu(page, "代表名册")
    link = page.get_by_test_id("roster-row").first.get_by_role("link").first
    href = link.get_attribute("href")
    held = {}  # each request waits until the test releases it: the search, then the row's page
    page.route(re.compile(r"/console/roster\?.*q="), lambda route: held.setdefault("search", route))
    page.route(re.compile(rf"{re.escape(href)}$"), lambda route: held.setdefault("row", route))
    page.get_by_label("姓名或编号").fill("代表")
    page.get_by_label("姓名或编号").press("Enter")
    wait_until_held(page, held, "search")
    link.click(no_wait_after=True)
    wait_until_held(page, held, "row")
    with contextlib.suppress(Error):  # dropped by the page already: nothing to answer
        held["search"].continue_()
    page.wait_for_timeout(300)  # time enough for a late answer to be swapped in and its address pushed
    assert "q=" not in page.url
    held["row"].continue_()
    expect(page).to_have_url(re.compile(rf"{re.escape(href)}$"))


def wait_until_held(page, held, name):
    for _ in range(250):
        if name in held:
            return
        page.wait_for_timeout(20)
    raise AssertionError(f"the {name} request never came")
