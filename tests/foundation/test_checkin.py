"""Rotating QR check-in codes: each refusal (forged, wrong session, expired, replayed, outside the window)."""
import datetime as dt

import pytest

from api.common.checkin import issue_code, read_code, verify_code
from api.common.errors import Conflict, Gone, Invalid

UTC = dt.timezone.utc
START = dt.datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
END = START + dt.timedelta(hours=2)
STEP = 10  # the default CHECKIN_STEP_SECONDS; grace is one step


def at(seconds):
    return START + dt.timedelta(seconds=seconds)


def issued(seconds, session_id=7, purpose="training"):
    return issue_code(purpose, session_id, START, END, now=at(seconds))["code"]


def check(code, seconds, session_id=7, user="d1", purpose="training"):
    return verify_code(purpose, session_id, code, user, START, END, now=at(seconds))


def test_a_fresh_code_is_accepted_and_rotates_every_step(app):
    first = issue_code("training", 7, START, END, now=at(3))
    assert first["step_seconds"] == STEP and 0 < first["expires_in"] <= STEP
    assert issued(4) == first["code"]  # same step, same code
    assert issued(13) != first["code"]  # the next step shows another
    assert check(first["code"], 5) == first["step"]
    assert read_code(first["code"]) == ("training", 7, first["step"])


def test_a_code_passes_within_one_step_of_grace_then_expires(app):
    code = issued(1)
    assert check(code, 12, user="d1")  # next step: still within the grace
    with pytest.raises(Gone) as refused:
        check(code, 21, user="d2")  # two steps later
    assert "过期" in refused.value.message


@pytest.mark.parametrize("tamper", [
    lambda code: code[:-1] + ("A" if code[-1] != "A" else "B"),  # signature changed
    lambda code: code.replace(".7.", ".8."),  # session changed, signature kept
    lambda code: code.rsplit(".", 2)[0] + f".{int(code.split('.')[3]) + 30}." + code.rsplit(".", 1)[1],  # step moved
    lambda code: "garbage",
    lambda code: code + "x" * 100,
    lambda code: code.replace("training", "activity"),
])
def test_forged_or_damaged_codes_are_refused(app, tamper):
    with pytest.raises(Invalid):
        check(tamper(issued(1)), 2)


def test_a_code_signed_with_another_secret_is_refused(app):
    code = issued(1)
    app.config["SECRET_KEY"] = "another-secret"
    with pytest.raises(Invalid):
        check(code, 2)


def test_a_code_for_another_session_or_purpose_is_refused(app):
    other = issued(1, session_id=8)
    with pytest.raises(Invalid) as refused:
        check(other, 2, session_id=7)
    assert "不属于本场次" in refused.value.message
    activity = issued(1, purpose="activity")
    with pytest.raises(Invalid):
        check(activity, 2, purpose="training")


def test_the_same_code_twice_by_the_same_user_is_a_replay(app):
    code = issued(1)
    check(code, 2, user="d1")
    with pytest.raises(Conflict) as refused:
        check(code, 3, user="d1")
    assert "已使用" in refused.value.message
    check(code, 3, user="d2")  # everyone in the room scans the same screen
    check(issued(11), 12, user="d1")  # the next code is a new code


def test_a_code_from_the_future_is_refused(app):
    with pytest.raises(Invalid):
        check(issued(25), 5)


def test_only_inside_the_sessions_window(app):
    with pytest.raises(Conflict):
        issue_code("training", 7, START, END, now=at(-1))
    with pytest.raises(Gone):
        issue_code("training", 7, START, END, now=at(2 * 3600 + 1))
    last = issued(2 * 3600)
    assert check(last, 2 * 3600 + STEP - 1)  # the grace at the end of the window
    with pytest.raises(Gone) as refused:
        check(last, 2 * 3600 + STEP + 1, user="d2")
    assert "已结束" in refused.value.message
    with pytest.raises(Conflict):
        verify_code("training", 7, issued(1), "d3", START, END, now=at(-5))


def test_step_and_grace_are_configurable(app):
    app.config.update(CHECKIN_STEP_SECONDS=30, CHECKIN_GRACE_STEPS=0)
    code = issued(1)
    assert issued(29) == code
    check(code, 29)
    with pytest.raises(Gone):
        check(code, 31, user="d2")


def test_replay_markers_hold_across_processes_in_redis(app):
    from api.extensions import redis_store

    code = issued(1)
    check(code, 2, user="d1")
    keys = redis_store.keys("checkin:used:*")
    assert len(keys) == 1 and 0 < redis_store.ttl(keys[0]) <= 3 * STEP
