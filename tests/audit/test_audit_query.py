"""Administrators read the audit trail, newest first, filtered and paginated in SQL."""
import datetime as dt
import json

import pytest

from api.common.audit import AuditEntry
from tests.support import assert_error_shape, make_user

AUDIT = "/api/v1/audit"
T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def trail():
    """Four entries an hour apart, by two actors."""
    alice, bob = make_user("staff", display_name="张工作"), make_user("staff")
    rows = [
        ("auth.login", alice, "user", str(alice.id), {"method": "password"}),
        ("auth.role_changed", alice, "user", str(bob.id), {"from": "staff", "to": "station_staff"}),
        ("auth.login", bob, "user", str(bob.id), None),
        ("auth.wechat_bound", None, "deputy", "7", {"method": "code"}),
    ]
    entries = [
        AuditEntry.create(
            at=T0 + dt.timedelta(hours=n),
            actor_id=actor.id if actor else None,
            actor_role=actor.role if actor else None,
            action=action,
            target_type=target_type,
            target_id=target_id,
            detail=json.dumps(detail) if detail else None,
        )
        for n, (action, actor, target_type, target_id, detail) in enumerate(rows)
    ]
    return alice, bob, entries


def ids(response):
    assert response.status_code == 200, response.get_json()
    return [entry["id"] for entry in response.get_json()]


def test_only_admins_read_the_trail(client, login_as):
    assert_error_shape(client.get(AUDIT), 401)
    for role in ("staff", "station_staff", "unit_user", "deputy", "constituent"):
        assert_error_shape(login_as(role).get(AUDIT), 403)
    assert login_as("admin").get(AUDIT).status_code == 200


def test_newest_first_with_actor_and_parsed_detail(login_as, trail):
    alice, _, entries = trail
    body = login_as("admin").get(AUDIT).get_json()
    # The admin's own request leaves no entry: reading the trail is not a write.
    assert [entry["id"] for entry in body] == [e.id for e in reversed(entries)]
    role_change = next(entry for entry in body if entry["action"] == "auth.role_changed")
    assert role_change["actor_id"] == alice.id and role_change["actor_name"] == "张工作"
    assert role_change["detail"] == {"from": "staff", "to": "station_staff"}
    assert role_change["at"] == "2026-03-01T09:00:00+00:00"
    anonymous = next(entry for entry in body if entry["action"] == "auth.wechat_bound")
    assert anonymous["actor_id"] is None and anonymous["actor_name"] is None


def test_filters(login_as, trail):
    alice, bob, entries = trail
    admin = login_as("admin")
    assert ids(admin.get(AUDIT, query_string={"action": "auth.login"})) == [entries[2].id, entries[0].id]
    assert ids(admin.get(AUDIT, query_string={"actor_id": alice.id})) == [entries[1].id, entries[0].id]
    by_target = admin.get(AUDIT, query_string={"target_type": "user", "target_id": str(bob.id)})
    assert ids(by_target) == [entries[2].id, entries[1].id]
    window = {"since": (T0 + dt.timedelta(hours=1)).isoformat(), "until": (T0 + dt.timedelta(hours=3)).isoformat()}
    assert ids(admin.get(AUDIT, query_string=window)) == [entries[2].id, entries[1].id]
    both = admin.get(AUDIT, query_string={"action": "auth.login", "actor_id": bob.id})
    assert ids(both) == [entries[2].id]


def test_pagination(login_as, trail):
    _, _, entries = trail
    response = login_as("admin").get(AUDIT, query_string={"page": 2, "page_size": 3})
    assert ids(response) == [entries[0].id]
    assert json.loads(response.headers["X-Pagination"])["total"] == 4


def test_bad_filters_are_422(login_as):
    admin = login_as("admin")
    assert_error_shape(admin.get(AUDIT, query_string={"actor_id": "someone"}), 422)
    assert_error_shape(admin.get(AUDIT, query_string={"since": "yesterday"}), 422)
    reversed_window = {"since": "2026-03-02T00:00:00Z", "until": "2026-03-01T00:00:00Z"}
    assert "until" in assert_error_shape(admin.get(AUDIT, query_string=reversed_window), 422)["errors"]


def test_sign_ins_through_the_api_show_up(client, login_as):
    user = make_user("staff")
    client.post("/api/v1/auth/login", json={"username": user.username, "password": "wrong-password"})
    admin = login_as("admin")
    body = admin.get(AUDIT, query_string={"action": "auth.login_failed"}).get_json()
    assert len(body) == 1 and body[0]["target_id"] == str(user.id)
    assert body[0]["detail"]["reason"] == "bad_password" and "wrong-password" not in json.dumps(body)
