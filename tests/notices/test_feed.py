"""The deputy feed: order, read state, unread count, only one's own notices, and a cache that is never stale."""
import json

import pytest

from api.common.queue import run_pending
from api.extensions import db, huey, redis_store
from api.jobs.models import OutboxJob
from api.jobs.services import dispatch
from api.notices import feed
from tests import factories
from tests.notices.conftest import URL
from tests.support import assert_error_shape

FEED = f"{URL}/feed"


def titles(client, **params):
    response = client.get(FEED, query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["title"] for item in response.get_json()]


def unread(client):
    return client.get(f"{FEED}/unread-count").get_json()["unread"]


@pytest.fixture
def me(as_deputy):
    deputy = factories.deputy()
    client = as_deputy(deputy)
    client.deputy = deputy
    return client


def test_pinned_first_then_newest_with_pagination(me, publish_notice):
    publish_notice(title="旧的置顶", pinned=True)
    publish_notice(title="第二条")
    publish_notice(title="最新一条")
    assert titles(me) == ["旧的置顶", "最新一条", "第二条"]
    response = me.get(FEED, query_string={"page": 2, "page_size": 2})
    assert [i["title"] for i in response.get_json()] == ["第二条"]
    assert json.loads(response.headers["X-Pagination"])["total"] == 3


def test_feed_items_are_small_and_say_what_the_phone_needs(me, publish_notice):
    from tests.notices.conftest import reply_slip

    notice = publish_notice(reply_slip=reply_slip())
    (item,) = me.get(FEED).get_json()
    assert set(item) == {"id", "kind", "title", "published_at", "pinned", "read", "updated", "reply_required",
                         "reply_deadline", "my_reply"}
    assert item["id"] == notice["id"] and item["reply_required"] is True and item["read"] is False


def test_opening_marks_read_and_unread_count_drops_at_once(me, publish_notice):
    first, _ = publish_notice(title="一"), publish_notice(title="二")
    assert unread(me) == 2
    me.get(FEED)  # warm the cache
    detail = me.get(f"{FEED}/{first['id']}").get_json()
    assert detail["read_at"] is not None and detail["body"] == "<p>请准时参加。</p>"
    assert unread(me) == 1
    assert {i["title"]: i["read"] for i in me.get(FEED).get_json()} == {"一": True, "二": False}


def test_a_deputy_never_sees_a_notice_not_addressed_to_them(me, as_deputy, publish_notice):
    other = factories.deputy()
    notice = publish_notice(audience={"deputy_ids": [other.id]})
    assert titles(me) == []
    assert_error_shape(me.get(f"{FEED}/{notice['id']}"), 404)
    assert_error_shape(me.put(f"{FEED}/{notice['id']}/reply", json={"option": "参加"}), 404)
    assert titles(as_deputy(other)) == ["关于召开代表座谈会的通知"]


def test_drafts_are_invisible_to_deputies(me, create_notice):
    notice = create_notice()
    assert titles(me) == []
    assert_error_shape(me.get(f"{FEED}/{notice['id']}"), 404)


def test_publish_shows_in_a_warm_feed_at_once(me, publish_notice):
    publish_notice(title="早先的")
    assert titles(me) == ["早先的"] and unread(me) == 1
    publish_notice(title="刚发布的")
    assert titles(me) == ["刚发布的", "早先的"]
    assert unread(me) == 2


def test_withdrawal_removes_it_at_once(me, staff, publish_notice):
    notice = publish_notice(title="将撤回")
    assert titles(me) == ["将撤回"] and unread(me) == 1
    staff.post(f"{URL}/{notice['id']}/withdraw", json={"reason": "内容有误"})
    assert titles(me) == [] and unread(me) == 0
    body = assert_error_shape(me.get(f"{FEED}/{notice['id']}"), 410)
    assert "撤回" in body["message"]


