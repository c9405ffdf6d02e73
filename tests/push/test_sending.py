"""Sending through the real queue and the WeChat stand-in: every outcome a delivery can have."""
import json

import pytest

from api.deputies.models import Deputy
from api.extensions import db, huey
from api.push import sending, services
from api.push.models import Delivery, PushMessage
from tests import factories
from tests.push.conftest import bound_deputy, credits_left, drain

MESSAGE = {
    "template": "notice",
    "page": "pages/notices/detail?id=7",
    "data": {"thing1": "代表座谈会", "time2": "2026-12-01"},
}


def publish(deputies, source_id=7, message=MESSAGE, scope="publish"):
    recipients = Deputy.select(Deputy.id).where(Deputy.id.in_([d.id for d in deputies]))
    with db.atomic():
        result = services.queue_deliveries("notice", source_id, recipients, message, scope)
    services.dispatch_recorded(result["jobs"])
    return result


def delivery_of(deputy, source_id=7):
    return Delivery.get(Delivery.deputy == deputy.id, Delivery.source_id == source_id)


def test_queued_delivery_is_sent_and_uses_one_credit(app, standin):
    deputy = bound_deputy(credits=2)
    result = publish([deputy])
    assert (result["queued"], result["duplicate"], len(result["jobs"])) == (1, 0, 1)
    assert standin.stats()["subscribe_send"] == 0  # nothing goes out before a worker runs the job
    drain()

    delivery = delivery_of(deputy)
    assert (delivery.status, delivery.reason, delivery.attempts) == ("sent", None, 1)
    assert delivery.sent_at is not None and delivery.user_id == deputy.user.id
    assert credits_left(deputy) == (1, False)
    (message,) = standin.messages()
    assert message["openid"] == deputy.user.openid
    assert message["template_id"] == "tmpl_notice_demo"
    assert message["page"] == MESSAGE["page"]
    assert message["data"] == {"thing1": {"value": "代表座谈会"}, "time2": {"value": "2026-12-01"}}


def test_long_term_subscription_is_not_used_up(app, standin):
    deputy = bound_deputy(credits=0, long_term=True)
    publish([deputy])
    drain()
    assert delivery_of(deputy).status == "sent"
    assert credits_left(deputy) == (0, True)


def test_without_credit_the_delivery_is_skipped_and_nothing_is_sent(app, standin):
    used_up, never_subscribed, other_template = bound_deputy(credits=0), bound_deputy(credits=None), bound_deputy(
        template="letter"
    )
    publish([used_up, never_subscribed, other_template])
    drain()
    for deputy in (used_up, never_subscribed, other_template):
        delivery = delivery_of(deputy)
        assert (delivery.status, delivery.reason) == ("skipped", "未订阅或订阅次数已用完")
    assert standin.stats()["subscribe_send"] == 0
    assert credits_left(other_template, "letter") == (1, False)


def test_deputy_without_bound_wechat_is_skipped(app, standin):
    unbound = factories.deputy()
    publish([unbound])
    drain()
    delivery = delivery_of(unbound)
    assert (delivery.status, delivery.reason, delivery.user_id) == ("skipped", "代表未绑定微信", None)
    assert standin.stats()["subscribe_send"] == 0


@pytest.mark.parametrize(
    ("errcode", "reason"),
    [
        (43101, "代表已拒收此类消息或订阅次数已用完"),
        (40003, "微信账号无效（不属于本小程序）"),
        (47003, "消息内容与模板字段不符"),
    ],
)
def test_permanent_errors_fail_once_and_are_never_retried(app, standin, errcode, reason):
    deputy = bound_deputy(credits=3)
    standin.fail("subscribe_send", errcode)
    publish([deputy])

    assert drain() == 0
    delivery = delivery_of(deputy)
    assert (delivery.status, delivery.errcode, delivery.reason, delivery.attempts) == ("failed", errcode, reason, 1)
    assert standin.stats()["subscribe_send"] == 1
    assert huey.scheduled_count() == 0 and huey.pending_count() == 0
    # 43101: WeChat says the subscription is gone, so our count was wrong; otherwise nothing was used.
    assert credits_left(deputy) == ((0, False) if errcode == 43101 else (3, False))


