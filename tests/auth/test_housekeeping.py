"""Old sessions and binding codes are pruned; live ones stay."""
import datetime as dt

from api.auth.models import AuthSession, RefreshToken
from api.auth.tasks import prune_sessions
from api.common.db import utcnow
from api.common.queue import run_pending
from api.extensions import huey


def test_prune_removes_long_dead_sessions_and_their_refresh_tokens(login_as):
    live = login_as("staff")
    dead = login_as("staff")
    long_ago = utcnow() - dt.timedelta(days=60)
    AuthSession.update(expires_at=long_ago).where(AuthSession.id == dead.user.sessions.get().id).execute()

    prune_sessions()
    assert run_pending(huey) == 1

    assert [s.user_id for s in AuthSession.select()] == [live.user.id]
    assert RefreshToken.select().count() == 1
    assert live.get("/api/v1/auth/me").status_code == 200