def test_edit_shows_at_once(me, staff, publish_notice):
    notice = publish_notice(title="原标题")
    assert titles(me) == ["原标题"]
    staff.patch(f"{URL}/{notice['id']}", json={"title": "更正后的标题", "pinned": True})
    assert titles(me) == ["更正后的标题"]
    assert me.get(FEED).get_json()[0]["pinned"] is True


def test_big_audiences_bump_one_global_generation(me, publish_notice, monkeypatch):
    monkeypatch.setattr(feed, "PER_DEPUTY_BUMP_MAX", 0)
    publish_notice(title="甲")
    assert titles(me) == ["甲"]
    before = int(redis_store.get(feed.GEN_ALL) or 0)
    publish_notice(title="乙")
    assert int(redis_store.get(feed.GEN_ALL)) == before + 1
    assert redis_store.get(feed.gen_key(me.deputy.id)) is None
    assert titles(me) == ["乙", "甲"]


def test_warm_feed_is_served_without_the_database(me, publish_notice, monkeypatch):
    publish_notice(title="缓存中")
    cold = me.get(FEED)
    me.get(f"{FEED}/unread-count")

    def no_database(*args, **kwargs):
        raise AssertionError("the warm feed touched the database")

    monkeypatch.setattr(db.obj, "execute_sql", no_database)
    warm = me.get(FEED)
    assert warm.status_code == 200
    assert warm.get_data() == cold.get_data()
    assert warm.headers["X-Pagination"] == cold.headers["X-Pagination"]
    assert me.get(f"{FEED}/unread-count").get_json() == {"unread": 1}


def test_redis_down_serves_fresh_data_from_the_database(me, publish_notice, staff, redis_down):
    notice = publish_notice(title="Redis 不可用时发布")
    assert titles(me) == ["Redis 不可用时发布"] and unread(me) == 1
    assert me.get(f"{FEED}/{notice['id']}").status_code == 200
    assert unread(me) == 0 and me.get(FEED).get_json()[0]["read"] is True
    staff.post(f"{URL}/{notice['id']}/withdraw", json={"reason": "撤回"})
    assert titles(me) == []


def test_a_bump_redis_missed_is_kept_in_the_outbox(me, publish_notice):
    import redis

    notice = publish_notice()
    assert titles(me) and unread(me) == 1
    original = redis_store.client
    redis_store.client = redis.Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    try:
        me.get(f"{FEED}/{notice['id']}")
    finally:
        redis_store.client = original
    job = OutboxJob.get(OutboxJob.task_name.endswith("bump_all_feeds"))
    assert unread(me) == 1  # stale until the bump runs: why it must not be lost
    dispatch(job)
    run_pending(huey)
    assert unread(me) == 0  # the old cached count is no longer reachable


def test_a_deputy_account_without_a_deputy_record_is_told_so(login_as):
    body = assert_error_shape(login_as("deputy").get(FEED), 403)
    assert "代表" in body["message"]


def test_page_size_is_capped(me):
    assert "page_size" in assert_error_shape(me.get(FEED, query_string={"page_size": 500}), 422)["errors"]


def test_a_redis_that_forgot_the_lua_script_still_serves_the_cache(me, publish_notice):
    publish_notice(title="脚本")
    cold = me.get(FEED).get_data()
    redis_store.script_flush()
    assert me.get(FEED).get_data() == cold


def test_the_feed_filters_by_kind_with_its_own_pages_and_cache(me, publish_notice):
    publish_notice(title="会议一", kind="会议通知")
    publish_notice(title="通报一", kind="情况通报")
    publish_notice(title="会议二", kind="会议通知")
    assert titles(me, kind="会议通知") == ["会议二", "会议一"]
    assert titles(me) == ["会议二", "通报一", "会议一"]
    response = me.get(FEED, query_string={"kind": "会议通知", "page_size": 1})
    assert json.loads(response.headers["X-Pagination"])["total"] == 2
    publish_notice(title="通报二", kind="情况通报")
    assert titles(me, kind="情况通报") == ["通报二", "通报一"]  # a publish reaches the filtered pages too
    assert "kind" in assert_error_shape(me.get(FEED, query_string={"kind": "通知"}), 422)["errors"]
