"""The activities screens: create, publish, attendance with leave decisions and staff check-in, the check-in screen."""
import datetime as dt
import re

from api.activities.models import Activity, Invitation
from api.common.db import utcnow
from api.common.timezone import LOCAL_TZ
from tests import factories


def local_input(moment):
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")


def test_create_publish_and_run_an_activity(console_as, login_as):
    client = console_as("staff")
    group = factories.group(name="教科文卫小组")
    deputy = factories.deputy(groups=[group])
    other = factories.deputy()
    assert client.get("/console/activities").status_code == 200
    start = utcnow() + dt.timedelta(days=2)
    bad = client.post("/console/activities/new", data={"kind": "research", "title": "调研", "place": "x",
                                                       "organisers": "y", "starts_at": local_input(start),
                                                       "ends_at": local_input(start - dt.timedelta(hours=1)),
                                                       "group_ids": [str(group.id)]},
                      htmx=True)
    assert bad.status_code == 422 and "结束时间须晚于开始时间" in bad.get_data(as_text=True)
    created = client.post("/console/activities/new", data={
        "kind": "inspection", "title": "食品安全集中视察", "place": "鼓楼区", "organisers": "教科文卫委",
        "starts_at": local_input(start), "ends_at": local_input(start + dt.timedelta(hours=3)),
        "group_ids": [str(group.id)], "deputy_codes": other.code})
    assert created.status_code == 302
    activity = Activity.get(Activity.title == "食品安全集中视察")
    assert activity.starts_at.replace(second=0, microsecond=0) == start.replace(second=0, microsecond=0)
    detail_url = f"/console/activities/{activity.id}"
    assert client.post(f"{detail_url}/publish").status_code == 302
    page = client.get(detail_url).get_data(as_text=True)
    assert "受邀 2 人" in page and page.count('data-testid="invitation-row"') == 2
    # A leave request waiting for a decision shows its buttons; staff approve it.
    me = login_as("deputy", deputy=deputy)
    me.put(f"/api/v1/activities/mine/{activity.id}/reply", json={"option": "请假", "reason": "出差"})
    assert 'data-testid="leave-approve"' in client.get(detail_url).get_data(as_text=True)
    assert client.post(f"{detail_url}/deputies/{deputy.id}/leave", data={"approve": "1"}).status_code == 302
    assert Invitation.get(Invitation.deputy == deputy.id).state == "on_leave"
    # Not open yet: the screen says so; under way: it shows a QR code that changes, and staff can check in.
    screen = client.get(f"{detail_url}/checkin-screen").get_data(as_text=True)
    assert "签到尚未开始" in screen and 'hx-trigger="every 5s"' in screen
    Activity.update(starts_at=utcnow() - dt.timedelta(minutes=5)).where(Activity.id == activity.id).execute()
    code = client.get(f"{detail_url}/checkin-screen/code")
    assert code.headers["Cache-Control"] == "no-store"
    assert re.search(r'data-code="ck1\.activity\.\d+\.\d+\.', code.get_data(as_text=True))
    assert 'src="data:image/png;base64,' in code.get_data(as_text=True)
    assert client.post(f"{detail_url}/deputies/{other.id}/checkin").status_code == 302
    assert "已签到 <strong data-testid=\"checked-in\">1</strong>" in client.get(detail_url).get_data(as_text=True)


def test_activities_are_office_only(console_as):
    assert console_as("station_staff").get("/console/activities").status_code == 403
