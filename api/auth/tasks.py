"""Housekeeping for sign-in sessions."""
import datetime as dt

from flask import current_app
from huey import crontab

from api.auth.models import AuthSession, BindingCode
from api.auth.services import prune_throttles
from api.common.db import utcnow
from api.common.identity import revocation
from api.common.queue import app_periodic_task
from api.extensions import huey

# Kept a while after they end so the audit trail can still name the session a request came from.
EXPIRED_SESSION_RETENTION = dt.timedelta(days=30)


@app_periodic_task(huey, crontab(minute="41", hour="4"))
def prune_sessions():
    """Drop sessions (and, by cascade, their refresh tokens) long past expiry or revocation."""
    cutoff = utcnow() - EXPIRED_SESSION_RETENTION
    ended = (AuthSession.expires_at < cutoff) | (AuthSession.revoked_at < cutoff)
    sessions = AuthSession.delete().where(ended).execute()
    codes = BindingCode.delete().where(BindingCode.expires_at < cutoff).execute()
    # Refreshes check the session row; access tokens die within minutes: old revocations answer nothing.
    revocations = revocation.prune(cutoff)
    memory = dt.timedelta(seconds=current_app.config["LOGIN_FAILURE_MEMORY_SECONDS"])
    throttles = prune_throttles(utcnow() - memory)
    return {"sessions": sessions, "binding_codes": codes, "revocations": revocations, "login_throttles": throttles}
