"""Check-in by the rotating signed code (expired, forged and replayed codes refused) or by staff; reports after."""
import datetime as dt

from api.common import checkin
from api.common.db import utcnow
from tests import factories
from tests.activities.conftest import URL, move_start
from tests.support import assert_error_shape


def under_way(make_activity, deputies, **fields):
    activity = make_activity(deputies, **fields)
    move_start(activity["id"], utcnow() - dt.timedelta(minutes=10))
    return activity


def record_kinds(client):
    page = client.get("/api/v1/records/me").get_json()
    return {row["kind"]: row["count"] for row in page["figures"]["kinds"]}, page["recent"]


def test_scanning_the_screens_code_checks_in_and_reaches_the_record(make_activity, as_deputy, office):
    deputy = factories.deputy()
    client = as_deputy(deputy)
    activity = under_way(make_activity, [deputy])
    shown = office.get(f"{URL}/{activity['id']}/checkin-code")
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    code = shown.get_json()["code"]
    scanned = client.post(f"{URL}/checkin", json={"code": code})
    assert scanned.status_code == 200, scanned.get_json()
    assert scanned.get_json()["checkin_method"] == "qr" and scanned.get_json()["checked_in_at"]
    # The same code again by the same person: replayed.
    replayed = assert_error_shape(client.post(f"{URL}/checkin", json={"code": code}), 409)
    assert replayed["message"] == checkin.REPLAYED
    counts, recent = record_kinds(client)
    assert counts == {"activity.attend": 1}
    assert recent[0]["title"] == "乡村振兴专题调研" and recent[0]["details"]["kind"] == "专题调研"
    assert office.get(f"{URL}/{activity['id']}/attendance").get_json()["checked_in"] == 1


def test_expired_and_forged_codes_are_refused(make_activity, as_deputy, app):
    deputy = factories.deputy()
    client = as_deputy(deputy)
    activity = under_way(make_activity, [deputy])
    step = app.config["CHECKIN_STEP_SECONDS"] * (app.config["CHECKIN_GRACE_STEPS"] + 2)
    from api.activities.models import Activity

    row = Activity.get_by_id(activity["id"])
    old = checkin.issue_code("activity", row.id, row.starts_at - dt.timedelta(hours=1), row.ends_at,
                             now=utcnow() - dt.timedelta(seconds=step))["code"]
    assert assert_error_shape(client.post(f"{URL}/checkin", json={"code": old}), 410)["message"] == checkin.EXPIRED
    fresh = checkin.issue_code("activity", row.id, row.starts_at - dt.timedelta(hours=1), row.ends_at)["code"]
    forged = fresh[:-2] + ("AA" if not fresh.endswith("AA") else "BB")
    assert_error_shape(client.post(f"{URL}/checkin", json={"code": forged}), 422)
    other_session = fresh.replace(f".{row.id}.", f".{row.id + 1000}.")
    assert_error_shape(client.post(f"{URL}/checkin", json={"code": other_session}), 422)
    assert_error_shape(client.post(f"{URL}/checkin", json={"code": "随便什么"}), 422)
    assert record_kinds(client)[0] == {}


def test_a_code_is_useless_to_someone_not_invited_and_outside_the_window(make_activity, as_deputy, office):
    invited, stranger = factories.deputy(), factories.deputy()
    activity = under_way(make_activity, [invited])
    code = office.get(f"{URL}/{activity['id']}/checkin-code").get_json()["code"]
    assert_error_shape(as_deputy(stranger).post(f"{URL}/checkin", json={"code": code}), 403)
    later = make_activity([invited])  # starts in three days: no code yet
    assert_error_shape(office.get(f"{URL}/{later['id']}/checkin-code"), 409)


def test_staff_check_a_deputy_in_once(make_activity, as_deputy, office):
    deputy = factories.deputy()
    activity = under_way(make_activity, [deputy])
    checked = office.post(f"{URL}/{activity['id']}/invitations/{deputy.id}/checkin")
    assert checked.status_code == 200 and checked.get_json()["checkin_method"] == "staff"
    assert_error_shape(office.post(f"{URL}/{activity['id']}/invitations/{deputy.id}/checkin"), 409)
    assert_error_shape(office.post(f"{URL}/{activity['id']}/invitations/{factories.deputy().id}/checkin"), 404)
    assert record_kinds(as_deputy(deputy))[0] == {"activity.attend": 1}


def test_the_report_after_the_activity_reaches_the_record(make_activity, as_deputy, office):
    deputy = factories.deputy()
    client = as_deputy(deputy)
    report = {"kind": "调研报告", "title": "关于南屿镇农村电商发展的调研报告",
              "body": "一、基本情况……二、存在问题……三、建议……"}
    early = make_activity([deputy])
    assert_error_shape(client.put(f"{URL}/mine/{early['id']}/report", json=report), 409)
    activity = under_way(make_activity, [deputy])
    saved = client.put(f"{URL}/mine/{activity['id']}/report", json=report)
    assert saved.status_code == 200, saved.get_json()
    better = "修改后的报告正文，内容更完整。"
    edited = client.put(f"{URL}/mine/{activity['id']}/report", json={**report, "body": better})
    assert edited.get_json()["id"] == saved.get_json()["id"]
    assert client.get(f"{URL}/mine/{activity['id']}").get_json()["my_report"]["body"] == better
    listed = office.get(f"{URL}/{activity['id']}/reports").get_json()
    assert [r["deputy_name"] for r in listed] == [deputy.name]
    counts, recent = record_kinds(client)
    assert counts == {"activity.report": 1}
    assert recent[0]["title"] == "关于南屿镇农村电商发展的调研报告"


def test_suggestions_are_linked_by_id(make_activity, office):
    activity = make_activity()
    linked = office.post(f"{URL}/{activity['id']}/suggestions", json={"suggestion_id": 42})
    assert linked.status_code == 200 and linked.get_json()["suggestion_id"] == 42
    office.post(f"{URL}/{activity['id']}/suggestions", json={"suggestion_id": 42})
    assert [s["suggestion_id"] for s in office.get(f"{URL}/{activity['id']}/suggestions").get_json()] == [42]
    from api.activities.services import activities_of_suggestion

    assert [a["id"] for a in activities_of_suggestion(42)] == [activity["id"]]
    assert office.delete(f"{URL}/{activity['id']}/suggestions/42").status_code == 204
    assert office.get(f"{URL}/{activity['id']}/suggestions").get_json() == []


def test_report_photos_must_be_the_deputys_own_images(make_activity, as_deputy, login_as):
    import io

    deputy = factories.deputy()
    client = as_deputy(deputy)
    activity = under_way(make_activity, [deputy])
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    own = client.post("/api/v1/files", data={"file": (io.BytesIO(png), "现场.png")}).get_json()
    other = login_as("deputy", deputy=factories.deputy()).post(
        "/api/v1/files", data={"file": (io.BytesIO(png), "别人的.png")}).get_json()
    report = {"kind": "视察意见", "title": "关于食品安全的视察意见", "body": "一、总体情况良好。二、存在问题。",
              "photo_ids": [own["id"]]}
    assert client.put(f"{URL}/mine/{activity['id']}/report", json=report).get_json()["photo_ids"] == [own["id"]]
    refused = client.put(f"{URL}/mine/{activity['id']}/report", json={**report, "photo_ids": [own["id"], other["id"]]})
    assert str(other["id"]) in assert_error_shape(refused, 422)["errors"]["photo_ids"][0]
