"""Drafting, co-signers, submitting after the self-check, and the events a deputy's record shows."""
from api.common.events import PerformanceEvent
from api.suggestions.models import Suggestion
from tests import factories
from tests.suggestions.conftest import GOOD, URL, submitted
from tests.support import assert_error_shape


def test_a_deputy_drafts_edits_and_submits(author, author_deputy):
    created = author.post(URL, json=GOOD)
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["state"] == "draft" and body["actions"] == ["edit", "delete", "submit"]
    sid = body["id"]
    edited = author.patch(f"{URL}/{sid}", json={"period": "session"})
    assert edited.get_json()["period"] == "session"

    response = author.post(f"{URL}/{sid}/submit", json={})
    assert response.status_code == 200, response.get_json()
    done = response.get_json()
    assert done["state"] == "submitted" and done["submitted_at"]
    assert done["abstract"] and done["key_points"][0].startswith("简化加装电梯审批流程")
    event = PerformanceEvent.get(PerformanceEvent.kind == "suggestion.submit")
    assert (event.deputy_id, event.object_id, event.payload["title"]) == (author_deputy.id, sid, GOOD["title"])
    # A submitted suggestion is no longer the deputy's to edit.
    assert_error_shape(author.patch(f"{URL}/{sid}", json={"title": "关于另一件事情的具体建议"}), 409)
    assert_error_shape(author.delete(f"{URL}/{sid}"), 409)


def test_a_draft_failing_a_blocking_rule_is_not_submitted(author):
    sid = author.post(URL, json={**GOOD, "title": "建议", "cause": "太少"}).get_json()["id"]
    body = assert_error_shape(author.post(f"{URL}/{sid}/submit", json={}), 422)
    assert set(body["errors"]) == {"title", "sections"}
    assert Suggestion.get_by_id(sid).state == "draft"


def test_a_warning_needs_confirmation(author):
    submitted(author)  # the same text again is a near-duplicate: a warning, not a block
    sid = author.post(URL, json=GOOD).get_json()["id"]
    body = assert_error_shape(author.post(f"{URL}/{sid}/submit", json={}), 422)
    assert "confirm_warnings" in body["errors"]
    assert author.post(f"{URL}/{sid}/submit", json={"confirm_warnings": True}).status_code == 200


def test_cosigners_confirm_or_decline(author, login_as):
    first, second = factories.deputy(), factories.deputy()
    sid = author.post(URL, json={**GOOD, "cosigner_ids": [first.id, second.id]}).get_json()["id"]
    one, two = login_as("deputy", deputy=first), login_as("deputy", deputy=second)
    assert one.get(f"{URL}/{sid}").get_json()["actions"] == ["cosign"]
    assert one.post(f"{URL}/{sid}/cosign", json={"accept": True}).status_code == 200
    assert two.post(f"{URL}/{sid}/cosign", json={"accept": False}).status_code == 200
    assert_error_shape(one.post(f"{URL}/{sid}/cosign", json={"accept": True}), 409)
    states = {c["deputy"]["id"]: c["state"] for c in author.get(f"{URL}/{sid}").get_json()["cosigners"]}
    assert states == {first.id: "confirmed", second.id: "declined"}
    events = PerformanceEvent.select().where(PerformanceEvent.kind == "suggestion.cosign")
    assert [(e.deputy_id, e.payload["title"]) for e in events] == [(first.id, GOOD["title"])]
    # Someone not invited may not co-sign (and does not even see the suggestion).
    stranger = login_as("deputy", deputy=factories.deputy())
    assert_error_shape(stranger.post(f"{URL}/{sid}/cosign", json={"accept": True}), 404)


def test_unknown_cosigners_and_foreign_attachments_are_refused(author, login_as):
    assert_error_shape(author.post(URL, json={**GOOD, "cosigner_ids": [999999]}), 422)
    from io import BytesIO

    other = login_as("deputy", deputy=factories.deputy())
    upload = other.post("/api/v1/files", data={"file": (BytesIO(b"%PDF-1.4 test"), "a.pdf")},
                        content_type="multipart/form-data")
    assert upload.status_code == 201, upload.get_json()
    assert_error_shape(author.post(URL, json={**GOOD, "attachment_ids": [upload.get_json()["id"]]}), 422)
    mine = author.post("/api/v1/files", data={"file": (BytesIO(b"%PDF-1.4 test"), "b.pdf")},
                       content_type="multipart/form-data").get_json()["id"]
    created = author.post(URL, json={**GOOD, "attachment_ids": [mine]}).get_json()
    assert [f["id"] for f in created["attachments"]] == [mine]


def test_a_deputy_account_without_a_seat_cannot_draft(login_as):
    assert_error_shape(login_as("deputy").post(URL, json=GOOD), 403)


def test_cosigner_candidates_are_serving_deputies_of_the_same_congress(author, author_deputy):
    same = factories.deputy(name="王建华", congress=author_deputy.congress)
    factories.deputy(name="王建国", congress=author_deputy.congress, status="终止")
    factories.deputy(name="王建军", congress=factories.congress(name="省人大", level="provincial", is_own=False))
    found = author.get(f"{URL}/cosigner-candidates", query_string={"q": "王建"}).get_json()
    assert [(d["id"], d["delegation"]) for d in found] == [(same.id, same.delegation.name)]
