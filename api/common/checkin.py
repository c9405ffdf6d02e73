"""Rotating QR check-in codes for anything people attend in person (training classes, activities).

The staff screen shows `issue_code(...)`; it changes every CHECKIN_STEP_SECONDS, so a photo of it
forwarded to someone elsewhere stops working moments later. A deputy's phone scans it and the
owning module calls `verify_code(...)`, then records the attendance itself.

A code is `ck1.<purpose>.<session id>.<time step>.<signature>`: the signature is an HMAC-SHA256
(key derived from SECRET_KEY) over purpose, session id and time step, so a code cannot be made
for another session, another purpose (a class code is useless for an activity) or a later step.

A presented code is accepted only if all of these hold, checked in this order:
- it parses and its signature matches (else `Invalid`: forged or damaged);
- its purpose and session are the ones being checked in to (else `Invalid`: wrong session);
- now is inside the session's window, extended by the grace at its end (else `Conflict` before
  the window opens, `Gone` after it closed);
- its step is the current one or at most CHECKIN_GRACE_STEPS older (else `Gone`: expired; a step
  from the future, which this server never issued, is `Invalid`);
- it was not accepted before for the same user (else `Conflict`: replayed).

Replay, precisely: the same code (same purpose, session and step) presented again by the same user
after it was once accepted. The marker is a Redis `SET NX` whose expiry outlives the code's
validity, so it holds across processes and workers; a code older than the grace is refused as
expired without needing a marker. Many users may present the same code (they all scan one screen):
that is the point of a shared screen, and each is checked in once by the owning module.
"""
import base64
import hashlib
import hmac
import re
import time

from flask import current_app

from api.common.errors import Conflict, Gone, Invalid
from api.extensions import redis_store

VERSION = "ck1"
PURPOSE_PATTERN = re.compile(r"^[a-z][a-z_]{0,19}$")
CODE_PATTERN = re.compile(r"^ck1\.([a-z][a-z_]{0,19})\.([1-9][0-9]{0,18})\.([0-9]{1,12})\.([A-Za-z0-9_-]{22})$")
CODE_MAX_LENGTH = 100

FORGED = "签到码无效，请扫描现场屏幕上的二维码。"
WRONG_SESSION = "该签到码不属于本场次。"
NOT_OPEN = "签到尚未开始。"
CLOSED = "签到已结束。"
EXPIRED = "签到码已过期，请扫描屏幕上的最新二维码。"
REPLAYED = "该签到码已使用过，请扫描屏幕上的最新二维码。"


def settings():
    config = current_app.config
    return int(config["CHECKIN_STEP_SECONDS"]), int(config["CHECKIN_GRACE_STEPS"])


def _key():
    # A key of its own, derived from the app secret, so check-in signatures never collide with
    # anything else the app signs.
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, b"deputyhub.checkin.v1", hashlib.sha256).digest()


def _sign(purpose, session_id, step):
    message = f"{VERSION}|{purpose}|{session_id}|{step}".encode()
    digest = hmac.new(_key(), message, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _epoch(moment):
    return moment.timestamp() if moment is not None else time.time()


def _check_purpose(purpose):
    if not PURPOSE_PATTERN.match(purpose):
        raise ValueError(f"bad check-in purpose: {purpose!r}")


def issue_code(purpose, session_id, starts_at, ends_at, now=None):
    """The code to show now for a session: {code, step, expires_in, step_seconds}.

    Raises Conflict before the window opens and Gone once it has closed: the screen shows why.
    """
    _check_purpose(purpose)
    step_seconds, _ = settings()
    current = _epoch(now)
    if current < starts_at.timestamp():
        raise Conflict(NOT_OPEN)
    if current > ends_at.timestamp():
        raise Gone(CLOSED)
    step = int(current // step_seconds)
    return {
        "code": f"{VERSION}.{purpose}.{session_id}.{step}.{_sign(purpose, session_id, step)}",
        "step": step,
        "expires_in": round((step + 1) * step_seconds - current, 3),
        "step_seconds": step_seconds,
    }


def read_code(code):
    """(purpose, session id, step) of a code whose signature is valid; Invalid otherwise.

    Lets a client post just the scanned text: the session it names is then checked by `verify_code`.
    """
    match = CODE_PATTERN.match(code) if isinstance(code, str) and len(code) <= CODE_MAX_LENGTH else None
    if not match:
        raise Invalid(FORGED)
    purpose, session_id, step, signature = match.group(1), int(match.group(2)), int(match.group(3)), match.group(4)
    if not hmac.compare_digest(signature, _sign(purpose, session_id, step)):
        raise Invalid(FORGED)
    return purpose, session_id, step


def verify_code(purpose, session_id, code, user_key, starts_at, ends_at, now=None):
    """Accept `code` for `user_key` checking in to (purpose, session_id); return its step.

    Raises Invalid (forged, wrong session, future step), Conflict (not open yet, replayed) or Gone
    (closed, expired). Call it once the caller knows the user may attend the session.
    """
    _check_purpose(purpose)
    code_purpose, code_session, step = read_code(code)
    if code_purpose != purpose or code_session != session_id:
        raise Invalid(WRONG_SESSION)
    step_seconds, grace = settings()
    current = _epoch(now)
    if current < starts_at.timestamp():
        raise Conflict(NOT_OPEN)
    if current > ends_at.timestamp() + grace * step_seconds:
        raise Gone(CLOSED)
    current_step = int(current // step_seconds)
    if step > current_step:
        raise Invalid(FORGED)
    if step < current_step - grace or (step + 1) * step_seconds <= starts_at.timestamp():
        raise Gone(EXPIRED)
    marker = f"checkin:used:{purpose}:{session_id}:{step}:{user_key}"
    # Outlives the code's validity (grace + current step), so the marker is there as long as the code could pass.
    if not redis_store.set(marker, 1, nx=True, ex=(grace + 2) * step_seconds):
        raise Conflict(REPLAYED)
    return step
