"""Submission limits per WeChat identity, client address and station, answered 429 in the error shape."""
import pytest

from api.feedback.models import FeedbackCase
from tests import factories
from tests.feedback.conftest import URL
from tests.support import assert_error_shape


def test_per_identity(app, constituent, submit):
    app.config["FEEDBACK_SUBMIT_PER_USER_HOUR"] = 2
    client = constituent()
    assert [submit(client).status_code for _ in range(2)] == [201, 201]
    refused = submit(client)
    body = assert_error_shape(refused, 429)
    assert body["message"] == "提交过于频繁，请稍后再试。"
    assert int(refused.headers["Retry-After"]) >= 1
    assert submit(constituent()).status_code == 201  # another person is not held up
    assert FeedbackCase.select().count() == 3


def test_per_address(app, constituent, submit):
    app.config["FEEDBACK_SUBMIT_PER_ADDRESS_HOUR"] = 2
    assert [submit(constituent()).status_code for _ in range(3)] == [201, 201, 429]


def test_per_station(app, constituent, submit):
    app.config["FEEDBACK_SUBMIT_PER_STATION_MINUTE"] = 1
    assert submit(constituent()).status_code == 201
    assert_error_shape(submit(constituent()), 429)
    other = factories.station()
    assert submit(constituent(), station_id=other.id).status_code == 201


def test_limits_can_be_switched_off(app, constituent, submit):
    app.config["FEEDBACK_SUBMIT_PER_USER_HOUR"] = 1
    app.config["RATELIMIT_ENABLED"] = False
    client = constituent()
    assert [submit(client).status_code for _ in range(3)] == [201, 201, 201]


@pytest.mark.parametrize("limit", [1])
def test_tracking_lookups_are_limited_per_address(app, client, limit):
    app.config["FEEDBACK_TRACK_PER_ADDRESS_MINUTE"] = limit
    assert_error_shape(client.get(f"{URL}/track/ABCDEFGH23"), 404)
    assert_error_shape(client.get(f"{URL}/track/ABCDEFGH23"), 429)
