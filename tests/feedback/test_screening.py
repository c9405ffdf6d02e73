"""Screening outcomes: pass, the staff word list, WeChat risky, WeChat failing for good, WeChat unavailable."""
import datetime as dt

from api.common.queue import run_pending
from api.extensions import huey, redis_store
from api.feedback import deadlines, screening
from api.feedback.models import FeedbackCase
from api.jobs.models import OutboxJob
from tests.feedback.conftest import URL, history
from tests.support import assert_error_shape


def states(case_id):
    return [(row["from_state"], row["to_state"]) for row in history(case_id)]


def test_clean_content_passes_to_the_inbox(constituent, submit, wechat):
    body = submit(constituent()).get_json()
    assert body["state"] == "submitted"
    assert FeedbackCase.get_by_id(body["id"]).screening == "pass"
    assert wechat.stats()["msg_sec_check"] == 1


def test_the_staff_word_list_sends_a_case_to_manual_review(login_as, constituent, submit, staff):
    office = login_as("staff")
    assert office.post(f"{URL}/words", json={"word": "某某敏感词"}).status_code == 201
    assert_error_shape(office.post(f"{URL}/words", json={"word": "某某敏感词"}), 409)
    body = submit(constituent(), content="这里提到了某某敏感词，请处理。").get_json()
    assert body["state"] == "review"
    case = FeedbackCase.get_by_id(body["id"])
    assert (case.screening, case.screening_label) == ("words", "某某敏感词")
    # Staff release it after looking; the move is on the timeline.
    assert staff.post(f"{URL}/cases/{case.id}/release").get_json()["state"] == "submitted"
    assert states(case.id) == [(None, "review"), ("review", "submitted")]


def test_wechat_risky_goes_to_manual_review(constituent, submit):
    body = submit(constituent(), content="有人在小区里组织赌博，请查处。").get_json()
    case = FeedbackCase.get_by_id(body["id"])
    assert (body["state"], case.screening, case.screening_label) == ("review", "wechat", "risky:20006")


def test_wechat_refusing_for_good_goes_to_manual_review(constituent, submit, wechat):
    wechat.fail("msg_sec_check", 40003, times=3)  # invalid openid: asking again cannot help
    body = submit(constituent()).get_json()
    case = FeedbackCase.get_by_id(body["id"])
    assert (body["state"], case.screening) == ("review", "failed")


def test_a_constituent_without_a_wechat_identity_goes_to_manual_review(login_as, submit):
    body = submit(login_as("constituent")).get_json()
    assert (body["state"], FeedbackCase.get_by_id(body["id"]).screening) == ("review", "failed")


def test_wechat_unavailable_accepts_and_queues_the_case_never_losing_it(constituent, submit, wechat):
    wechat.fail("msg_sec_check", "http500", times=3)  # the client's first try and both retries
    response = submit(constituent())
    assert response.status_code == 201
    body = response.get_json()
    assert body["state"] == "screening"
    assert OutboxJob.select().where(OutboxJob.task_name.contains("screen_case")).count() == 1
    # The queued job screens it once WeChat answers again.
    assert run_pending(huey) >= 1
    case = FeedbackCase.get_by_id(body["id"])
    assert (case.state, case.screening) == ("submitted", "pass")
    assert states(case.id) == [(None, "screening"), ("screening", "submitted")]


def test_after_an_outage_intake_queues_at_once_for_a_while(app, constituent, submit, wechat):
    wechat.fail("msg_sec_check", "http500", times=3)
    submit(constituent())
    calls = wechat.stats()["msg_sec_check"]
    body = submit(constituent()).get_json()  # WeChat is not asked again while paused
    assert body["state"] == "screening" and wechat.stats()["msg_sec_check"] == calls
    assert deadlines.screen_queued(body["id"]) is True  # the queued job asks anyway
    redis_store.delete(screening.PAUSE_KEY)  # the pause has run out
    assert submit(constituent()).get_json()["state"] == "submitted"


def test_still_unavailable_keeps_it_waiting_and_the_sweep_tries_again(constituent, submit, wechat, make_case):
    wechat.fail("msg_sec_check", "http500", times=3)
    case_id = submit(constituent()).get_json()["id"]
    wechat.fail("msg_sec_check", "http500", times=3)
    assert deadlines.screen_queued(case_id) is False
    assert FeedbackCase.get_by_id(case_id).state == "screening"
    FeedbackCase.update(updated_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)).execute()
    assert deadlines.sweep_screening() == 1
    assert FeedbackCase.get_by_id(case_id).state == "submitted"


def test_a_queued_case_flagged_later_goes_to_review(constituent, submit, wechat):
    wechat.fail("msg_sec_check", "http500", times=3)
    case_id = submit(constituent(), content="有人在小区里组织赌博，请查处。").get_json()["id"]
    assert deadlines.screen_queued(case_id) is True
    assert FeedbackCase.get_by_id(case_id).state == "review"


def test_the_word_list_is_for_the_office(login_as):
    assert_error_shape(login_as("station_staff").get(f"{URL}/words"), 403)
    office = login_as("staff")
    word_id = office.post(f"{URL}/words", json={"word": "测试词"}).get_json()["id"]
    assert [w["word"] for w in office.get(f"{URL}/words").get_json()] == ["测试词"]
    assert office.delete(f"{URL}/words/{word_id}").status_code == 204
    assert_error_shape(office.delete(f"{URL}/words/{word_id}"), 404)


def test_with_the_queue_down_too_the_case_and_its_job_wait_in_the_database(monkeypatch, constituent, submit, wechat):
    import redis

    from api.jobs import services as jobs

    def queue_down(task):
        raise redis.ConnectionError("queue down")

    wechat.fail("msg_sec_check", "http500", times=3)
    monkeypatch.setattr(huey, "enqueue", queue_down)
    response = submit(constituent())
    assert response.status_code == 201
    waiting = OutboxJob.get(OutboxJob.task_name.contains("screen_case"))
    assert waiting.enqueued_at is None
    monkeypatch.undo()  # Redis is back: the relay hands the job over and the worker screens the case
    OutboxJob.update(created_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)).execute()
    assert jobs.relay_outbox() == 2  # the screening job and the similar-case indexing job
    run_pending(huey)
    assert FeedbackCase.get_by_id(response.get_json()["id"]).state == "submitted"


def test_words_match_case_insensitively_and_literally(db):
    from api.feedback.models import BlockedWord
    from api.feedback.screening import matched_word

    for word in ("50%", "a_b", "VPN", "c\\d"):
        BlockedWord.create(word=word)
    assert matched_word("全场打折50%以上") == "50%"
    assert matched_word("门牌500号") is None  # % in a word is a percent sign, not "anything"
    assert matched_word("路口axb处") is None and matched_word("路口a_b处") == "a_b"
    assert matched_word("有人兜售vpn账号") == "VPN"
    assert matched_word("c\\d 与 cd") == "c\\d" and matched_word("cd") is None
    assert matched_word("小区门口路灯坏了") is None
