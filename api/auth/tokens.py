"""Access tokens: short-lived JWTs signed by a key ring (rotate by prepending a new kid)."""
import datetime as dt
import hashlib
import json
import secrets
import uuid

import jwt
from flask import current_app

ALGORITHMS = ["HS256"]  # explicit: never trust the token's own "alg"
ACCESS_TYPE = "access"
REQUIRED_CLAIMS = ["exp", "iat", "iss", "aud", "sub", "typ", "sid", "role"]


class InvalidToken(Exception):
    pass


def key_ring():
    ring = json.loads(current_app.config["JWT_KEYS"])
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
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise InvalidToken("malformed") from exc
    ring = key_ring()
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
            leeway=5,
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(type(exc).__name__) from exc
    if claims["typ"] != ACCESS_TYPE:
        raise InvalidToken("not an access token")
    return claims


def new_opaque_token():
    """A refresh token: random, shown to the client once, stored only as its hash."""
    return secrets.token_urlsafe(32)


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()
