"""Fixtures for sign-in tests: the WeChat stand-in over real HTTP, deputies, and a response recorder."""
import itertools

import pytest
from flask import request_finished

from api.common.pii import blind_index
from api.deputies.models import Deputy
from api.org.models import Delegation
from tests import factories
from tests.auth.helpers import TEST_PHONES

_numbers = itertools.count(1)


@pytest.fixture
def bodies(app):
    """Every response body this test's app sends, to prove secrets never leave the server."""
    seen = []

    def keep(sender, response, **extra):
        seen.append(response.get_data(as_text=True))

    request_finished.connect(keep, app)
    yield seen
    request_finished.disconnect(keep, app)


@pytest.fixture
def no_leaks(bodies):
    """After the test: no response carried a WeChat session_key or a test phone number."""
    yield
    from api.extensions import redis_store

    session_keys = [redis_store.get(key).decode() for key in redis_store.scan_iter("wechat:session_key:*")]
    for body in bodies:
        assert "session_key" not in body
        assert not any(key in body for key in session_keys)
        assert not any(phone in body for phone in TEST_PHONES)


@pytest.fixture
def make_deputy(app):
    def make(name="王代表", phone=None, **attributes):
        n = next(_numbers)
        delegation, _ = Delegation.get_or_create(name="测试代表团")
        attributes.setdefault("congress", factories.own_congress())
        return Deputy.create(
            code=f"D{n:05d}",
            name=name,
            gender="女",
            delegation=delegation,
            term=16,
            phone=phone,
            phone_hash=blind_index(phone) if phone else None,
            **attributes,
        )

    return make
