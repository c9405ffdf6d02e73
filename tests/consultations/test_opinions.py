"""Deputies' opinions: on an article, a paragraph or the whole draft; edits and withdrawal until the deadline,
never after; content screening shared with feedback; the performance event."""
import pytest

from api.common.events import PerformanceEvent
from api.feedback.models import BlockedWord
from tests import factories
from tests.consultations.conftest import URL, article, past_deadline
from tests.support import assert_error_shape


@pytest.fixture
def me_deputy():
    return factories.deputy()


@pytest.fixture
def me(as_deputy, me_deputy):
    return as_deputy(me_deputy)


@pytest.fixture
def draft(me, publish_draft):
    published = publish_draft()
    return me.get(f"{URL}/feed/{published['id']}").get_json()


def comment(client, draft, **body):
    return client.post(f"{URL}/feed/{draft['id']}/opinions", json={"content": "建议增加公众参与的规定。", **body})


def test_on_an_article_a_paragraph_or_the_whole_draft(me, draft):
    third = article(draft, 3)
    on_article = comment(me, draft, unit_id=third["id"])
    on_paragraph = comment(me, draft, unit_id=third["id"], paragraph=2, content="第二款的主管部门表述不清。")
    whole = comment(me, draft, content="总体赞成。")
    assert [r.status_code for r in (on_article, on_paragraph, whole)] == [201, 201, 201]
    assert on_paragraph.get_json()["paragraph"] == 2 and whole.get_json()["unit_label"] is None
    detail = me.get(f"{URL}/feed/{draft['id']}").get_json()
    assert detail["my_opinions"] == 3 and len(detail["mine"]) == 3
    assert me.get(f"{URL}/feed").get_json()[0]["my_opinions"] == 3


def test_bad_targets_are_422(me, draft, publish_draft):
    third = article(draft, 3)
    assert "款" in assert_error_shape(comment(me, draft, unit_id=third["id"], paragraph=4), 422)["message"]
    assert_error_shape(comment(me, draft, paragraph=1), 422)
    other = publish_draft()
    foreign = article(other, 1)
    assert_error_shape(comment(me, draft, unit_id=foreign["id"]), 422)
    assert_error_shape(comment(me, draft, content=""), 422)
    assert_error_shape(comment(me, draft, content="长" * 2001), 422)


def test_edit_and_withdraw_until_the_deadline_never_after(me, draft):
    first = comment(me, draft, unit_id=article(draft, 1)["id"]).get_json()
    edited = me.patch(f"{URL}/mine/{first['id']}", json={"content": "改为：建议增加听证程序。"})
    assert edited.status_code == 200 and edited.get_json()["content"] == "改为：建议增加听证程序。"
    second = comment(me, draft).get_json()
    withdrawn = me.post(f"{URL}/mine/{second['id']}/withdraw")
    assert withdrawn.get_json()["status"] == "withdrawn"
    assert_error_shape(me.patch(f"{URL}/mine/{second['id']}", json={"content": "再改"}), 409)
    past_deadline(draft["id"])
    late_edit = me.patch(f"{URL}/mine/{first['id']}", json={"content": "截止后修改"})
    assert "截止" in assert_error_shape(late_edit, 409)["message"]
    assert_error_shape(me.post(f"{URL}/mine/{first['id']}/withdraw"), 409)
    assert_error_shape(comment(me, draft), 409)
    assert me.get(f"{URL}/mine").get_json()[1]["content"] == "改为：建议增加听证程序。"
    assert me.get(f"{URL}/mine").get_json()[1]["editable"] is False


def test_only_the_author_edits(me, draft, as_deputy):
    mine = comment(me, draft).get_json()
    other = as_deputy(factories.deputy())
    assert_error_shape(other.patch(f"{URL}/mine/{mine['id']}", json={"content": "别人的修改"}), 404)
    assert_error_shape(other.post(f"{URL}/mine/{mine['id']}/withdraw"), 404)


def test_each_opinion_is_a_performance_event_with_a_title(me, me_deputy, draft):
    opinion = comment(me, draft, unit_id=article(draft, 3)["id"], paragraph=1).get_json()
    event = PerformanceEvent.get(PerformanceEvent.deputy_id == me_deputy.id)
    assert (event.kind, event.object_type, event.object_id) == ("consultation.opinion", "consultation_opinion",
                                                                opinion["id"])
    assert event.payload == {"title": "福州市城市绿化条例（草案）", "article": "第三条第1款"}
    me.post(f"{URL}/mine/{opinion['id']}/withdraw")
    assert not PerformanceEvent.select().where(PerformanceEvent.deputy_id == me_deputy.id).exists()


def test_the_feedback_word_list_screens_opinions_too(me, draft):
    BlockedWord.create(word="违禁词")
    refused = comment(me, draft, content="这里有违禁词。")
    assert "违禁词" in assert_error_shape(refused, 422)["message"]


def test_wechat_screening_refuses_risky_text_and_passes_clean(standin, login_as, publish_draft):
    deputy = factories.deputy()
    client = login_as("deputy", deputy=deputy, openid="o_deputy_screen")
    published = publish_draft()
    draft = client.get(f"{URL}/feed/{published['id']}").get_json()
    assert_error_shape(comment(client, draft, content="有人组织赌博。"), 422)
    clean = comment(client, draft)
    assert clean.status_code == 201


def test_without_wechat_the_opinion_is_kept_and_marked_for_staff(staff, me, draft):
    opinion = comment(me, draft).get_json()
    listed = staff.get(f"{URL}/{draft['id']}/opinions").get_json()
    assert [(o["id"], o["screening"]) for o in listed] == [(opinion["id"], "failed")]
