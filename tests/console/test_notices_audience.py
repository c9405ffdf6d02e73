"""The audience builder's live count: an htmx fragment from the audience-preview service, never a reload."""
import re

import pytest

from tests import factories

COUNT = "/console/notices/audience-count"
LOOKUP = "/console/notices/deputy-lookup"


def count_of(response):
    return int(re.search(r'data-testid="audience-count">(\d+)<', response.get_data(as_text=True)).group(1))


@pytest.fixture
def roster():
    """Two delegations: A with two serving deputies (one grassroots), B with one, and one who has left."""
    a, b = factories.delegation(name="甲代表团"), factories.delegation(name="乙代表团")
    station = factories.station(name="东街联络站")
    return {
        "a": a, "b": b, "station": station,
        "a1": factories.deputy(delegation=a, code="A1", grassroots=True, stations=[station], expertise=["法律"]),
        "a2": factories.deputy(delegation=a, code="A2"),
        "b1": factories.deputy(delegation=b, code="B1"),
        "gone": factories.deputy(delegation=b, code="B9", status="离任"),
    }


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ({"all": "on"}, 3),
        ({"all": "on", "exclude_codes": "A1"}, 2),
        ({"delegation_ids": "a"}, 2),
        ({"delegation_ids": "a", "grassroots_only": "on"}, 1),
        ({"grassroots_only": "on"}, 1),
        ({"station_ids": "station"}, 1),
        ({"fields": "法律"}, 1),
        ({"levels": "municipal"}, 3),
        ({"deputy_codes": "B1, A2"}, 2),
        ({"deputy_codes": "B1\nB9"}, 1),
    ],
)
def test_the_count_is_the_number_of_serving_deputies_reached(console_as, roster, form, expected):
    data = {key: str(roster[value].id) if value in roster else value for key, value in form.items()}
    response = console_as("staff").post(COUNT, data=data, htmx=True)
    assert response.status_code == 200
    assert count_of(response) == expected


def test_a_listed_deputy_who_has_left_is_named_as_not_reached(console_as, roster):
    html = console_as("staff").post(COUNT, data={"deputy_codes": "B9 B1"}, htmx=True).get_data(as_text=True)
    assert "另有 1 位指定代表已离任" in html


def test_with_nothing_chosen_the_fragment_says_so_in_place(console_as, roster):
    response = console_as("staff").post(COUNT, data={}, htmx=True)
    assert response.status_code == 200  # not an error in the browser's console: the builder is half-way
    assert count_of(response) == 0 and "请至少选择一种受众范围" in response.get_data(as_text=True)
    assert "HX-Retarget" not in response.headers  # it stays in the builder, not in the page's flash area


def test_an_unknown_code_is_named_in_the_fragment(console_as, roster):
    response = console_as("staff").post(COUNT, data={"all": "on", "exclude_codes": "ZZZ"}, htmx=True)
    assert response.status_code == 200 and "没有这些代表编号：ZZZ" in response.get_data(as_text=True)


def test_the_count_needs_the_csrf_token_and_the_permission(console_as, roster):
    staff = console_as("staff")
    assert staff.post(COUNT, data={"all": "on"}, htmx=True, csrf=False).status_code == 403
    assert console_as("station_staff").post(COUNT, data={"all": "on"}, htmx=True).status_code == 403


def test_the_compose_form_asks_for_the_count_on_load_and_on_every_change(console_as, roster):
    html = console_as("staff").get("/console/notices/new").get_data(as_text=True)
    builder = html.split('<fieldset id="audience"')[1].split(">")[0]
    assert f'hx-post="{COUNT}"' in builder and 'hx-trigger="load, input' in builder
    for name in ("甲代表团", "东街联络站", "法律", "市级"):
        assert name in html


def test_looking_up_a_deputy_shows_their_code(console_as, roster):
    html = console_as("staff").get(f"{LOOKUP}?lookup={roster['a1'].name}", htmx=True).get_data(as_text=True)
    assert "<code>A1</code>" in html
