"""Staff: a draft from text, the structure fixed before publishing, publishing rules and the audience."""
import io

import pytest

from api.consultations.audience import register_related, unregister_related
from api.deputies.models import Deputy
from api.push.models import Delivery
from tests import factories
from tests.consultations.conftest import LAW, URL, window
from tests.support import assert_error_shape


def test_create_with_text_then_fix_the_structure_before_publishing(staff, create_draft):
    factories.deputy()
    draft = create_draft()
    assert draft["state"] == "draft" and draft["preamble"] == ["福州市城市绿化条例（草案）"]
    third = next(u for u in draft["units"] if u["label"] == "第三条")
    assert third["path"] == "第一章 总 则"
    fourth = next(u for u in draft["units"] if u["label"] == "第四条")
    assert fourth["path"] == "第二章 规划与建设 / 第一节 规 划"
    units = [{key: u[key] for key in ("kind", "number", "label", "heading", "paragraphs")} for u in draft["units"]]
    units[1]["paragraphs"] = ["为了促进城市绿化事业的发展，制定本条例。"]  # staff correct the recognised text
    fixed = staff.put(f"{URL}/{draft['id']}/structure", json={"preamble": ["条例（草案）"], "units": units})
    assert fixed.status_code == 200, fixed.get_json()
    assert fixed.get_json()["units"][1]["paragraphs"] == ["为了促进城市绿化事业的发展，制定本条例。"]
    assert staff.post(f"{URL}/{draft['id']}/publish").status_code == 200
    again = staff.put(f"{URL}/{draft['id']}/structure", json={"units": units})
    assert "修改条文结构" in assert_error_shape(again, 409)["message"]


def test_a_draft_without_articles_cannot_be_published(staff):
    body = {"title": "空草案", "audience": {"all": True}, **window()}
    draft = staff.post(URL, json=body).get_json()
    factories.deputy()
    assert "条文" in assert_error_shape(staff.post(f"{URL}/{draft['id']}/publish"), 422)["message"]


def test_a_structure_needs_an_article(staff, create_draft):
    draft = create_draft()
    heading_only = {"units": [{"kind": "chapter", "number": 1, "label": "第一章"}]}
    assert_error_shape(staff.put(f"{URL}/{draft['id']}/structure", json=heading_only), 422)


def test_the_window_must_be_sane(staff):
    body = {"title": "草案", "audience": {"all": True}, "text": LAW}
    times = window()
    backwards = {"opens_at": times["closes_at"], "closes_at": times["opens_at"]}
    assert "closes_at" in assert_error_shape(staff.post(URL, json={**body, **backwards}), 422)["errors"]
    past = window(hours=-1, opened_hours_ago=5)
    draft = staff.post(URL, json={**body, **past}).get_json()
    factories.deputy()
    assert "截止" in assert_error_shape(staff.post(f"{URL}/{draft['id']}/publish"), 422)["message"]


def test_publishing_pushes_to_the_audience_once(staff, create_draft):
    reached = [factories.deputy() for _ in range(2)]
    draft = create_draft()
    assert staff.post(f"{URL}/{draft['id']}/publish").status_code == 200
    assert_error_shape(staff.post(f"{URL}/{draft['id']}/publish"), 409)
    delivered = {d.deputy_id for d in Delivery.select().where(Delivery.source_type == "consultation")}
    assert delivered == {d.id for d in reached}


def feed_ids(client):
    return [item["id"] for item in client.get(f"{URL}/feed").get_json()]


@pytest.fixture
def people():
    group = factories.group()
    delegation = factories.delegation()
    return {
        "lawyer": factories.deputy(expertise=["法律"]),
        "grouped": factories.deputy(groups=[group]),
        "delegate": factories.deputy(delegation=delegation),
        "other": factories.deputy(),
        "group": group,
        "delegation": delegation,
    }


