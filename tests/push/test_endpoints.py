"""Push endpoints: templates and subscriptions for deputies, delivery reports for staff."""
import json

from api.deputies.models import Deputy
from api.extensions import db
from api.push import services
from api.push.models import CREDIT_CAP, Delivery, SubscriptionCredit
from tests import factories
from tests.push.conftest import bound_deputy, drain
from tests.support import assert_error_shape

SUBSCRIPTIONS = "/api/v1/push/subscriptions"
DELIVERIES = "/api/v1/push/deliveries"
SUMMARY = "/api/v1/push/deliveries/summary"


def as_deputy(login_as):
    return login_as("deputy", deputy=factories.deputy())


def credits(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return {c["template"]: (c["remaining"], c["long_term"]) for c in response.get_json()["items"]}


def test_templates_are_listed_for_the_mini_program(login_as):
    body = as_deputy(login_as).get("/api/v1/push/templates").get_json()
    assert {"key": "notice", "template_id": "tmpl_notice_demo"} in body["items"]
    assert {t["key"] for t in body["items"]} == {"notice", "letter", "reminder"}


def test_each_acceptance_adds_one_credit(login_as):
    deputy = as_deputy(login_as)
    assert credits(deputy.get(SUBSCRIPTIONS)) == {
        "notice": (0, False),
        "letter": (0, False),
        "reminder": (0, False),
    }
    deputy.put(SUBSCRIPTIONS, json={"accepted": ["notice", "letter"], "rejected": ["reminder"]})
    after = credits(deputy.put(SUBSCRIPTIONS, json={"accepted": ["notice"]}))
    assert after == {"notice": (2, False), "letter": (1, False), "reminder": (0, False)}
    assert credits(deputy.get(SUBSCRIPTIONS)) == after


def test_credits_stop_at_the_cap(login_as):
    deputy = as_deputy(login_as)
    SubscriptionCredit.create(user=deputy.user, template="notice", remaining=CREDIT_CAP)
    assert credits(deputy.put(SUBSCRIPTIONS, json={"accepted": ["notice"]}))["notice"] == (CREDIT_CAP, False)


def test_long_term_subscription_is_kept_until_rejected(login_as):
    deputy = as_deputy(login_as)
    assert credits(deputy.put(SUBSCRIPTIONS, json={"accepted": ["notice"], "long_term": True}))["notice"] == (1, True)
    # A later one-time acceptance does not end the long-term grant; turning it off does.
    assert credits(deputy.put(SUBSCRIPTIONS, json={"accepted": ["notice"]}))["notice"] == (2, True)
    assert credits(deputy.put(SUBSCRIPTIONS, json={"rejected": ["notice"]}))["notice"] == (2, False)


def test_unknown_or_contradictory_templates_are_rejected(login_as):
    deputy = as_deputy(login_as)
    body = assert_error_shape(deputy.put(SUBSCRIPTIONS, json={"accepted": ["notice", "lottery"]}), 422)
    assert "lottery" in body["errors"]["accepted"][0]
    body = assert_error_shape(deputy.put(SUBSCRIPTIONS, json={"accepted": ["notice"], "rejected": ["notice"]}), 422)
    assert "rejected" in body["errors"]
    assert_error_shape(deputy.put(SUBSCRIPTIONS, json={"accepted": ["notice"], "extra": 1}), 422)
    assert SubscriptionCredit.select().count() == 0


def test_subscriptions_belong_to_deputies_and_worker_accounts(login_as, client):
    assert_error_shape(client.get(SUBSCRIPTIONS), 401)
    constituent = login_as("constituent")
    assert_error_shape(constituent.put(SUBSCRIPTIONS, json={"accepted": ["notice"]}), 403)
    assert_error_shape(constituent.get("/api/v1/push/templates"), 403)
    # Workers bind WeChat to receive reminders (api/auth/worker_binding.py), so they report credits too.
    assert login_as("unit_user").put(SUBSCRIPTIONS, json={"accepted": ["reminder"]}).status_code == 200


def publish_to(deputies, source_id, scope=""):
    recipients = Deputy.select(Deputy.id).where(Deputy.id.in_([d.id for d in deputies]))
    with db.atomic():
        result = services.queue_deliveries(
            "notice", source_id, recipients, {"template": "notice", "data": {"a": "x"}}, scope
        )
    services.dispatch_recorded(result["jobs"])


def test_staff_see_deliveries_with_reasons_filtered_and_paged(login_as, standin):
    sent, no_credit = bound_deputy(), bound_deputy(credits=0)
    unbound = factories.deputy()
    publish_to([sent, no_credit, unbound], source_id=5)
    publish_to([sent], source_id=6)
    drain()
    staff = login_as("staff")

    response = staff.get(f"{DELIVERIES}?source_type=notice&source_id=5&page_size=2")
    assert response.status_code == 200
    assert len(response.get_json()) == 2
    assert json.loads(response.headers["X-Pagination"])["total"] == 3
    rows = staff.get(f"{DELIVERIES}?source_type=notice&source_id=5").get_json()
    by_deputy = {row["deputy_id"]: row for row in rows}
    assert by_deputy[sent.id]["status"] == "sent" and by_deputy[sent.id]["status_label"] == "已发送"
    assert by_deputy[sent.id]["deputy_name"] == sent.name
    skipped = by_deputy[no_credit.id]
    assert (skipped["status"], skipped["reason"]) == ("skipped", "未订阅或订阅次数已用完")
    assert by_deputy[unbound.id]["reason"] == "代表未绑定微信"

    skipped = staff.get(f"{DELIVERIES}?source_id=5&status=skipped").get_json()
    assert {row["deputy_id"] for row in skipped} == {no_credit.id, unbound.id}
    assert_error_shape(staff.get(f"{DELIVERIES}?status=lost"), 422)


def test_summary_counts_each_status(login_as, standin):
    deputies = [bound_deputy(), bound_deputy(), bound_deputy(credits=0)]
    publish_to(deputies, source_id=8)
    drain()
    publish_to([bound_deputy()], source_id=8)  # queued, no worker yet
    Delivery.update(status="failed").where(Delivery.deputy == deputies[1].id).execute()
    body = login_as("admin").get(f"{SUMMARY}?source_type=notice&source_id=8").get_json()
    assert body == {
        "source_type": "notice",
        "source_id": 8,
        "purpose": None,
        "total": 4,
        "queued": 1,
        "sending": 0,
        "attempting": 0,
        "sent": 1,
        "failed": 1,
        "skipped": 1,
        "cancelled": 0,
    }
    assert_error_shape(login_as("staff").get(f"{SUMMARY}?source_type=notice"), 422)


def test_summary_and_list_filter_by_purpose(login_as, standin):
    deputies = [bound_deputy(credits=5) for _ in range(3)]
    publish_to(deputies, source_id=8, scope="publish")
    publish_to(deputies[:2], source_id=8, scope="remind-1")
    publish_to(deputies[:1], source_id=8, scope="remind-2")
    drain()
    staff = login_as("staff")
    query = f"{SUMMARY}?source_type=notice&source_id=8"
    assert staff.get(query).get_json()["total"] == 6
    publish = staff.get(f"{query}&purpose=publish").get_json()
    reminder = staff.get(f"{query}&purpose=reminder").get_json()
    assert (publish["purpose"], publish["total"], publish["sent"]) == ("publish", 3, 3)
    assert (reminder["purpose"], reminder["total"], reminder["sent"]) == ("reminder", 3, 3)
    listed = staff.get(f"{DELIVERIES}?source_id=8&purpose=reminder").get_json()
    assert sorted(d["scope"] for d in listed) == ["remind-1", "remind-1", "remind-2"]
    assert_error_shape(staff.get(f"{query}&purpose=spam"), 422)


def test_delivery_reports_are_for_the_office(login_as):
    deputy = as_deputy(login_as)
    assert_error_shape(deputy.get(DELIVERIES), 403)
    assert_error_shape(deputy.get(f"{SUMMARY}?source_type=notice&source_id=1"), 403)
    assert_error_shape(login_as("station_staff").get(DELIVERIES), 403)
