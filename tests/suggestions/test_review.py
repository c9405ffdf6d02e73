"""Review outcomes with their reasons, 两摘两推 (computed, edited by staff, shown in lists), the timeline."""
from api.common import similarity
from api.suggestions import digest
from api.suggestions.models import Suggestion
from tests.suggestions.conftest import GOOD, URL, submitted
from tests.support import assert_error_shape


def test_the_abstract_ranks_sentences_and_the_key_points_are_the_proposals_items():
    text = digest.abstract(GOOD["problem"], GOOD["cause"], GOOD["proposal"])
    assert 0 < len(text) <= digest.ABSTRACT_MAX and "电梯" in text
    assert digest.key_points(GOOD["proposal"]) == [
        "简化加装电梯审批流程，推行一窗受理、并联审批", "提高财政补贴标准，对困难家庭给予倾斜",
        "建立低层住户补偿协商机制，由街道社区组织协商"]
    many = "1. 增设路灯。2. 修补路面坑洼。3. 设置减速带。4. 增加公交班次。5. 清理路边垃圾。"
    assert len(digest.key_points(many)) == digest.KEY_POINTS
    assert digest.abstract("", "", "") == ""


def test_staff_edit_the_digest_and_lists_show_it(author, staff, unit):
    sid = submitted(author)
    listed = staff.get(URL).get_json()[0]
    assert listed["abstract"] and listed["key_points"]
    edited = staff.patch(f"{URL}/{sid}/digest", json={"abstract": "老旧小区加装电梯难。", "key_points": ["简化审批"],
                                                     "recommended_unit_id": unit.id})
    assert edited.status_code == 200, edited.get_json()
    listed = staff.get(URL).get_json()[0]
    assert (listed["abstract"], listed["key_points"], listed["recommended_unit"]["id"]) == (
        "老旧小区加装电梯难。", ["简化审批"], unit.id)
    assert_error_shape(staff.patch(f"{URL}/{sid}/digest", json={"recommended_unit_id": 999999}), 422)
    assert_error_shape(author.patch(f"{URL}/{sid}/digest", json={"abstract": "x"}), 403)


def test_not_a_suggestion_is_passed_elsewhere_with_a_reason(author, staff):
    sid = submitted(author)
    assert_error_shape(staff.post(f"{URL}/{sid}/reject", json={"reason": "个人诉求"}), 422)
    body = staff.post(f"{URL}/{sid}/reject", json={"reason": "属个人信访诉求", "passed_to": "市信访局"}).get_json()
    assert (body["state"], body["rejection_reason"], body["passed_to"]) == ("rejected", "属个人信访诉求", "市信访局")
    assert similarity.similar("suggestion", GOOD["title"] + GOOD["problem"]) == []  # no longer a duplicate
    timeline = author.get(f"{URL}/{sid}/timeline").get_json()
    assert [(t["to_state"], t["reason"]) for t in timeline][-1] == ("rejected", "属个人信访诉求")
    assert timeline[-1]["payload"] == {"passed_to": "市信访局"}


def test_merge_into_another_suggestion_on_record(author, staff, make_suggestion):
    first = submitted(author)
    second = submitted(author, title="关于老旧小区加装电梯补贴的建议")
    assert_error_shape(staff.post(f"{URL}/{second}/merge", json={"into_id": second}), 422)
    draft = make_suggestion("draft")
    assert_error_shape(staff.post(f"{URL}/{second}/merge", json={"into_id": draft.id}), 422)
    body = staff.post(f"{URL}/{second}/merge", json={"into_id": first}).get_json()
    assert body["state"] == "merged" and body["merged_into_id"] == first
    assert Suggestion.get_by_id(second).merged_into_id == first