def test_audience_by_field_group_or_delegation(staff, as_deputy, publish_draft, people):
    by_field = publish_draft(audience={"fields": ["法律"]})
    by_group = publish_draft(audience={"group_ids": [people["group"].id]})
    by_delegation = publish_draft(audience={"delegation_ids": [people["delegation"].id]})
    assert feed_ids(as_deputy(people["lawyer"])) == [by_field["id"]]
    assert feed_ids(as_deputy(people["grouped"])) == [by_group["id"]]
    assert feed_ids(as_deputy(people["delegate"])) == [by_delegation["id"]]
    other = as_deputy(people["other"])
    assert feed_ids(other) == []
    assert_error_shape(other.get(f"{URL}/feed/{by_field['id']}"), 403)


def test_a_related_selector_plugged_in_by_another_module(staff, as_deputy, publish_draft, people):
    """How a module plugs in a selector (the suggestions module's own is tested in tests/suggestions)."""
    register_related("plugged", "插入的选择器",
                     lambda consultation: Deputy.select(Deputy.id).where(Deputy.id == people["other"].id))
    try:
        draft = publish_draft(audience={"related": "plugged", "fields": ["法律"]})
        assert feed_ids(as_deputy(people["other"])) == [draft["id"]]
        assert feed_ids(as_deputy(people["lawyer"])) == [draft["id"]]
        assert feed_ids(as_deputy(people["grouped"])) == []
        preview = staff.post(f"{URL}/audience-preview", json={"audience": {"related": "plugged"}})
        assert preview.get_json() == {"count": 1}
    finally:
        unregister_related("plugged")
    unknown = staff.post(URL, json={"title": "草案", "audience": {"related": "plugged"}, **window()})
    assert "related" in assert_error_shape(unknown, 422)["errors"]["audience"]


def test_deputies_who_left_are_never_asked(staff, as_deputy, publish_draft):
    gone = factories.deputy(status="终止")
    serving = factories.deputy()
    publish_draft()
    delivered = {d.deputy_id for d in Delivery.select().where(Delivery.source_type == "consultation")}
    assert gone.id not in delivered and serving.id in delivered


def test_draft_is_invisible_to_deputies_and_staff_only_may_manage(login_as, as_deputy, create_draft):
    draft = create_draft()
    me = as_deputy(factories.deputy())
    assert feed_ids(me) == []
    assert_error_shape(me.get(f"{URL}/feed/{draft['id']}"), 404)
    for role in ("deputy", "unit_user", "station_staff"):
        assert_error_shape(login_as(role).get(f"{URL}/{draft['id']}"), 403)


def test_after_publishing_only_title_explanation_and_deadline_change(staff, publish_draft):
    factories.deputy()
    draft = publish_draft()
    moved = staff.patch(f"{URL}/{draft['id']}", json={"closes_at": window(hours=100)["closes_at"], "title": "新标题"})
    assert moved.status_code == 200 and moved.get_json()["title"] == "新标题"
    locked = staff.patch(f"{URL}/{draft['id']}", json={"audience": {"fields": ["法律"]}})
    assert "audience" in assert_error_shape(locked, 422)["errors"]


def test_the_explanation_may_come_as_a_document(staff, as_deputy, publish_draft):
    from tests.consultations.test_parser import make_docx

    me = as_deputy(factories.deputy())
    uploaded = staff.post("/api/v1/files", data={"file": (io.BytesIO(make_docx(["起草说明全文。"])), "起草说明.docx")},
                          content_type="multipart/form-data")
    assert uploaded.status_code == 201, uploaded.get_json()
    draft = publish_draft(explanation_file_id=uploaded.get_json()["id"])
    assert draft["explanation_file"]["filename"] == "起草说明.docx"
    seen = me.get(f"{URL}/feed/{draft['id']}").get_json()["explanation_file"]
    assert seen["filename"] == "起草说明.docx"
    assert me.get(seen["url"]).status_code == 200  # the signed link downloads without more sign-in
    missing = staff.post(URL, json={"title": "草案", "audience": {"all": True}, "explanation_file_id": 999999,
                                    **window()})
    assert "explanation_file_id" in assert_error_shape(missing, 422)["errors"]
