"""A retried submission with the same Idempotency-Key creates one case and answers the same."""
import pytest

from api.common import idempotency
from api.common.errors import Conflict
from api.extensions import db
from api.feedback.models import FeedbackCase
from tests.support import assert_error_shape

KEY = {"Idempotency-Key": "mp-2026-11-30-0001"}


def test_a_retry_with_the_same_key_answers_the_first_receipt(constituent, submit):
    client = constituent()
    first = submit(client, headers=KEY)
    again = submit(client, headers=KEY)
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    assert FeedbackCase.select().count() == 1


def test_the_same_key_with_another_submission_is_409(constituent, submit):
    client = constituent()
    submit(client, headers=KEY)
    body = assert_error_shape(submit(client, headers=KEY, content="另一件事：小区垃圾桶满了没人清运。"), 409)
    assert "Idempotency-Key" in body["errors"]
    assert FeedbackCase.select().count() == 1


def test_keys_are_per_identity(constituent, submit):
    assert submit(constituent(), headers=KEY).get_json()["id"] != submit(constituent(), headers=KEY).get_json()["id"]


def test_without_a_key_each_submission_is_a_case(constituent, submit):
    client = constituent()
    submit(client)
    submit(client)
    assert FeedbackCase.select().count() == 2


@pytest.mark.parametrize("key", ["short", "has space in it", "x" * 65, "中文键值中文键值"])
def test_malformed_keys_are_422(constituent, submit, key):
    assert_error_shape(submit(constituent(), headers={"Idempotency-Key": key}), 422)


def test_a_replay_does_not_count_against_the_rate_limit(app, constituent, submit):
    app.config["FEEDBACK_SUBMIT_PER_USER_HOUR"] = 1
    client = constituent()
    assert submit(client, headers=KEY).status_code == 201
    assert submit(client, headers=KEY).status_code == 201


def test_a_concurrent_first_request_that_loses_the_race_rolls_back_and_answers_the_winner(app):
    print_ = idempotency.fingerprint({"a": 1})
    with db.atomic():
        idempotency.remember("scope", "race-key-1", print_, {"id": 1})
    with pytest.raises(idempotency.AlreadyDone) as lost, db.atomic():
        idempotency.remember("scope", "race-key-1", print_, {"id": 2})
    assert lost.value.answer == {"id": 1}
    with pytest.raises(Conflict):
        idempotency.replay("scope", "race-key-1", idempotency.fingerprint({"a": 2}))


def test_old_keys_are_pruned(app):
    import datetime as dt

    with db.atomic():
        idempotency.remember("scope", "old-key-1", "f", {"id": 1})
    assert idempotency.prune(older_than=dt.timedelta(seconds=-1)) == 1
