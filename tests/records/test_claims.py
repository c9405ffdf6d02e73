"""Self-reported duties: marked as such, counted only once staff confirm them."""
import datetime as dt

from api.common.timezone import LOCAL_TZ, local_today
from api.records import claims
from tests.records.conftest import URL
from tests.support import assert_error_shape


def claim(client, **fields):
    body = {"kind": "activity.attend", "title": "参加区政协组织的调研", "occurred_on": local_today().isoformat(),
            "place": "仓山区", **fields}
    return client.post(f"{URL}/me/claims", json=body)


def totals(client):
    return client.get(f"{URL}/me").get_json()["figures"]["total"]


def test_a_claim_counts_only_once_confirmed_and_is_marked_self_reported(me, office):
    created = claim(me)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["state"] == "pending" and body["state_label"] == "待确认"
    assert totals(me) == 0
    pending = office.get(f"{URL}/claims", query_string={"state": "pending"}).get_json()
    assert [c["id"] for c in pending] == [body["id"]]
    confirmed = office.post(f"{URL}/claims/{body['id']}/confirm")
    assert confirmed.status_code == 200 and confirmed.get_json()["state"] == "confirmed"
    page = me.get(f"{URL}/me").get_json()
    assert page["figures"]["total"] == 1
    assert page["recent"][0]["self_reported"] is True and page["recent"][0]["title"] == "参加区政协组织的调研"
    # Decided once: neither again nor the other way.
    assert_error_shape(office.post(f"{URL}/claims/{body['id']}/confirm"), 409)
    assert_error_shape(office.post(f"{URL}/claims/{body['id']}/refuse", json={"reason": "x"}), 409)
    assert_error_shape(me.delete(f"{URL}/me/claims/{body['id']}"), 409)


def test_a_refused_claim_stays_off_the_record_with_its_reason(me, office):
    body = claim(me).get_json()
    assert_error_shape(office.post(f"{URL}/claims/{body['id']}/refuse", json={}), 422)
    refused = office.post(f"{URL}/claims/{body['id']}/refuse", json={"reason": "无活动通知和签到记录"})
    assert refused.get_json()["state"] == "rejected"
    mine = me.get(f"{URL}/me/claims").get_json()
    assert mine[0]["refusal_reason"] == "无活动通知和签到记录"
    assert totals(me) == 0


def test_a_pending_claim_may_be_withdrawn_by_its_deputy_only(me, login_as, office):
    from tests import factories

    body = claim(me).get_json()
    stranger = login_as("deputy", deputy=factories.deputy())
    assert_error_shape(stranger.delete(f"{URL}/me/claims/{body['id']}"), 404)
    assert me.delete(f"{URL}/me/claims/{body['id']}").status_code == 204
    assert me.get(f"{URL}/me/claims").get_json() == []


def test_claims_are_for_past_duties_of_reportable_kinds(me):
    tomorrow = (local_today() + dt.timedelta(days=1)).isoformat()
    assert_error_shape(claim(me, occurred_on=tomorrow), 422)
    assert_error_shape(claim(me, kind="suggestion.submit"), 422)  # the suggestions module records those
    assert_error_shape(claim(me, title=""), 422)


def test_staff_cannot_claim_and_deputies_cannot_confirm(me, office):
    assert_error_shape(claim(office), 403)
    body = claim(me).get_json()
    assert_error_shape(me.post(f"{URL}/claims/{body['id']}/confirm"), 403)


def test_a_day_is_recorded_at_its_noon_but_today_before_noon_at_once(monkeypatch):
    morning = dt.datetime(2026, 12, 1, 0, 5, tzinfo=LOCAL_TZ)  # confirmed just after midnight, Beijing time
    monkeypatch.setattr(claims, "utcnow", lambda: morning.astimezone(dt.timezone.utc))
    assert claims._noon(dt.date(2026, 12, 1)) == morning
    assert claims._noon(dt.date(2026, 11, 30)) == dt.datetime(2026, 11, 30, 12, tzinfo=LOCAL_TZ)
