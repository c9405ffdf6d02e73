"""绑定微信接收提醒: workers get a code for themselves; the office issues one from an account's page."""
import base64
import re

import pytest

from api.auth.models import BindingCode, User
from api.console import qr
from tests import factories
from tests.support import make_user

MINE = "/console/me/wechat"
CODE = re.compile(r'data-testid="account-binding-code-text">([A-Z0-9]{4}-[A-Z0-9]{4})<')


@pytest.mark.parametrize("role", ["admin", "staff", "station_staff", "unit_user"])
def test_every_worker_gets_a_code_for_itself_with_its_qr(console_as, db, role):
    client = console_as(role)
    assert f'href="{MINE}"' in client.get("/console/").get_data(as_text=True)
    page = client.get(MINE).get_data(as_text=True)
    assert "尚未绑定微信" in page and 'data-testid="my-wechat-issue"' in page
    response = client.post(MINE, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html
    code = CODE.search(html).group(1)
    stored = BindingCode.get(BindingCode.account == client.user.id)
    assert stored.deputy_id is None and code.replace("-", "") not in stored.code_hash
    assert 'data-testid="account-binding-qr"' in html
    image = re.search(r'src="data:image/png;base64,([^"]+)"', html)
    assert base64.b64decode(image.group(1)) == base64.b64decode(qr.png_data_uri(code).split(",", 1)[1])


def test_a_bound_worker_is_told_so_and_gets_no_new_code(console_as, db):
    client = console_as("unit_user", unit=factories.unit())
    User.update(openid="o-bound-console").where(User.id == client.user.id).execute()
    page = client.get(MINE).get_data(as_text=True)
    assert "已绑定微信" in page and "my-wechat-issue" not in page
    assert client.post(MINE, htmx=True).status_code == 409


@pytest.mark.parametrize("role", ["station_staff", "unit_user"])
def test_the_office_issues_a_code_from_a_workers_account_page(console_as, db, role):
    worker = make_user(role, unit=factories.unit() if role == "unit_user" else None)
    client = console_as("staff")
    detail = client.get(f"/console/accounts/{worker.id}").get_data(as_text=True)
    assert 'data-testid="account-binding-issue"' in detail
    response = client.post(f"/console/accounts/{worker.id}/binding-code", data={"valid_days": "5"}, htmx=True)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert CODE.search(response.get_data(as_text=True))
    assert BindingCode.get(BindingCode.account == worker.id).created_by_id == client.user.id


def test_no_worker_code_button_for_deputies_nor_for_station_staff_to_use(console_as, db):
    deputy_account = make_user("deputy", deputy=factories.deputy())
    staff = console_as("staff")
    assert "account-binding-issue" not in staff.get(f"/console/accounts/{deputy_account.id}").get_data(as_text=True)
    assert staff.post(f"/console/accounts/{deputy_account.id}/binding-code", htmx=True).status_code == 409
    other = make_user("unit_user", unit=factories.unit())
    assert console_as("station_staff").post(f"/console/accounts/{other.id}/binding-code", htmx=True).status_code == 403
    assert BindingCode.select().count() == 0
