"""Worker accounts (staff, station staff, unit users) bind WeChat with a one-time code to receive reminders."""
import datetime as dt
import json

import pytest

from api.auth.models import BindingCode, User
from api.common.audit import AuditEntry
from api.extensions import db
from api.push import services as push
from api.push.models import Delivery
from tests import factories
from tests.auth.helpers import bearer, wechat_login
from tests.push.conftest import drain
from tests.support import assert_error_shape, make_user

BIND = "/api/v1/auth/wechat/bind-account"
MINE = "/api/v1/auth/me/binding-code"
REMINDER = {"template": "reminder", "page": "pages/inbox/index", "data": {"thing1": "意见临近答复期限"}}

pytestmark = pytest.mark.usefixtures("no_leaks")


def for_user(user_id):
    return f"/api/v1/auth/users/{user_id}/binding-code"


@pytest.fixture
def constituent(client, standin):
    """A fresh WeChat sign-in: (headers, openid)."""
    response, openid = wechat_login(client, standin)
    return bearer(response.get_json()["access_token"]), openid


def own_code(worker):
    response = worker.post(MINE)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("role", ["staff", "station_staff", "unit_user", "admin"])
def test_a_worker_binds_its_own_account_and_keeps_its_console_session(client, standin, login_as, constituent, role):
    worker = login_as(role)
    issued = own_code(worker)
    assert issued["user_id"] == worker.user.id and len(issued["code"]) == 9
    stored = BindingCode.get(BindingCode.account == worker.user.id)
    assert stored.deputy_id is None and issued["code"].replace("-", "") not in stored.code_hash

    headers, openid = constituent
    response = client.post(BIND, json={"binding_code": issued["code"].lower()}, headers=headers)
    assert response.status_code == 200, response.get_json()
    tokens = response.get_json()
    assert tokens["role"] == role
    me = client.get("/api/v1/auth/me", headers=bearer(tokens["access_token"])).get_json()
    assert (me["user_id"], me["wechat_bound"]) == (worker.user.id, True)
    assert_error_shape(client.get("/api/v1/auth/me", headers=headers), 401)  # the constituent session ended
    assert User.select().where(User.openid == openid).get().id == worker.user.id
    assert worker.get("/api/v1/auth/me").status_code == 200  # role and scope unchanged: console stays signed in
    again, _ = wechat_login(client, standin, openid=openid)
    assert again.get_json()["role"] == role
    entry = AuditEntry.get(AuditEntry.action == "auth.wechat_bound")
    assert (entry.target_type, entry.target_id) == ("user", str(worker.user.id))
    assert json.loads(entry.detail)["method"] == "account_code"


def test_office_issues_for_worker_accounts_only(login_as):
    office = login_as("staff")
    station_staff, unit_user = make_user("station_staff"), make_user("unit_user", unit=factories.unit())
    for user in (station_staff, unit_user):
        response = office.post(for_user(user.id))
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["user_id"] == user.id
    assert_error_shape(office.post(for_user(make_user("deputy", deputy=factories.deputy()).id), ), 409)
    assert_error_shape(office.post(for_user(make_user("admin").id), ), 403)  # staff do not manage admins
    assert_error_shape(office.post(for_user(999999), ), 404)
    assert_error_shape(login_as("station_staff").post(for_user(unit_user.id), ), 403)
    assert AuditEntry.select().where(AuditEntry.action == "auth.binding_code_issued").count() == 2


@pytest.mark.parametrize("role", ["deputy", "constituent"])
def test_deputies_and_constituents_get_no_account_code(login_as, role):
    assert_error_shape(login_as(role).post(MINE, ), 403)


def test_one_live_code_per_account_and_none_once_bound_or_disabled(client, login_as, constituent):
    worker = login_as("station_staff")
    old, new = own_code(worker), own_code(worker)
    assert BindingCode.select().where(BindingCode.account == worker.user.id).count() == 1
    headers, _ = constituent
    assert_error_shape(client.post(BIND, json={"binding_code": old["code"]}, headers=headers), 422)
    assert client.post(BIND, json={"binding_code": new["code"]}, headers=headers).status_code == 200
    assert_error_shape(worker.post(MINE, ), 409)  # already bound
    disabled = make_user("unit_user", unit=factories.unit(), is_active=False)
    assert_error_shape(login_as("admin").post(for_user(disabled.id), ), 409)


