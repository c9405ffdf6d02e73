"""The warm feed checks the session's revocation in its own Redis round trip; sign-out still ends it at once."""
from api.notices import feed
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


def test_with_redis_down_revocation_is_read_from_the_database(as_deputy, publish_notice, redis_down):
    from api.auth.models import AuthSession
    from api.common.db import utcnow

    (deputy,) = deputies(1)
    client = as_deputy(deputy)
    publish_notice()
    assert client.get(f"{URL}/feed").status_code == 200
    AuthSession.update(revoked_at=utcnow()).execute()
    assert_error_shape(client.get(f"{URL}/feed"), 401)


def test_a_view_that_skips_its_revocation_check_answers_500(as_deputy, publish_notice, monkeypatch):
    (deputy,) = deputies(1)
    client = as_deputy(deputy)
    publish_notice()
    monkeypatch.setattr(feed, "settle_revocation", lambda revoked: None)
    response = client.get(f"{URL}/feed")
    assert_error_shape(response, 500)
    assert "关于" not in response.get_data(as_text=True)
