"""Staff after the deadline: per-article counts, outcomes with reasons, merging, publishing the outcomes with
a push to each deputy about their own, and the two exports (opened and checked)."""
import io

import docx
import openpyxl
import pytest

from api.common.workflow import timeline
from api.consultations import services
from api.push.models import Delivery, PushMessage
from tests import factories
from tests.consultations.conftest import URL, article, past_deadline
from tests.support import assert_error_shape


@pytest.fixture
def scene(staff, as_deputy, publish_draft):
    """Three deputies commented (two near-identical on 第三条, one on the whole draft); the deadline passed."""
    people = [factories.deputy() for _ in range(3)]
    clients = [as_deputy(p) for p in people]
    draft = publish_draft()
    third = article(draft, 3)

    def post(client, **body):
        response = client.post(f"{URL}/feed/{draft['id']}/opinions", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    opinions = [
        post(clients[0], unit_id=third["id"], content="建议明确城市绿化主管部门的职责分工和考核办法。"),
        post(clients[1], unit_id=third["id"], content="建议明确城市绿化主管部门的职责分工与考核办法。"),
        post(clients[2], content="=HYPERLINK(\"http://x\") 总体赞成，建议尽快出台。"),
    ]
    past_deadline(draft["id"])
    services.close_due()
    return {"draft": draft, "third": third, "people": people, "clients": clients, "opinions": opinions}


def mark(staff, opinion, outcome, reason):
    return staff.post(f"{URL}/opinions/{opinion['id']}/outcome", json={"outcome": outcome, "reason": reason})


def test_counts_per_article(staff, scene):
    units = staff.get(f"{URL}/{scene['draft']['id']}/units").get_json()
    assert units[0]["label"] == "草案整体" and units[0]["opinions"] == 1
    third = next(u for u in units if u["label"] == "第三条")
    assert third["opinions"] == 2 and third["by_state"] == {"submitted": 2}
    on_third = staff.get(f"{URL}/{scene['draft']['id']}/opinions?unit_id={scene['third']['id']}").get_json()
    assert [o["deputy_name"] for o in on_third] == [p.name for p in scene["people"][:2]]


def test_outcomes_only_after_the_deadline_with_a_reason(staff, as_deputy, publish_draft):
    me = as_deputy(factories.deputy())
    draft = publish_draft()
    opinion = me.post(f"{URL}/feed/{draft['id']}/opinions", json={"content": "意见"}).get_json()
    assert "截止后" in assert_error_shape(mark(staff, opinion, "adopted", "理由"), 409)["message"]
    past_deadline(draft["id"])
    services.close_due()
    assert_error_shape(staff.post(f"{URL}/opinions/{opinion['id']}/outcome", json={"outcome": "adopted"}), 422)
    assert_error_shape(mark(staff, opinion, "maybe", "理由"), 422)
    assert mark(staff, opinion, "adopted", "已采纳").status_code == 200
    assert mark(staff, opinion, "reference", "改为供参考").get_json()["state_label"] == "供参考"
    history = timeline("consultation_opinion", opinion["id"])
    assert [h["to_state"] for h in history] == ["submitted", "adopted", "reference"]
    assert history[-1]["reason"] == "改为供参考"


def test_merge_near_identical_opinions(staff, scene):
    first, second, _ = scene["opinions"]
    similar = staff.get(f"{URL}/opinions/{second['id']}/similar").get_json()
    assert similar[0]["id"] == first["id"] and similar[0]["score"] > 0.5
    merged = staff.post(f"{URL}/opinions/{second['id']}/merge", json={"into": first["id"]})
    assert merged.status_code == 200 and merged.get_json()["merged_into_id"] == first["id"]
    assert_error_shape(staff.post(f"{URL}/opinions/{first['id']}/merge", json={"into": first["id"]}), 422)
    assert_error_shape(staff.post(f"{URL}/opinions/{first['id']}/merge", json={"into": second["id"]}), 409)


def test_publishing_outcomes_tells_each_deputy_their_own(staff, scene):
    first, second, whole = scene["opinions"]
    draft_id = scene["draft"]["id"]
    mark(staff, first, "partly", "部分内容已吸收到第三条第二款。")
    blocked = staff.post(f"{URL}/{draft_id}/publish-outcomes")
    assert "未标注" in assert_error_shape(blocked, 409)["message"]
    staff.post(f"{URL}/opinions/{second['id']}/merge", json={"into": first["id"]})
    mark(staff, whole, "reference", "供今后工作参考。")
    published = staff.post(f"{URL}/{draft_id}/publish-outcomes")
    assert published.status_code == 200 and published.get_json()["notified"] == 3
    rows = (Delivery.select(Delivery.deputy, PushMessage.data).join(PushMessage)
            .where(Delivery.source_type == "consultation", Delivery.scope == "outcome").tuples())
    told = {deputy: data for deputy, data in rows}
    people = scene["people"]
    assert "部分采纳" in told[people[0].id] and "部分采纳" in told[people[1].id]  # merged: the target's outcome
    assert "供参考" in told[people[2].id]
    merged_view = scene["clients"][1].get(f"{URL}/mine").get_json()[0]
    assert merged_view["status_label"] == "部分采纳"
    assert merged_view["outcome_reason"] == "部分内容已吸收到第三条第二款。"
    assert_error_shape(staff.post(f"{URL}/{draft_id}/publish-outcomes"), 409)  # once
    assert Delivery.select().where(Delivery.scope == "outcome").count() == 3


def test_excel_export_of_the_opinions(staff, scene):
    mark(staff, scene["opinions"][0], "adopted", "采纳")
    response = staff.get(f"{URL}/{scene['draft']['id']}/export")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "条文", "款")
    assert [(r[1], r[4], r[8]) for r in rows[1:]] == [
        ("草案整体", scene["people"][2].name, "待研究"),
        ("第三条", scene["people"][0].name, "已采纳"),
        ("第三条", scene["people"][1].name, "待研究"),
    ]
    assert not str(rows[1][7]).startswith("=")  # a formula typed by a deputy stays text


def test_docx_report_by_article(staff, scene):
    mark(staff, scene["opinions"][0], "partly", "已部分吸收。")
    response = staff.get(f"{URL}/{scene['draft']['id']}/report")
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.data))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "《福州市城市绿化条例（草案）》征求代表意见情况报告"
    assert "共收到代表意见 3 条" in texts[1]
    third = texts.index("第三条")
    assert texts[third + 1] == "市、县（市）区人民政府应当将城市绿化纳入国民经济和社会发展规划。"
    assert "第一章 总 则" in texts and "第二节 建 设" in texts
    cells = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert ["提出人", "意见", "研究结果", "说明"] in cells
    assert [scene["people"][0].name, scene["opinions"][0]["content"], "部分采纳", "已部分吸收。"] in cells
    assert "（无意见）" in texts  # articles nobody commented on say so


def test_exports_are_for_the_office(login_as, scene):
    deputy = login_as("deputy")
    assert_error_shape(deputy.get(f"{URL}/{scene['draft']['id']}/export"), 403)
    assert_error_shape(deputy.get(f"{URL}/{scene['draft']['id']}/report"), 403)
