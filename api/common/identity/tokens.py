"""Access tokens: short-lived JWTs signed by a key ring (rotate by prepending a new kid)."""
import datetime as dt
import functools
import hashlib
import json
import re
import secrets
import time
import uuid

import jwt
from flask import current_app

from api.common.permissions import ROLES

ALGORITHMS = ["HS256"]  # explicit: never trust the token's own "alg"
ACCESS_TYPE = "access"
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "typ", "sid", "role", "sat", "scope"]
LEEWAY_SECONDS = 5
VERIFIED_CACHE_SIZE = 20_000
MAX_ID = 2**63 - 1  # what the database's id columns hold
USER_ID = re.compile(r"^[1-9][0-9]{0,18}$")
SESSION_ID = re.compile(r"^[0-9a-f]{32}$")
SCOPE_IDS = ("deputy_id", "unit_id")
SCOPE_ID_LISTS = ("station_ids", "deputy_ids")  # each at most MAX_STATIONS long
MAX_STATIONS = 1000

_verified = {}  # token -> (kid, key, (aud, iss), claims); per process


class InvalidToken(Exception):
    pass


def key_ring():
    return _parse_ring(current_app.config["JWT_KEYS"])


@functools.lru_cache(maxsize=8)
def _parse_ring(raw):
    ring = json.loads(raw)
    if not ring:
        raise RuntimeError("JWT_KEYS must hold at least one key")
    return ring


def session_time_us(moment):
    """A session's start as integer microseconds: tokens carry it as `sat`, revocation compares with it."""
    return int(moment.timestamp() * 1_000_000)


def issue_access_token(user_id, role, session_id, session_started, scope=None, ttl_seconds=None):
    ring = key_ring()
    kid = next(iter(ring))
    now = dt.datetime.now(dt.timezone.utc)
    claims = {
        "iss": current_app.config["JWT_ISSUER"],
        "aud": current_app.config["JWT_AUDIENCE"],
        "sub": str(user_id),
        "typ": ACCESS_TYPE,
        "sid": session_id,
        "sat": session_time_us(session_started),
        "role": role,
        "scope": scope or {},
        "iat": now,
        "exp": now + dt.timedelta(seconds=ttl_seconds or current_app.config["ACCESS_TOKEN_TTL_SECONDS"]),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, ring[kid], algorithm=ALGORITHMS[0], headers={"kid": kid, "typ": "JWT"})


def decode_access_token(token):
    """Verified and well-formed claims of an access token, or InvalidToken.

    A token verified once is remembered until it expires: signature checks are most of the cost of
    a cached read. The cache is keyed by the whole token and the key that signed it, so a tampered
    token never matches and a kid removed from the ring stops working at once. Revocation is not
    cached here; `revocation.is_revoked` answers it on every request.
    """
    ring = key_ring()
    context = (current_app.config["JWT_AUDIENCE"], current_app.config["JWT_ISSUER"])
    hit = _verified.get(token)
    if hit is not None:
        kid, secret, verified_for, claims = hit
        if ring.get(kid) == secret and verified_for == context and claims["exp"] > time.time():
            return claims
        _verified.pop(token, None)
    kid, claims = _verify(token, ring)
    if len(_verified) >= VERIFIED_CACHE_SIZE:
        _verified.clear()  # crude but bounded; a refill costs one verification per live token
    _verified[token] = (kid, ring[kid], context, claims)
    return claims


def _verify(token, ring):
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise InvalidToken("malformed") from exc
    kid = header.get("kid")
    if not isinstance(kid, str) or kid not in ring:
        raise InvalidToken("unknown kid")
    try:
        claims = jwt.decode(
            token,
            ring[kid],
            algorithms=ALGORITHMS,
            audience=current_app.config["JWT_AUDIENCE"],
            issuer=current_app.config["JWT_ISSUER"],
            options={"require": REQUIRED_CLAIMS},
            leeway=LEEWAY_SECONDS,
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(type(exc).__name__) from exc
    check_claims(claims)
    return kid, claims


def check_claims(claims):
    """Every claim the code reads, checked for type and range: a signed token is trusted, not its shape."""
    if claims["typ"] != ACCESS_TYPE:
        raise InvalidToken("not an access token")
    sub, sid, role, sat, scope = (claims[name] for name in ("sub", "sid", "role", "sat", "scope"))
    if not isinstance(sub, str) or not USER_ID.match(sub) or int(sub) > MAX_ID:
        raise InvalidToken("bad sub")
    if not isinstance(sid, str) or not SESSION_ID.match(sid):
        raise InvalidToken("bad sid")
    if not isinstance(role, str) or role not in ROLES:
        raise InvalidToken("bad role")
    if not _is_id(sat, allow_zero=True):
        raise InvalidToken("bad sat")
    if not isinstance(scope, dict) or not set(scope) <= {*SCOPE_IDS, *SCOPE_ID_LISTS}:
        raise InvalidToken("bad scope")
    if any(not _is_id(scope[name]) for name in SCOPE_IDS if name in scope):
        raise InvalidToken("bad scope id")
    for name in SCOPE_ID_LISTS:
        ids = scope.get(name, [])
        if not isinstance(ids, list) or len(ids) > MAX_STATIONS or not all(map(_is_id, ids)):
            raise InvalidToken(f"bad {name}")


def _is_id(value, allow_zero=False):
    # bool is an int in Python; `true` is not an id.
    return type(value) is int and (0 if allow_zero else 1) <= value <= MAX_ID


def new_opaque_token():
    """A refresh token: random, shown to the client once, stored only as its hash."""
    return secrets.token_urlsafe(32)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()
