"""Access tokens: short-lived JWTs signed by a key ring (rotate by prepending a new kid)."""
import datetime as dt
import functools
import hashlib
import json
import secrets
import time
import uuid

import jwt
from flask import current_app

ALGORITHMS = ["HS256"]  # explicit: never trust the token's own "alg"
ACCESS_TYPE = "access"
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "typ", "sid", "role"]
LEEWAY_SECONDS = 5
VERIFIED_CACHE_SIZE = 20_000

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


def issue_access_token(user_id, role, session_id, scope=None):
    ring = key_ring()
    kid = next(iter(ring))
    now = dt.datetime.now(dt.timezone.utc)
    claims = {
        "iss": current_app.config["JWT_ISSUER"],
        "aud": current_app.config["JWT_AUDIENCE"],
        "sub": str(user_id),
        "typ": ACCESS_TYPE,
        "sid": session_id,
        "role": role,
        "scope": scope or {},
        "iat": now,
        "exp": now + dt.timedelta(seconds=current_app.config["ACCESS_TOKEN_TTL_SECONDS"]),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, ring[kid], algorithm=ALGORITHMS[0], headers={"kid": kid, "typ": "JWT"})


def decode_access_token(token):
    """Verified claims of an access token, or InvalidToken.

    A token verified once is remembered until it expires: signature checks are most of the cost of
    a cached read. The cache is keyed by the whole token and the key that signed it, so a tampered
    token never matches and a kid removed from the ring stops working at once. Revocation is not
    cached here; it is checked on every request.
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
    if kid not in ring:
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
    if claims["typ"] != ACCESS_TYPE:
        raise InvalidToken("not an access token")
    return kid, claims


def new_opaque_token():
    """A refresh token: random, shown to the client once, stored only as its hash."""
    return secrets.token_urlsafe(32)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()
