"""Suggestion test helpers: a deputy who writes, the office, units, and suggestions in any state."""
import datetime as dt

import pytest

from api.suggestions.models import Assignment, Suggestion
from api.suggestions.workflow import ASSIGNMENT_FLOW, SUGGESTION_FLOW
from tests import factories

URL = "/api/v1/suggestions"
GOOD = {
    "title": "关于加快老旧小区加装电梯的建议",
    "problem": "我市建成于上世纪九十年代的老旧小区普遍没有电梯，六层住宅里的老年人上下楼十分困难，不少人常年不下楼。",
    "cause": "加装电梯须经本单元业主同意，低层住户担心采光和噪音；财政补贴标准偏低，审批涉及多个部门，流程复杂。",
    "proposal": "一是简化加装电梯审批流程，推行一窗受理、并联审批。二是提高财政补贴标准，对困难家庭给予倾斜。"
                "三是建立低层住户补偿协商机制，由街道社区组织协商。",
    "category": "城乡建设",
}


@pytest.fixture(autouse=True)
def calendar_maintained(db):
    """Three months ahead reaches next year, whose holidays the office maintains (as a deployment must)."""
    from api.calendar.models import CalendarYear

    for year in (2027, 2028):
        CalendarYear.create(year=year, note="测试：按周末计")


@pytest.fixture
def author_deputy(db):
    return factories.deputy()


@pytest.fixture
def author(login_as, author_deputy):
    return login_as("deputy", deputy=author_deputy)


@pytest.fixture
def staff(login_as):
    return login_as("staff")


@pytest.fixture
def unit(db):
    return factories.unit(category="城乡建设")


@pytest.fixture
def other_unit(db):
    return factories.unit()


@pytest.fixture
def unit_client(login_as, unit):
    return login_as("unit_user", unit=unit)


@pytest.fixture
def other_unit_client(login_as, other_unit):
    return login_as("unit_user", unit=other_unit)


@pytest.fixture
def make_suggestion(author_deputy):
    """make_suggestion(state="submitted", **fields): a suggestion written straight to the table."""

    def make(state="submitted", **fields):
        body = {key: GOOD[key] for key in ("title", "problem", "cause", "proposal", "category")}
        fields = {"deputy": author_deputy, "term": author_deputy.term, **body, "state": state, **fields}
        suggestion = Suggestion.create(**fields)
        SUGGESTION_FLOW.start(suggestion)
        return suggestion

    return make


@pytest.fixture
def make_assignment():
    def make(suggestion, unit, role="lead", state="pending", **fields):
        fields = {"due_date": dt.date(2030, 1, 2), "round": suggestion.rounds or 1, **fields}
        row = Assignment.create(suggestion=suggestion, unit=unit, role=role, state=state, **fields)
        ASSIGNMENT_FLOW.start(row)
        return row

    return make


def history(entity_type, entity_id):
    from api.common.workflow import timeline

    return timeline(entity_type, entity_id)


def submitted(author, **overrides):
    """A draft created and submitted through the API; returns its id."""
    created = author.post(URL, json={**GOOD, **overrides})
    assert created.status_code == 201, created.get_json()
    sid = created.get_json()["id"]
    response = author.post(f"{URL}/{sid}/submit", json={"confirm_warnings": True})
    assert response.status_code == 200, response.get_json()
    return sid
