"""The accounts screen: scoped lists, creation per role with its scope, state changes, and binding-code QR codes."""
import base64
import re
import struct

import pytest

from api.auth.models import AuthSession, BindingCode, User
from api.common.audit import AuditEntry
from api.console import qr
from tests import factories
from tests.support import make_user

ACCOUNTS = "/console/accounts"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(("role", "listed", "status"), [
    ("admin", True, 200), ("staff", True, 200), ("station_staff", False, 403), ("unit_user", False, 403),
])
def test_accounts_are_for_the_office(console_as, role, listed, status):
    client = console_as(role)
    assert (f'href="{ACCOUNTS}"' in client.get("/console/").get_data(as_text=True)) is listed
    assert client.get(ACCOUNTS).status_code == status
    assert client.get(f"{ACCOUNTS}/binding-codes").status_code == status


def test_staff_see_only_the_accounts_they_manage_and_filter_them(console_as, db):
    make_user("admin", display_name="管理员甲")
    make_user("unit_user", display_name="单位乙", unit=factories.unit())
    make_user("station_staff", display_name="站员丙", is_active=False)
    client = console_as("staff")
    html = client.get(ACCOUNTS).get_data(as_text=True)
    assert "单位乙" in html and "站员丙" in html and "管理员甲" not in html
    html = client.get(f"{ACCOUNTS}?is_active=false", htmx=True).get_data(as_text=True)
    assert html.count('data-testid="account-row"') == 1 and "站员丙" in html
    html = client.get(f"{ACCOUNTS}?role=unit_user").get_data(as_text=True)
    assert html.count('data-testid="account-row"') == 1 and "单位乙" in html and "<td>承办单位</td>" in html


def test_the_list_pages(console_as, db):
    for n in range(22):
        make_user("unit_user", display_name=f"翻页{n}")
    client = console_as("staff")
    first = client.get(f"{ACCOUNTS}?role=unit_user").get_data(as_text=True)
    assert first.count('data-testid="account-row"') == 20 and "共 22 条" in first
    assert client.get(f"{ACCOUNTS}?role=unit_user&page=2").get_data(as_text=True).count("account-row") == 2


@pytest.mark.parametrize("role", ["station_staff", "unit_user"])
def test_staff_create_station_and_unit_accounts_with_their_scope(console_as, db, role):
    station, unit = factories.station(), factories.unit()
    form = {"username": "new.user", "display_name": "新账号", "password": "long-enough-pass", "role": role,
            "unit_id": str(unit.id), "station_ids": [str(station.id)]}
    response = console_as("staff").post(f"{ACCOUNTS}/new", data=form, htmx=True)
    assert response.status_code == 204, response.get_data(as_text=True)
    user = User.get(User.username == "new.user")
    assert user.role == role and (user.unit_id == unit.id) is (role == "unit_user")
    assert [link.station_id for link in user.station_links] == ([station.id] if role == "station_staff" else [])


def test_only_an_admin_creates_office_accounts(console_as, db):
    form = {"username": "office2", "display_name": "新同事", "password": "long-enough-pass", "role": "staff"}
    assert '<option value="staff"' not in console_as("staff").get(f"{ACCOUNTS}/new").get_data(as_text=True)
    assert '<option value="staff"' in console_as("admin").get(f"{ACCOUNTS}/new").get_data(as_text=True)
    assert console_as("staff").post(f"{ACCOUNTS}/new", data=form, htmx=True).status_code == 403
    assert console_as("admin").post(f"{ACCOUNTS}/new", data=form, htmx=True).status_code == 204


