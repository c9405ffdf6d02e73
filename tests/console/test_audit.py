"""The audit log screen: administrators only, filtered by action, actor, target and Beijing dates, paged."""
import datetime as dt

import pytest

from api.common.audit import AuditEntry
from tests.support import make_user

AUDIT = "/console/audit"


def entry(action, actor=None, target=("deputy", "1"), at=None):
    return AuditEntry.create(action=action, actor_id=actor.id if actor else None, actor_role=actor and actor.role,
                             target_type=target[0], target_id=target[1],
                             **({"at": at} if at else {}))


@pytest.mark.parametrize(("role", "listed", "status"), [
    ("admin", True, 200), ("staff", False, 403), ("station_staff", False, 403), ("unit_user", False, 403),
])
def test_the_audit_log_is_for_administrators(console_as, role, listed, status):
    client = console_as(role)
    assert (f'href="{AUDIT}"' in client.get("/console/").get_data(as_text=True)) is listed
    assert client.get(AUDIT).status_code == status


def test_entries_show_who_did_what_newest_first(console_as, db):
    actor = make_user("staff", display_name="审计甲")
    entry("pii.read", actor, at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    entry("deputies.export", actor)
    html = console_as("admin").get(f"{AUDIT}?actor_id={actor.id}").get_data(as_text=True)
    assert html.count('data-testid="audit-row"') == 2 and "审计甲" in html
    results = html.split('id="results"')[1]
    assert results.index("deputies.export") < results.index("pii.read")


def test_filters_by_action_target_and_date(console_as, db):
    entry("pii.read", target=("deputy", "5"), at=dt.datetime(2026, 3, 1, 2, tzinfo=dt.timezone.utc))
    entry("pii.read", target=("deputy", "6"))
    entry("auth.login_failed", target=("user", "1"))
    client = console_as("admin")
    assert client.get(f"{AUDIT}?action=pii.read").get_data(as_text=True).count('data-testid="audit-row"') == 2
    one = client.get(f"{AUDIT}?target_type=deputy&target_id=5", htmx=True).get_data(as_text=True)
    assert one.count('data-testid="audit-row"') == 1 and "<html" not in one
    day = client.get(f"{AUDIT}?action=pii.read&from=2026-03-01&to=2026-03-01").get_data(as_text=True)
    assert day.count('data-testid="audit-row"') == 1 and "deputy #5" in day


def test_a_backwards_date_range_is_422(console_as, db):
    assert console_as("admin").get(f"{AUDIT}?from=2026-03-02&to=2026-03-01").status_code == 422


def test_the_log_pages(console_as, db):
    for _ in range(25):
        entry("org.unit.create", target=("handling_unit", "1"))
    client = console_as("admin")
    first = client.get(f"{AUDIT}?action=org.unit.create").get_data(as_text=True)
    assert first.count('data-testid="audit-row"') == 20 and "共 25 条" in first
    assert client.get(f"{AUDIT}?action=org.unit.create&page=2").get_data(as_text=True).count("audit-row") == 5
