"""Push addressed to accounts (staff, unit users, station staff): queued, deduplicated, sent, reported."""
import datetime as dt
import itertools

import pytest

from api.auth.models import User
from api.common.db import utcnow
from api.deputies.models import Deputy
from api.extensions import db
from api.jobs.models import OutboxJob
from api.push import sending, services
from api.push.models import Delivery, PushMessage, SubscriptionCredit
from tests import factories
from tests.push.conftest import bound_deputy, drain
from tests.support import make_user

MESSAGE = {"template": "reminder", "page": "pages/feedback/case?id=4", "data": {"thing1": "群众意见临近答复期限"}}
_openids = itertools.count(1)


def account(role="station_staff", openid=True, credits=1, **attributes):
    user = make_user(role, openid=f"o-user-{next(_openids)}" if openid else None, **attributes)
    if credits is not None:
        SubscriptionCredit.create(user=user, template="reminder", remaining=credits)
    return user


def queue(users, source_id=4, scope="near-2026-12-01", message=MESSAGE):
    recipients = User.select(User.id).where(User.id.in_([u.id for u in users]))
    with db.atomic():
        result = services.queue_user_deliveries("feedback_case", source_id, recipients, message, scope)
    services.dispatch_recorded(result["jobs"])
    return result


def outcome(user, source_id=4):
    delivery = Delivery.get(Delivery.addressee == user.id, Delivery.source_id == source_id)
    return delivery.status, delivery.reason


def credit(user):
    held = SubscriptionCredit.get(SubscriptionCredit.user == user.id, SubscriptionCredit.template == "reminder")
    return held.remaining


def test_bound_accounts_get_one_message_each_however_often_it_is_queued(app, standin):
    staff, unit_user = account("station_staff", credits=2), account("unit_user", unit=factories.unit())
    first = queue([staff, unit_user])
    again = queue([staff, unit_user])  # the deadline job running twice on one day
    drain()
    late = queue([staff, unit_user])
    other_day = queue([staff], scope="near-2026-12-02")
    drain()

    assert (first["queued"], first["duplicate"], len(first["jobs"])) == (2, 0, 1)
    assert (again["queued"], again["duplicate"], again["jobs"]) == (0, 2, [])
    assert (late["queued"], late["duplicate"]) == (0, 2)
    assert other_day["queued"] == 1
    assert outcome(staff) == outcome(unit_user) == ("sent", None)
    delivery = Delivery.get(Delivery.addressee == staff.id, Delivery.scope == "near-2026-12-01")
    assert (delivery.deputy_id, delivery.user_id) == (None, staff.id)
    assert sorted(m["openid"] for m in standin.messages()) == sorted([staff.openid, unit_user.openid, staff.openid])
    assert standin.messages()[0]["template_id"] == "tmpl_reminder_demo"
    assert (credit(staff), credit(unit_user)) == (0, 0)


def test_accounts_without_wechat_or_disabled_or_without_credit_are_skipped_with_a_reason(app, standin):
    bound = account()
    unbound = account("staff", openid=False)
    disabled = account(is_active=False)
    no_credit = account(credits=0)
    queue([bound, unbound, disabled, no_credit])
    drain()

    assert outcome(bound) == ("sent", None)
    assert outcome(unbound) == ("skipped", "账号未绑定微信或已停用")
    assert outcome(disabled) == ("skipped", "账号未绑定微信或已停用")
    assert outcome(no_credit) == ("skipped", "未订阅或订阅次数已用完")
    assert [m["openid"] for m in standin.messages()] == [bound.openid]
    assert credit(disabled) == 1  # nothing went out, nothing spent


def test_deputies_and_accounts_of_one_source_and_scope_are_separate_recipients(app, standin):
    deputy = bound_deputy(template="reminder")
    staff = account()
    with db.atomic():
        to_deputies = services.queue_deliveries("feedback_case", 4, Deputy.select(Deputy.id), MESSAGE, "near-x")
        to_accounts = services.queue_user_deliveries(
            "feedback_case", 4, User.select(User.id).where(User.id == staff.id), MESSAGE, "near-x"
        )
    services.dispatch_recorded(to_deputies["jobs"] + to_accounts["jobs"])
    drain()
    assert (to_deputies["queued"], to_accounts["queued"]) == (1, 1)
    assert sorted(m["openid"] for m in standin.messages()) == sorted([deputy.user.openid, staff.openid])
    assert services.summary("feedback_case", 4)["sent"] == 2


