"""The office signs an account out everywhere: DELETE /auth/users/{id}/sessions."""
import pytest

from api.common.audit import AuditEntry
from tests.support import assert_error_shape


def test_staff_end_a_station_accounts_sessions_at_once_and_it_is_audited(login_as):
    target = login_as("station_staff")
    staff = login_as("staff")
    assert target.get("/api/v1/auth/me").status_code == 200
    response = staff.delete(f"/api/v1/auth/users/{target.user.id}/sessions")
    assert response.status_code == 204
    assert target.get("/api/v1/auth/me").status_code == 401
    entry = AuditEntry.get(AuditEntry.action == "auth.sessions_ended")
    assert entry.target_id == str(target.user.id) and entry.actor_id == staff.user.id
    assert '"sessions": 1' in entry.detail


def test_staff_cannot_end_an_admins_sessions(login_as):
    admin = login_as("admin")
    assert_error_shape(login_as("staff").delete(f"/api/v1/auth/users/{admin.user.id}/sessions"), 403)
    assert admin.get("/api/v1/auth/me").status_code == 200


@pytest.mark.parametrize("role", ["station_staff", "unit_user", "deputy"])
def test_only_the_office_ends_other_peoples_sessions(login_as, role):
    target = login_as("unit_user")
    assert_error_shape(login_as(role).delete(f"/api/v1/auth/users/{target.user.id}/sessions"), 403)


def test_an_unknown_account_is_404(login_as):
    assert_error_shape(login_as("admin").delete("/api/v1/auth/users/999999/sessions"), 404)
