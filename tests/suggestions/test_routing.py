"""The assignment suggestion on a labelled set (tests/suggestions/data/routing.json): past suggestions
answered by known units, and new ones whose right lead unit is known. Two pairs of units share a
category (交通运输: transport and traffic police; 社会保障: social security and civil affairs), so the
category alone cannot tell them apart. The precision of the first suggested unit is printed, beside
the category-only baseline, and must stay at or above PRECISION_FLOOR."""
import json
import os

import pytest

from api.suggestions import routing, similar
from api.suggestions.models import Assignment, Suggestion
from tests import factories

DATA = os.path.join(os.path.dirname(__file__), "data", "routing.json")
PRECISION_FLOOR = 0.85


@pytest.fixture
def labelled(db, author_deputy):
    with open(DATA, encoding="utf-8") as handle:
        data = json.load(handle)
    units = {key: factories.unit(name=name, category=category) for key, (name, category) in data["units"].items()}
    for key, category, title, text in data["past"]:
        suggestion = Suggestion.create(deputy=author_deputy, term=author_deputy.term, title=title, problem=text,
                                       cause="", proposal="", category=category, state="rated", rounds=1)
        similar.index(suggestion)
        Assignment.create(suggestion=suggestion, unit=units[key], role="lead", state="answered",
                          due_date="2030-01-01", answer_category="A", answer="已办理。")
    return units, data["queries"]


def test_the_first_suggested_unit_is_right_on_the_labelled_set(labelled, capsys):
    units, queries = labelled
    right = category_only = 0
    for key, category, title, text in queries:
        suggested = routing.suggest_units(f"{title}\n{text}", category)
        assert suggested and all(s["reasons"] for s in suggested)
        right += suggested[0]["unit"]["id"] == units[key].id
        by_category = routing.category_leaders(category)
        best = max(by_category, key=lambda u: (by_category[u], -u)) if by_category else None
        category_only += best == units[key].id
    precision, baseline = right / len(queries), category_only / len(queries)
    with capsys.disabled():
        print(f"\nassignment suggestion: precision@1 {precision:.2f} on {len(queries)} labelled suggestions "
              f"(category alone: {baseline:.2f})")
    assert precision >= PRECISION_FLOOR
    assert precision > baseline


def test_the_reasons_name_the_similar_suggestion_and_the_category(labelled):
    units, queries = labelled
    key, category, title, text = queries[0]
    first = routing.suggest_units(f"{title}\n{text}", category)[0]
    assert first["unit"]["name"] == "市教育局"
    joined = "；".join(first["reasons"])
    assert "相近建议《" in joined and f"「{category}」类建议中主办过" in joined and "职能类别" in joined


def test_the_api_suggests_units_to_the_office_only(labelled, login_as, make_suggestion):
    suggestion = make_suggestion("submitted", title="关于开通新建小区社区公交的建议",
                                 problem="城北新建小区没有公交站，建议开通社区微循环公交。", category="交通运输")
    staff = login_as("staff")
    body = staff.get(f"/api/v1/suggestions/{suggestion.id}/unit-suggestions").get_json()
    assert body[0]["unit"]["name"] == "市交通运输局" and body[0]["reasons"]
    assert login_as("unit_user", unit=labelled[0]["edu"]).get(
        f"/api/v1/suggestions/{suggestion.id}/unit-suggestions").status_code == 403