def test_a_refused_account_form_is_422_with_each_fields_message(console_as, db):
    form = {"username": "x", "display_name": "", "password": "short", "role": "unit_user", "unit_id": ""}
    response = console_as("staff").post(f"{ACCOUNTS}/new", data=form, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("username", "display_name", "password"):
        assert f'data-testid="error-{field}"' in html, field
    fixed = {**form, "username": "okname", "display_name": "名", "password": "long-enough-pass"}
    scope = console_as("staff").post(f"{ACCOUNTS}/new", htmx=True, data=fixed)
    assert scope.status_code == 422 and 'data-testid="error-unit_id"' in scope.get_data(as_text=True)
    assert not User.select().where(User.username.in_(["x", "okname"])).exists()


def test_deactivating_ends_sessions_and_reactivating_restores(console_as, db):
    target = make_user("unit_user", unit=factories.unit())
    victim = console_as("unit_user")
    client = console_as("staff")
    response = client.post(f"{ACCOUNTS}/{victim.user.id}/active", data={"is_active": "false"})
    assert response.status_code == 302 and not User.get_by_id(victim.user.id).is_active
    assert victim.get("/console/").status_code == 302  # signed out at once
    client.post(f"{ACCOUNTS}/{victim.user.id}/active", data={"is_active": "true"})
    assert User.get_by_id(victim.user.id).is_active and target.is_active


def test_an_office_user_cannot_deactivate_themselves(console_as, db):
    client = console_as("staff")
    assert client.post(f"{ACCOUNTS}/{client.user.id}/active", data={"is_active": "false"}).status_code == 403


def test_resetting_a_password(console_as, db):
    victim = console_as("unit_user")
    client = console_as("staff")
    url = f"{ACCOUNTS}/{victim.user.id}/password"
    short = client.post(url, data={"password": "short"}, htmx=True)
    assert short.status_code == 422 and 'data-testid="error-password"' in short.get_data(as_text=True)
    done = client.post(url, data={"password": "a-new-long-password"}, htmx=True)
    assert done.status_code == 200 and 'data-testid="password-done"' in done.get_data(as_text=True)
    assert victim.get("/console/").status_code == 302
    assert AuditEntry.select().where(AuditEntry.action == "auth.password_reset").exists()


def test_ending_an_accounts_sessions(console_as, db):
    victim = console_as("station_staff")
    response = console_as("admin").post(f"{ACCOUNTS}/{victim.user.id}/sessions", htmx=True)
    assert response.status_code == 200 and "已结束 1 个登录会话" in response.get_data(as_text=True)
    assert victim.get("/console/").status_code == 302
    assert AuthSession.select().where(AuthSession.user == victim.user.id, AuthSession.revoked_at.is_null()).count() == 0


def test_staff_cannot_touch_an_admin_account(console_as, db):
    admin = make_user("admin")
    client = console_as("staff")
    assert client.get(f"{ACCOUNTS}/{admin.id}").status_code == 403
    assert client.post(f"{ACCOUNTS}/{admin.id}/sessions", htmx=True).status_code == 403


def png_size(data):
    assert data.startswith(PNG_MAGIC)
    return struct.unpack(">II", data[16:24])


def test_a_binding_code_is_shown_once_with_a_qr_code_of_the_code(console_as, db):
    deputy = factories.deputy(code="QR-1")
    client = console_as("staff")
    response = client.post(f"{ACCOUNTS}/binding-codes", data={"deputy_code": "QR-1"}, htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-testid="binding-code"' in html
    code = re.search(r'data-testid="binding-code-text">([A-Z0-9-]+)<', html).group(1)
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert BindingCode.get(BindingCode.deputy == deputy.id).used_at is None
    image = re.search(r'src="data:image/png;base64,([^"]+)"', html).group(1)
    png = base64.b64decode(image)
    width, height = png_size(png)
    assert width == height >= 21 * qr.SCALE  # a full QR code (version 1 is 21 modules), not Micro QR
    # The image is the QR code of the code itself, as the mini-program's binding field takes it.
    assert f"data:image/png;base64,{image}" == qr.png_data_uri(code)


def test_the_qr_code_downloads_as_a_png_for_printing(console_as, db):
    client = console_as("staff")
    response = client.post(f"{ACCOUNTS}/binding-codes/qr.png", data={"code": "ABCD-EFGH"})
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert "attachment" in response.headers["Content-Disposition"]
    png_size(response.data)
    assert response.data == qr.png_bytes("ABCD-EFGH")
    assert client.post(f"{ACCOUNTS}/binding-codes/qr.png", data={"code": "??"}).status_code == 422


def test_the_roster_issues_a_binding_code_for_its_deputy(console_as, db):
    deputy = factories.deputy()
    client = console_as("admin")
    assert 'data-testid="issue-binding-code"' in client.get(f"/console/roster/{deputy.id}").get_data(as_text=True)
    response = client.post(f"{ACCOUNTS}/binding-codes", data={"deputy_id": str(deputy.id)}, htmx=True)
    assert response.status_code == 200 and deputy.name in response.get_data(as_text=True)


def test_a_binding_code_for_an_unknown_or_ended_deputy_is_refused(console_as, db):
    factories.deputy(code="ENDED", status="终止")
    client = console_as("staff")
    unknown = client.post(f"{ACCOUNTS}/binding-codes", data={"deputy_code": "NOPE"}, htmx=True)
    assert unknown.status_code == 422 and 'data-testid="error-deputy_code"' in unknown.get_data(as_text=True)
    assert unknown.headers["HX-Retarget"] == "#binding-form"
    days = client.post(f"{ACCOUNTS}/binding-codes", data={"deputy_code": "ENDED", "valid_days": "999"}, htmx=True)
    assert days.status_code == 422 and 'data-testid="error-valid_days"' in days.get_data(as_text=True)
    ended = client.post(f"{ACCOUNTS}/binding-codes", data={"deputy_code": "ENDED"}, htmx=True)
    assert ended.status_code == 409 and "不在任" in ended.get_data(as_text=True)
    assert BindingCode.select().count() == 0


@pytest.mark.parametrize("role", ["station_staff", "unit_user"])
def test_binding_codes_are_issued_by_the_office_only(console_as, db, role):
    deputy = factories.deputy()
    client = console_as(role)
    assert client.post(f"{ACCOUNTS}/binding-codes", data={"deputy_id": str(deputy.id)}, htmx=True).status_code == 403
    assert client.post(f"{ACCOUNTS}/binding-codes/qr.png", data={"code": "ABCD-EFGH"}).status_code == 403


def test_the_unit_and_stations_fields_are_marked_for_the_roles_that_use_them(console_as, db):
    html = console_as("staff").get(f"{ACCOUNTS}/new").get_data(as_text=True)
    assert '<div data-role-scope="unit_user">' in html and '<div data-role-scope="station_staff">' in html


def test_an_admin_renames_their_own_account_without_touching_its_role(console_as, db):
    client = console_as("admin")
    page = client.get(f"{ACCOUNTS}/{client.user.id}").get_data(as_text=True)
    assert 'name="role"' not in page and 'data-testid="account-toggle"' not in page
    response = client.post(f"{ACCOUNTS}/{client.user.id}", data={"display_name": "新名字"}, htmx=True)
    assert response.status_code == 204
    user = User.get_by_id(client.user.id)
    assert user.display_name == "新名字" and user.role == "admin"
    assert client.get("/console/").status_code == 200  # a rename keeps the session
