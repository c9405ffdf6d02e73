"""The whole flow through HTTP: publish, a deputy comments on article 3, staff mark partly adopted, the
deputy sees it with the reason."""
from api.consultations import services
from tests import factories
from tests.consultations.conftest import URL, article, past_deadline


def test_comment_on_article_three_then_see_partly_adopted(staff, as_deputy, publish_draft):
    me = as_deputy(factories.deputy())
    draft = publish_draft()
    feed = me.get(f"{URL}/feed").get_json()
    assert [item["id"] for item in feed] == [draft["id"]] and feed[0]["accepting"] is True
    opened = me.get(f"{URL}/feed/{draft['id']}").get_json()
    third = article(opened, 3)
    assert third["label"] == "第三条" and len(third["paragraphs"]) == 3
    created = me.post(f"{URL}/feed/{draft['id']}/opinions",
                      json={"unit_id": third["id"], "content": "建议明确城市绿化主管部门的具体职责。"})
    assert created.status_code == 201, created.get_json()
    opinion = created.get_json()
    assert opinion["status_label"] == "待研究" and opinion["unit_label"] == "第三条"
    past_deadline(draft["id"])
    assert services.close_due() == 1
    marked = staff.post(f"{URL}/opinions/{opinion['id']}/outcome",
                        json={"outcome": "partly", "reason": "已在第三条第二款中明确主管部门职责。"})
    assert marked.status_code == 200, marked.get_json()
    before = me.get(f"{URL}/mine").get_json()[0]
    assert before["status"] == "submitted" and before["outcome_reason"] is None  # not published yet
    published = staff.post(f"{URL}/{draft['id']}/publish-outcomes")
    assert published.status_code == 200, published.get_json()
    assert published.get_json()["notified"] == 1
    after = me.get(f"{URL}/mine").get_json()[0]
    assert after["status_label"] == "部分采纳" and after["outcome_reason"] == "已在第三条第二款中明确主管部门职责。"
