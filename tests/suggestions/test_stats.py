"""Statistics on known data: per unit, per delegation and per deputy, the ranking with stars, the export."""
import datetime as dt
from io import BytesIO

from openpyxl import load_workbook

from api.suggestions.models import Assignment, Commitment
from tests import factories
from tests.suggestions.conftest import URL


def test_figures_per_unit_delegation_and_deputy(make_suggestion, make_assignment, unit, other_unit, staff,
                                                author_deputy):
    now = dt.datetime(2026, 3, 2, 2, tzinfo=dt.timezone.utc)
    second = factories.deputy()
    rows = [  # (deputy, unit, category, on time, rating)
        (author_deputy, unit, "A", True, "满意"),
        (author_deputy, unit, "B", True, "基本满意"),
        (author_deputy, unit, "C", False, "不满意"),
        (second, unit, None, None, None),  # assigned, not answered yet
        (second, other_unit, "A", False, None),
    ]
    for deputy, handler, category, on_time, rating in rows:
        state = "rated" if rating else ("answered" if category else "assigned")
        suggestion = make_suggestion(state, deputy=deputy, rounds=1, rating=rating, submitted_at=now)
        make_assignment(suggestion, handler, state="answered" if category else "handling", answer_category=category,
                        answered_at=now if category else None, on_time=on_time, assigned_at=now)
    make_suggestion("draft")  # a draft counts nowhere
    b = Assignment.get(Assignment.answer_category == "B")
    for on_time, state in ((True, "verified"), (False, "verified"), (None, "open")):
        Commitment.create(assignment=b, suggestion=b.suggestion, unit=unit, what="承诺", owner="人", state=state,
                          due_date=dt.date(2026, 6, 30), on_time=on_time)

    units = {u["id"]: u for u in staff.get(f"{URL}/stats/units").get_json()}
    first = units[unit.id]
    assert (first["assigned"], first["answered"], first["on_time"], first["on_time_rate"]) == (4, 3, 2, 0.6667)
    assert (first["a"], first["b"], first["c"], first["a_share"]) == (1, 1, 1, 0.3333)
    assert (first["rated"], first["satisfied"], first["satisfaction_rate"]) == (3, 2, 0.6667)
    assert (first["commitments"], first["commitments_verified"], first["commitments_on_time"]) == (3, 2, 1)
    assert units[other_unit.id]["on_time_rate"] == 0.0

    deputies = {d["id"]: d for d in staff.get(f"{URL}/stats/deputies").get_json()}
    assert (deputies[author_deputy.id]["submitted"], deputies[author_deputy.id]["satisfied"]) == (3, 2)
    assert (deputies[second.id]["submitted"], deputies[second.id]["answered"]) == (2, 1)
    delegations = {d["id"]: d["submitted"] for d in staff.get(f"{URL}/stats/delegations").get_json()}
    assert delegations == {author_deputy.delegation_id: 3, second.delegation_id: 2}
    assert staff.get(f"{URL}/stats/units", query_string={"year": 2025}).get_json() == []

    ranking = staff.get(f"{URL}/stats/ranking").get_json()
    ranked = {u["unit"]["id"]: u for u in ranking["units"]}
    # 0.4 × 2/3 + 0.4 × 2/3 + 0.2 × 1/3 = 0.6 → 3 stars; the other unit has too few to be ranked.
    assert (ranked[unit.id]["rank"], ranked[unit.id]["score"], ranked[unit.id]["stars"]) == (1, 0.6, 3)
    assert ranked[other_unit.id]["few"] and ranked[other_unit.id]["rank"] is None

    export = staff.get(f"{URL}/stats/export")
    assert export.status_code == 200
    book = load_workbook(BytesIO(export.data))
    assert book.sheetnames == ["按承办单位", "按代表团", "按代表", "承办单位排名"]
    assert book["承办单位排名"]["D2"].value == "★★★"


def test_each_ranked_unit_shows_its_feedback_stars_for_the_same_year(app, make_suggestion, make_assignment, unit,
                                                                     other_unit, staff):
    app.config["FEEDBACK_RANKING_MIN_ANSWERED"] = 2
    now = dt.datetime(2026, 3, 2, 2, tzinfo=dt.timezone.utc)
    for handler in (unit, other_unit):
        make_assignment(make_suggestion("answered", rounds=1, submitted_at=now), handler, state="answered",
                        answer_category="A", answered_at=now, on_time=True, assigned_at=now)
    # `unit`: on time 2 of 3, satisfied 2 of 3 → 5 × 2/3 = 3.3 → ★★★; `other_unit`: one answer, too few.
    for handler, days, rating in ((unit, 1, "满意"), (unit, 1, "不满意"), (unit, 10, "满意"), (other_unit, 1, "满意")):
        factories.answered_case(handler, now, days, rating, due_date=dt.date(2026, 3, 5))

    for query in ({}, {"year": 2026}):
        ranked = {u["unit"]["id"]: u for u in staff.get(f"{URL}/stats/ranking", query_string=query).get_json()["units"]}
        assert (ranked[unit.id]["feedback_stars"], ranked[other_unit.id]["feedback_stars"]) == (3, None)
    book = load_workbook(BytesIO(staff.get(f"{URL}/stats/export").data))
    stars = {row[1]: row[5] for row in book["承办单位排名"].iter_rows(min_row=2, values_only=True)}
    assert stars[unit.name] == "★★★"
