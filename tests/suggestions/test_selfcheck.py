"""自检自测: each rule with a failing and a passing example, and the rules shown through the API."""
import pytest

from api.suggestions import selfcheck
from tests.suggestions.conftest import GOOD, URL, submitted


@pytest.mark.parametrize("title", ["建议", "关于若干问题的建议", "关于一些问题的几点建议", "有关事项的意见",
                                   "城市管理建议"])
def test_vague_or_short_titles_fail(title):
    result = selfcheck.check_title({"title": title})
    assert not result["passed"] and result["blocking"] and result["reason"]


@pytest.mark.parametrize("title", [GOOD["title"], "关于在鼓楼区东街口增设过街天桥的建议"])
def test_specific_titles_pass(title):
    assert selfcheck.check_title({"title": title})["passed"]


def test_sections_must_all_be_substantive():
    assert selfcheck.check_sections(GOOD)["passed"]
    thin = selfcheck.check_sections({**GOOD, "cause": "原因很多。。。。。"})
    assert not thin["passed"] and "原因" in thin["reason"]
    missing = selfcheck.check_sections({**GOOD, "problem": "", "proposal": ""})
    assert "问题" in missing["reason"] and "建议" in missing["reason"]
    same = selfcheck.check_sections({**GOOD, "cause": GOOD["problem"]})
    assert not same["passed"] and "重复" in same["reason"]


def test_a_personal_grievance_is_flagged():
    personal = {
        "title": "关于要求单位支付我本人拖欠工资的建议",
        "problem": "我在某公司工作三年，公司拖欠我的工资八个月，我多次讨要无果。",
        "cause": "我的老板躲着不见，我家里生活困难。",
        "proposal": "请有关部门督促公司支付我的工资，并赔偿我的损失。",
    }
    result = selfcheck.check_personal(personal)
    assert not result["passed"] and not result["blocking"] and "群众意见" in result["reason"]
    assert selfcheck.check_personal(GOOD)["passed"]


def test_near_duplicates_of_this_term_are_shown_with_their_answers(author, author_deputy):
    assert selfcheck.check_duplicates(GOOD, author_deputy.term)["passed"]
    sid = submitted(author)
    found = selfcheck.check_duplicates(GOOD, author_deputy.term)
    assert not found["passed"] and [s["id"] for s in found["similar"]] == [sid]
    assert found["similar"][0]["answers"] == []
    # Another term's suggestions are not this term's duplicates; a different matter is none either.
    assert selfcheck.check_duplicates(GOOD, author_deputy.term + 1)["passed"]
    other = {"title": "关于规范校外培训机构收费的建议", "problem": "校外培训机构预收费用过高，跑路事件时有发生。",
             "cause": "资金监管缺位。", "proposal": "建立预收费资金监管账户。"}
    assert selfcheck.check_duplicates(other, author_deputy.term)["passed"]


def test_the_api_shows_every_rule_with_its_reason(author):
    body = author.post(f"{URL}/self-check", json={**GOOD, "title": "建议"}).get_json()
    rules = {r["rule"]: r for r in body["rules"]}
    assert list(rules) == ["title", "sections", "personal", "duplicates"]
    assert not rules["title"]["passed"] and rules["title"]["reason"]
    assert rules["sections"]["passed"] and not body["can_submit"]
    sid = author.post(URL, json=GOOD).get_json()["id"]
    saved = author.get(f"{URL}/{sid}/self-check").get_json()
    assert saved["can_submit"] and saved["warnings"] == []
