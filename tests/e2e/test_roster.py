"""The roster: filter it, export what is shown, and read a phone number in clear (audited)."""
import re

import openpyxl

from tests.e2e.console import expect, open_menu

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
