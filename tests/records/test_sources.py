"""Each module's event reaches the record through that module's own HTTP flow (never written here directly)."""
import datetime as dt

from api.common.timezone import LOCAL_TZ, local_today
from api.feedback.intake import new_tracking_code
from api.feedback.models import FeedbackCase
from api.feedback.workflow import CASE_FLOW
from tests import factories
from tests.records.conftest import URL


def kinds_on_record(client, path="/me"):
    page = client.get(f"{URL}{path}").get_json()
    return {row["kind"]: row["count"] for row in page["figures"]["kinds"]}, page["recent"]


def test_a_notice_reply_reaches_the_record(login_as, me, deputy):
    staff = login_as("staff")
    deadline = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).isoformat()
    notice = staff.post("/api/v1/notices", json={
        "title": "关于参加集中视察的通知", "body": "<p>请回执。</p>", "kind": "会议通知",
        "audience": {"deputy_ids": [deputy.id]}, "reply_slip": {"deadline": deadline},
    }).get_json()
    assert staff.post(f"/api/v1/notices/{notice['id']}/publish").status_code == 200
    assert me.put(f"/api/v1/notices/feed/{notice['id']}/reply", json={"option": "参加"}).status_code == 200
    counts, recent = kinds_on_record(me)
    assert counts == {"notice.reply": 1}
    assert recent[0]["title"] == "关于参加集中视察的通知" and recent[0]["label"] == "回复通知"
    assert recent[0]["details"] == {"option": "参加"}


def test_a_deputys_comment_on_a_case_reaches_the_record_once_per_case(login_as):
    station = factories.station()
    deputy = factories.deputy(stations=[station])
    client = login_as("deputy", deputy=deputy)
    case = FeedbackCase.create(tracking_code=new_tracking_code(), station=station, state="accepted",
                               category="城乡建设", content="小区门口路灯坏了一个多月。")
    CASE_FLOW.start(case)
    for body in ("建议转市城管委。", "再补充一点。"):
        assert client.post(f"/api/v1/feedback/cases/{case.id}/comments", json={"body": body}).status_code == 201
    counts, recent = kinds_on_record(client)
    assert counts == {"feedback.comment": 1}
    assert recent[0]["title"] == f"群众意见 #{case.id}（城乡建设）"
    # Station staff commenting is their work, not a deputy's record.
    staff = login_as("station_staff", stations=[station])
    assert staff.post(f"/api/v1/feedback/cases/{case.id}/comments", json={"body": "已联系。"}).status_code == 201
    assert kinds_on_record(client)[0] == {"feedback.comment": 1}


def test_a_reception_day_reaches_the_record_once_its_time_has_come(login_as, clock):
    station = factories.station(name="鼓楼区东街代表联络站")
    deputy, other = factories.deputy(stations=[station]), factories.deputy(stations=[station])
    client = login_as("deputy", deputy=deputy)
    staff = login_as("station_staff", stations=[station])
    day = local_today() + dt.timedelta(days=2)
    created = staff.post(f"/api/v1/stations/{station.id}/receptions", json={
        "day": day.isoformat(), "starts_at": "09:00", "ends_at": "11:30", "topic": "老旧小区改造",
        "deputy_ids": [deputy.id, other.id]})
    assert created.status_code == 201, created.get_json()
    assert kinds_on_record(client)[0] == {}  # announced, not yet served
    clock(dt.datetime.combine(day, dt.time(12), tzinfo=LOCAL_TZ))
    counts, recent = kinds_on_record(client)
    assert counts == {"station.reception": 1}
    assert recent[0]["title"] == "鼓楼区东街代表联络站接待日：老旧小区改造"
    # Taken off the slot, or the slot cancelled: off the record.
    reception_id = created.get_json()["id"]
    patched = staff.patch(f"/api/v1/stations/{station.id}/receptions/{reception_id}", json={"deputy_ids": [other.id]})
    assert patched.status_code == 200, patched.get_json()
    assert kinds_on_record(client)[0] == {}
    other_client = login_as("deputy", deputy=other)
    assert kinds_on_record(other_client)[0] == {"station.reception": 1}
    assert staff.delete(f"/api/v1/stations/{station.id}/receptions/{reception_id}").status_code == 204
    assert kinds_on_record(other_client)[0] == {}