def test_expired_used_wrong_and_deputy_codes_are_refused(client, standin, login_as, constituent, make_deputy):
    worker = login_as("staff")
    headers, _ = constituent
    assert_error_shape(client.post(BIND, json={"binding_code": "ABCD-EFGH"}, headers=headers), 422)
    deputy_code = login_as("staff").post("/api/v1/auth/binding-codes", json={"deputy_id": make_deputy().id})
    refused = client.post(BIND, json={"binding_code": deputy_code.get_json()["code"]}, headers=headers)
    body = assert_error_shape(refused, 422)
    assert "binding_code" in body["errors"]
    # And the other way round: the deputies' endpoint does not take a worker's code.
    issued = own_code(worker)
    deputies_way = client.post("/api/v1/auth/wechat/bind", json={"binding_code": issued["code"]}, headers=headers)
    assert_error_shape(deputies_way, 422)

    BindingCode.update(expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)).execute()
    assert_error_shape(client.post(BIND, json={"binding_code": issued["code"]}, headers=headers), 422)

    fresh = own_code(worker)
    assert client.post(BIND, json={"binding_code": fresh["code"]}, headers=headers).status_code == 200
    other, _ = wechat_login(client, standin)
    used = client.post(BIND, json={"binding_code": fresh["code"]}, headers=bearer(other.get_json()["access_token"]))
    assert_error_shape(used, 422)
    assert AuditEntry.select().where(AuditEntry.action == "auth.bind_failed").count() >= 4


def test_only_a_constituent_wechat_session_binds(login_as):
    code = own_code(login_as("staff"))["code"]
    assert_error_shape(login_as("unit_user", unit=factories.unit()).post(BIND, json={"binding_code": code}), 403)
    # A constituent account that has lost its WeChat identity cannot bind either.
    assert_error_shape(login_as("constituent").post(BIND, json={"binding_code": code}), 409)
    assert_error_shape(login_as("constituent").post(BIND, json={}), 422)


def test_a_code_for_a_disabled_account_does_not_bind(client, login_as, constituent):
    worker = login_as("unit_user", unit=factories.unit())
    code = own_code(worker)["code"]
    User.update(is_active=False).where(User.id == worker.user.id).execute()
    headers, openid = constituent
    assert_error_shape(client.post(BIND, json={"binding_code": code}, headers=headers), 403)
    assert User.get_by_id(worker.user.id).openid is None and User.get(User.openid == openid).role == "constituent"


def test_bound_worker_reports_credits_receives_a_reminder_and_is_unbound(client, standin, login_as, constituent):
    worker = login_as("station_staff", stations=[factories.station()])
    headers, openid = constituent
    tokens = client.post(BIND, json={"binding_code": own_code(worker)["code"]}, headers=headers).get_json()
    phone = bearer(tokens["access_token"])
    templates = client.get("/api/v1/push/templates", headers=phone).get_json()["items"]
    assert "reminder" in [t["key"] for t in templates]
    report = client.put("/api/v1/push/subscriptions", json={"accepted": ["reminder"]}, headers=phone)
    assert report.status_code == 200, report.get_json()

    with db.atomic():
        queued = push.queue_user_deliveries("feedback_case", 7, User.select(User.id).where(User.id == worker.user.id),
                                            REMINDER, "near-2026-12-01")
    push.dispatch_recorded(queued["jobs"])
    drain()
    assert queued["queued"] == 1
    assert [m["openid"] for m in standin.messages()] == [openid]
    assert Delivery.get(Delivery.addressee == worker.user.id).status == "sent"

    office = login_as("staff")
    assert office.delete(f"/api/v1/auth/users/{worker.user.id}/wechat").status_code == 204
    assert User.get_by_id(worker.user.id).openid is None
    assert_error_shape(client.get("/api/v1/auth/me", headers=phone), 401)
    assert_error_shape(office.delete(f"/api/v1/auth/users/{worker.user.id}/wechat"), 409)
    entry = AuditEntry.get(AuditEntry.action == "auth.wechat_unbound")
    assert (entry.target_type, entry.target_id) == ("user", str(worker.user.id))


def test_postgresql_holds_one_target_per_code(app):
    from peewee import IntegrityError, PostgresqlDatabase

    if not isinstance(db.obj, PostgresqlDatabase):
        pytest.skip("the CHECK constraint is PostgreSQL's (SQLite cannot add one to an existing table)")
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
    with pytest.raises(IntegrityError), db.atomic():
        BindingCode.create(code_hash="neither", expires_at=later)
    with pytest.raises(IntegrityError), db.atomic():
        BindingCode.create(code_hash="both", expires_at=later, deputy=factories.deputy(), account=make_user("staff"))
