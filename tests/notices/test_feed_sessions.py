"""The feed relies on the one revocation check of the auth layer: sign-out ends it at once, Redis or not."""
import pytest

from api.extensions import redis_store
from tests.notices.conftest import URL, deputies
from tests.support import assert_error_shape


def test_sign_out_ends_warm_feed_access_at_once(as_deputy, publish_notice):
    (deputy,) = deputies(1)
    client = as_deputy(deputy)
    publish_notice()
    for _ in range(2):  # the second read is served from the cache
        assert client.get(f"{URL}/feed").status_code == 200
    assert client.get(f"{URL}/feed/unread-count").status_code == 200

    assert client.post("/api/v1/auth/logout").status_code in (200, 204)
    assert_error_shape(client.get(f"{URL}/feed"), 401)
    assert_error_shape(client.get(f"{URL}/feed/unread-count"), 401)


@pytest.fixture
def signed_out_then_redis_down(as_deputy, publish_notice, request):
    (deputy,) = deputies(1)
    client = as_deputy(deputy)
    publish_notice()
    assert client.get(f"{URL}/feed").status_code == 200
    assert client.post("/api/v1/auth/logout").status_code == 204
    request.getfixturevalue("redis_down")
    return client


def test_with_redis_down_revocation_is_read_from_the_database(signed_out_then_redis_down):
    assert_error_shape(signed_out_then_redis_down.get(f"{URL}/feed"), 401)
    assert_error_shape(signed_out_then_redis_down.get(f"{URL}/feed/unread-count"), 401)


def test_an_emptied_redis_does_not_forget_a_sign_out(as_deputy, publish_notice):
    (deputy,) = deputies(1)
    client = as_deputy(deputy)
    publish_notice()
    assert client.post("/api/v1/auth/logout").status_code == 204
    redis_store.flushdb()
    assert_error_shape(client.get(f"{URL}/feed"), 401)
