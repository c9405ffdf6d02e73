"""Submitting a case: what a constituent gives, what they get back, and what is stored."""
import re

import pytest

from api.common.audit import AuditEntry
from api.extensions import db
from api.feedback.intake import ALPHABET, CODE_LENGTH, normalise_code
from api.feedback.models import CasePhoto, FeedbackCase
from tests.feedback.conftest import URL, history
from tests.support import assert_error_shape

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def upload_png(client):
    import io

    response = client.post("/api/v1/files", data={"file": (io.BytesIO(PNG), "photo.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def test_an_anonymous_case_is_received_with_a_tracking_code(constituent, submit):
    response = submit(constituent())
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert re.fullmatch(f"[{ALPHABET}]{{{CODE_LENGTH}}}", body["tracking_code"])
    assert not set(body["tracking_code"]) & set("01OI")
    assert body["state"] == "submitted" and body["state_label"] == "待受理"
    case = FeedbackCase.get_by_id(body["id"])
    assert case.name is None and case.phone is None and case.consent_version is None
    assert [(row["from_state"], row["to_state"]) for row in history(case.id)] == [(None, "submitted")]


def test_tracking_codes_are_random_and_distinct(constituent, submit):
    client = constituent()
    codes = {submit(client).get_json()["tracking_code"] for _ in range(5)}
    assert len(codes) == 5


def test_a_tracking_code_already_taken_is_drawn_again(constituent, submit, monkeypatch):
    from api.feedback import intake

    client = constituent()
    taken = submit(client).get_json()["tracking_code"]
    draws = iter([taken, taken, "ZZZZ22ZZZZ"])
    monkeypatch.setattr(intake, "new_tracking_code", lambda: next(draws))
    body = submit(client).get_json()
    assert body["tracking_code"] == "ZZZZ22ZZZZ"
    assert FeedbackCase.select().where(FeedbackCase.tracking_code == taken).count() == 1
    assert [(row["from_state"], row["to_state"]) for row in history(body["id"])] == [(None, "submitted")]


def test_typed_codes_are_normalised_and_ambiguous_ones_refused():
    assert normalise_code("abcd-efgh 23") == "ABCDEFGH23"
    assert normalise_code("ABCDEFGH10") is None  # 1 and 0 are never issued
    assert normalise_code("ABC") is None


def test_name_and_phone_need_consent_and_are_stored_encrypted_with_the_wording(app, constituent, submit):
    client = constituent()
    refused = submit(client, name="张三", phone="13800138000")
    assert assert_error_shape(refused, 422)["errors"] == {"consent": ["留下姓名或电话须先同意告知书。"]}
    stale = submit(client, name="张三", phone="13800138000", consent=True, consent_version="2020-01")
    assert "consent_version" in assert_error_shape(stale, 422)["errors"]

    response = submit(client, name="张三", phone="13800138000", consent=True, consent_version="2026-11")
    assert response.status_code == 201
    case = FeedbackCase.get_by_id(response.get_json()["id"])
    assert (case.name, case.phone) == ("张三", "13800138000")
    assert case.consent_version == "2026-11" and case.consent_text == app.config["FEEDBACK_CONSENT_TEXT"]
    raw = db.execute_sql("SELECT name, phone FROM feedback_case WHERE name IS NOT NULL").fetchone()  # the one case
    assert "张三" not in raw[0] and "13800138000" not in raw[1] and raw[1].startswith("v1:")


def test_intake_info_is_public(client):
    body = client.get(f"{URL}/intake-info").get_json()
    assert "城乡建设" in body["categories"] and body["consent"]["version"] == "2026-11"


@pytest.mark.parametrize("role", ["anonymous", "deputy", "station_staff", "unit_user", "staff"])
def test_only_a_wechat_constituent_submits(client, login_as, submit, role):
    caller = client if role == "anonymous" else login_as(role)
    assert_error_shape(submit(caller), 401 if role == "anonymous" else 403)
    assert FeedbackCase.select().count() == 0


def test_photos_must_be_own_unused_images(constituent, login_as, submit):
    client = constituent()
    mine = upload_png(client)
    response = submit(client, photo_ids=[mine])
    assert response.status_code == 201
    assert [p.file_id for p in CasePhoto.select()] == [mine]
    again = submit(client, photo_ids=[mine])  # already attached to the first case
    assert "photo_ids" in assert_error_shape(again, 422)["errors"]
    someone_elses = upload_png(constituent())
    assert_error_shape(submit(client, photo_ids=[someone_elses]), 422)


def test_staff_see_the_photos_with_download_links(constituent, submit, staff):
    client = constituent()
    case_id = submit(client, photo_ids=[upload_png(client)]).get_json()["id"]
    photos = staff.get(f"{URL}/cases/{case_id}").get_json()["photos"]
    assert len(photos) == 1 and photos[0]["url"].startswith("/api/v1/files/download/")


def test_an_unknown_or_closed_station_is_refused(constituent, submit, station):
    client = constituent()
    assert "station_id" in assert_error_shape(submit(client, station_id=999999), 422)["errors"]
    station.is_active = False
    station.save()
    assert_error_shape(submit(client), 422)


def test_content_and_category_are_checked(constituent, submit):
    client = constituent()
    assert "category" in assert_error_shape(submit(client, category="别的"), 422)["errors"]
    assert "content" in assert_error_shape(submit(client, content="短"), 422)["errors"]
    assert AuditEntry.select().count() == 0
