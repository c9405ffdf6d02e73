"""Session revocation that takes effect at once in every process.

Redis holds a revocation marker for as long as an access token could live; the database row is the
truth, consulted when Redis cannot answer.
"""
import logging

from flask import current_app

from api.common.redis import REDIS_ERRORS
from api.extensions import redis_store

log = logging.getLogger("deputyhub.auth")


def marker_key(session_id):
    return f"auth:revoked:{session_id}"


def is_revoked(session_id):
    try:
        return bool(redis_store.exists(marker_key(session_id)))
    except REDIS_ERRORS as exc:
        log.warning("revocation check fell back to the database", extra={"error": str(exc)})
        from api.auth.models import AuthSession

        session = AuthSession.get_or_none(AuthSession.id == session_id)
        return session is None or session.revoked_at is not None


def mark_revoked(*session_ids):
    ttl = current_app.config["ACCESS_TOKEN_TTL_SECONDS"] + 60
    try:
        pipe = redis_store.pipeline()
        for sid in session_ids:
            pipe.set(marker_key(sid), "1", ex=ttl)
        pipe.execute()
    except REDIS_ERRORS as exc:
        # Callers publish here before committing the database change: a revocation Redis never saw
        # would let live access tokens through, so the whole sign-out must fail and be retried.
        log.error("could not publish session revocation", extra={"error": str(exc)})
        raise
