"""Edits readers should know about, and the feed's contract: schema-shaped items, the pagination header, page sizes."""
import json

import pytest

from api.extensions import db
from api.push.models import Delivery
from tests import factories
from tests.notices.conftest import URL
from tests.support import assert_error_shape

FEED = f"{URL}/feed"


def feed_item(client, notice_id):
    return next(item for item in client.get(FEED).get_json() if item["id"] == notice_id)


@pytest.fixture
def readers(as_deputy):
    """Two deputies: the first has opened the notice about to be published, the second not yet."""
    people = [factories.deputy(), factories.deputy()]
    return [as_deputy(p) for p in people], people


def test_an_edit_after_reading_marks_the_notice_updated_until_opened_again(staff, publish_notice, readers):
    (reader, other), _ = readers
    notice = publish_notice()
    reader.get(f"{FEED}/{notice['id']}")
    assert feed_item(reader, notice["id"])["updated"] is False  # warm the cache

    assert staff.patch(f"{URL}/{notice['id']}", json={"body": "<p>改为下午三点。</p>"}).status_code == 200
    assert feed_item(reader, notice["id"])["updated"] is True
    assert feed_item(other, notice["id"])["updated"] is False  # never read: nothing to be told

    reader.get(f"{FEED}/{notice['id']}")
    assert feed_item(reader, notice["id"])["updated"] is False
    # Pinning is not a change of content: nobody is told about it.
    staff.patch(f"{URL}/{notice['id']}", json={"pinned": True})
    assert feed_item(reader, notice["id"])["updated"] is False


def test_staff_choose_to_push_the_correction_to_those_who_had_read_it(staff, publish_notice, readers):
    (reader, _), people = readers
    notice = publish_notice()
    reader.get(f"{FEED}/{notice['id']}")

    staff.patch(f"{URL}/{notice['id']}", json={"title": "座谈会改期通知"})  # no push unless asked
    assert Delivery.select().where(Delivery.scope.startswith("update")).count() == 0

    response = staff.patch(f"{URL}/{notice['id']}", json={"body": "<p>改到周五。</p>", "notify": True})
    assert response.status_code == 200 and response.get_json()["version"] == 3
    (correction,) = Delivery.select().where(Delivery.scope == "update-3")
    assert correction.deputy_id == people[0].id
    query = {"source_type": "notice", "source_id": notice["id"], "purpose": "correction"}
    assert staff.get("/api/v1/push/deliveries/summary", query_string=query).get_json()["total"] == 1


def test_notify_is_only_for_published_notices_and_is_not_an_edit_on_its_own(staff, create_notice, publish_notice):
    draft = create_notice()
    body = assert_error_shape(staff.patch(f"{URL}/{draft['id']}", json={"title": "新", "notify": True}), 409)
    assert "「草稿」" in body["message"]
    factories.deputy()
    published = publish_notice()
    assert_error_shape(staff.patch(f"{URL}/{published['id']}", json={"notify": True}), 422)


def test_pagination_header_follows_the_documented_schema(as_deputy, publish_notice):
    me = as_deputy(factories.deputy())
    for n in range(5):
        publish_notice(title=f"第{n}条")
    header = json.loads(me.get(FEED, query_string={"page": 2, "page_size": 2}).headers["X-Pagination"])
    assert header == {"total": 5, "total_pages": 3, "first_page": 1, "last_page": 3, "page": 2,
                      "previous_page": 1, "next_page": 3}
    beyond = json.loads(me.get(FEED, query_string={"page": 9, "page_size": 2}).headers["X-Pagination"])
    assert beyond == {"total": 5, "total_pages": 3, "first_page": 1, "last_page": 3}
    empty = as_deputy(factories.deputy())  # added after those notices went out
    assert json.loads(empty.get(FEED).headers["X-Pagination"]) == {"total": 0, "total_pages": 0}


def test_feed_page_size_bounds_are_those_of_every_list(as_deputy, publish_notice):
    me = as_deputy(factories.deputy())
    publish_notice()
    assert me.get(FEED, query_string={"page_size": 100}).status_code == 200
    assert "page_size" in assert_error_shape(me.get(FEED, query_string={"page_size": 101}), 422)["errors"]


def test_a_warm_feed_read_touches_no_database(as_deputy, publish_notice, monkeypatch):
    me = as_deputy(factories.deputy())
    publish_notice()
    cold = me.get(FEED)
    unread = me.get(f"{FEED}/unread-count")
    statements = []
    original = db.obj.execute_sql
    monkeypatch.setattr(db.obj, "execute_sql", lambda sql, *a, **k: statements.append(sql) or original(sql, *a, **k))
    warm = me.get(FEED)
    assert me.get(f"{FEED}/unread-count").get_data() == unread.get_data()
    assert statements == []
    # What the cache serves is exactly what the schema produced on the cold read.
    assert warm.get_data() == cold.get_data()
    assert warm.headers["X-Pagination"] == cold.headers["X-Pagination"]