def test_refused_openid_fails_with_43101_like_wechat(app, standin):
    deputy = bound_deputy(credits=1)
    standin.refuse(deputy.user.openid)
    publish([deputy])
    drain()
    assert (delivery_of(deputy).status, delivery_of(deputy).errcode) == ("failed", 43101)


# -1 and HTTP 500 outlast the client's own two quick retries with three failures; it leaves 45009
# (quota) to the job's slower retries, so one failure is enough there.
@pytest.mark.parametrize(("errcode", "times"), [(-1, 3), ("http500", 3), (45009, 1)])
def test_passing_failures_are_retried_with_backoff_then_sent(app, standin, monkeypatch, errcode, times):
    # One row at a time, so the failures all land on the first deputy's send.
    monkeypatch.setattr(sending, "CLAIM_SIZE", 1)
    deputy, other = bound_deputy(credits=1), bound_deputy(credits=1)
    standin.fail("subscribe_send", errcode, times=times)
    publish([deputy, other])

    retries = drain()

    assert retries == 1
    assert [delivery_of(d).status for d in (deputy, other)] == ["sent", "sent"]
    # The retry claimed only the row that failed: the other was sent once, on the first run.
    assert sorted(delivery_of(d).attempts for d in (deputy, other)) == [1, 2]
    assert standin.stats()["subscribe_send"] == times + 2
    assert sorted(m["openid"] for m in standin.messages()) == sorted([deputy.user.openid, other.user.openid])
    # The failed tries gave their credit back; each deputy used exactly one.
    assert credits_left(deputy) == credits_left(other) == (0, False)


def test_retries_back_off(app, standin):
    deputy = bound_deputy(credits=1)
    standin.fail("subscribe_send", -1, times=3)
    publish([deputy])
    from api.common.queue import run_pending

    run_pending(huey)
    (task,) = huey.scheduled()
    assert task.retry_delay > 10  # the next wait is already longer than the first
    assert delivery_of(deputy).status == "queued"


def test_gives_up_after_the_last_attempt(app, standin, monkeypatch):
    monkeypatch.setattr(sending, "MAX_ATTEMPTS", 1)
    deputy = bound_deputy(credits=1)
    standin.fail("subscribe_send", -1, times=3)
    publish([deputy])
    drain()
    delivery = delivery_of(deputy)
    assert (delivery.status, delivery.reason, delivery.errcode) == ("failed", "微信多次暂时不可用，已放弃发送", -1)
    assert credits_left(deputy) == (1, False)


def test_lost_answer_is_failed_as_unknown_and_not_resent(app, standin):
    app.config["WECHAT_TIMEOUT_SECONDS"] = 0.3
    deputy = bound_deputy(credits=1)
    standin.fail("subscribe_send", "timeout", delay=2)
    publish([deputy])
    drain()
    delivery = delivery_of(deputy)
    assert (delivery.status, delivery.reason) == ("failed", "发送结果未知（微信未及时响应），为避免重复不再重发")
    assert standin.stats()["subscribe_send"] == 1
    assert credits_left(deputy) == (0, False)


def test_access_token_is_fetched_once_for_many_sends(app, standin):
    deputies = [bound_deputy() for _ in range(40)]
    publish(deputies[:20], source_id=1)
    publish(deputies[20:], source_id=2)
    drain()
    stats = standin.stats()
    assert stats["subscribe_send"] == 40
    assert stats["stable_token"] == 1


def test_content_is_stored_once_for_all_recipients(app, standin):
    deputies = [bound_deputy() for _ in range(5)]
    long_title = "关于召开第十七届人民代表大会第五次会议的预备通知"
    publish(deputies, message={**MESSAGE, "data": {"thing1": long_title, "time2": 3}})
    (message,) = PushMessage.select()
    data = json.loads(message.data)
    assert data == {"thing1": {"value": "关于召开第十七届人民代表大会第五次会议…"}, "time2": {"value": "3"}}
    assert len(data["thing1"]["value"]) == 20
    assert Delivery.select().where(Delivery.message == message).count() == 5