def test_the_contract_matches_queue_deliveries(app):
    with pytest.raises(ValueError):
        services.queue_user_deliveries("feedback_case", 1, User.select(User.id, User.role), MESSAGE)
    with pytest.raises(ValueError):
        services.queue_user_deliveries("feedback_case", 1, User.select(User.id), {**MESSAGE, "template": "nope"})
    account()
    with pytest.raises(RuntimeError), db.atomic():
        services.queue_user_deliveries("feedback_case", 1, User.select(User.id), MESSAGE)
        raise RuntimeError("the caller's transaction failed")
    assert Delivery.select().count() == PushMessage.select().count() == OutboxJob.select().count() == 0
    nobody = services.queue_user_deliveries("feedback_case", 1, User.select(User.id).where(User.id < 0), MESSAGE)
    assert nobody == {"queued": 0, "duplicate": 0, "jobs": []}


def test_a_dead_workers_claim_on_accounts_is_requeued_with_credits_back(app, standin):
    users = [account() for _ in range(3)]
    result = queue(users)
    batch = sending.claim(PushMessage.get(), 1, 10**9, limit=2)
    assert len(batch.to_send) == 2 and sum(credit(u) for u in users) == 1
    stamp = utcnow() - dt.timedelta(seconds=app.config["PUSH_CLAIM_TIMEOUT_SECONDS"] + 1)
    Delivery.update(updated_at=stamp).where(Delivery.status == "sending").execute()

    assert services.reap_abandoned() == {"requeued": 2, "unknown": 0}
    assert [credit(u) for u in users] == [1, 1, 1]
    drain()
    services.dispatch_recorded(result["jobs"])
    drain()
    assert {outcome(u) for u in users} == {("sent", None)}
    assert len(standin.messages()) == 3


def test_stalled_account_deliveries_are_queued_again(app, standin):
    user = account()
    with db.atomic():  # recorded but never dispatched, and the outbox relay lost it too
        services.queue_user_deliveries("feedback_case", 4, User.select(User.id), MESSAGE, "overdue")
    Delivery.update(updated_at=utcnow() - services.STALL_AFTER - dt.timedelta(seconds=1)).execute()
    assert services.requeue_stalled() == 1
    drain()
    assert outcome(user) == ("sent", None)


def test_the_delivery_report_names_accounts_and_deputies(login_as, standin):
    deputy = bound_deputy(template="reminder")
    unit_user = account("unit_user", display_name="市住建局办公室", unit=factories.unit())
    queue([unit_user])
    with db.atomic():
        result = services.queue_deliveries("feedback_case", 4, Deputy.select(Deputy.id), MESSAGE, "near-2026-12-01")
    services.dispatch_recorded(result["jobs"])
    drain()
    rows = login_as("staff").get("/api/v1/push/deliveries?source_type=feedback_case&source_id=4").get_json()
    assert [(r["deputy_id"], r["addressee_id"], r["recipient_name"], r["status"]) for r in rows] == [
        (None, unit_user.id, "市住建局办公室", "sent"),
        (deputy.id, None, deputy.name, "sent"),
    ]


def test_postgresql_holds_one_recipient_per_delivery(app):
    from peewee import IntegrityError, PostgresqlDatabase

    if not isinstance(db.obj, PostgresqlDatabase):
        pytest.skip("the CHECK constraint is PostgreSQL's (SQLite cannot add one to an existing table)")
    message = PushMessage.create(template="reminder", data="{}")
    with pytest.raises(IntegrityError), db.atomic():
        Delivery.create(message=message, source_type="feedback_case", source_id=1)
    with pytest.raises(IntegrityError), db.atomic():
        Delivery.create(message=message, source_type="feedback_case", source_id=1,
                        deputy=factories.deputy(), addressee=make_user("staff"))
