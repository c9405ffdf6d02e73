"""Issue 8, item 10 (tokens): a correctly signed token with a malformed claim is 401, never 500."""
import base64
import hashlib
import hmac
import json

import jwt
import pytest

from tests.auth.helpers import bearer
from tests.support import assert_error_shape

ME = "/api/v1/auth/me"
FEED = "/api/v1/notices/feed"


def resigned(app, token, **changes):
    claims = {**jwt.decode(token, options={"verify_signature": False}), **changes}
    claims = {key: value for key, value in claims.items() if value is not DROP}
    key = json.loads(app.config["JWT_KEYS"])["dev-1"]
    return jwt.encode(claims, key, algorithm="HS256", headers={"kid": "dev-1"})


DROP = object()
MALFORMED = {
    "sub-letters": {"sub": "abc"},
    "sub-float": {"sub": "1.5"},
    "sub-negative": {"sub": "-1"},
    "sub-zero": {"sub": "0"},
    "sub-beyond-64-bits": {"sub": "100000000000000000000"},
    "sub-int": {"sub": 5},
    "sub-list": {"sub": ["1"]},
    "sid-int": {"sid": 7},
    "sid-short": {"sid": "abc"},
    "role-unknown": {"role": "root"},
    "role-list": {"role": ["admin"]},
    "scope-string": {"scope": "all"},
    "scope-unknown-key": {"scope": {"admin": True}},
    "scope-deputy-string": {"scope": {"deputy_id": "1"}},
    "scope-deputy-bool": {"scope": {"deputy_id": True}},
    "scope-deputy-huge": {"scope": {"deputy_id": 2**70}},
    "scope-stations-string": {"scope": {"station_ids": "1,2"}},
    "scope-stations-nested": {"scope": {"station_ids": [[1]]}},
    "sat-string": {"sat": "now"},
    "sat-missing": {"sat": DROP},
    "scope-missing": {"scope": DROP},
    "typ-missing": {"typ": DROP},
    "iat-string": {"iat": "yesterday"},
}


@pytest.mark.parametrize("changes", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_signed_token_with_a_malformed_claim_is_401(app, login_as, changes):
    caller = login_as("deputy")
    assert caller.get(ME).status_code == 200  # the control: the untouched token works
    forged = resigned(app, caller.token, **changes)
    assert_error_shape(caller.get(ME, headers=bearer(forged)), 401)
    assert_error_shape(caller.get(FEED, headers=bearer(forged)), 401)


def b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def hand_signed(header, claims, key):
    """HS256 built by hand: PyJWT itself refuses to write a non-string kid."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    signature = hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def test_a_token_without_a_kid_or_with_a_non_string_kid_is_401(app, login_as):
    caller = login_as("staff")
    key = json.loads(app.config["JWT_KEYS"])["dev-1"]
    claims = jwt.decode(caller.token, options={"verify_signature": False})
    good = hand_signed({"alg": "HS256", "typ": "JWT", "kid": "dev-1"}, claims, key)
    assert caller.get(ME, headers=bearer(good)).status_code == 200
    for kid in ({}, {"kid": 1}, {"kid": ["dev-1"]}, {"kid": {"a": 1}}):
        token = hand_signed({"alg": "HS256", "typ": "JWT", **kid}, claims, key)
        assert_error_shape(caller.get(ME, headers=bearer(token)), 401)
