"""Audience resolution: each selector, their union, grassroots, explicit lists, exclusions, left office."""
import pytest

from api.deputies.audience import deputy_ids_query
from api.deputies.models import STATUS_ENDED
from api.notices.schemas import AudienceSchema, stored_audience
from tests import factories
from tests.notices.conftest import URL
from tests.support import assert_error_shape


def resolve(**audience):
    return {d for (d,) in deputy_ids_query(stored_audience(AudienceSchema().load(audience))).tuples()}


@pytest.fixture
def roster(app):
    """Two delegations, a group, a station and fields; one deputy of each kind, plus one who left office."""
    east, west = factories.delegation(), factories.delegation()
    group, station = factories.group(), factories.station()
    people = {
        "east": factories.deputy(delegation=east),
        "west": factories.deputy(delegation=west),
        "grouped": factories.deputy(delegation=west, groups=[group]),
        "stationed": factories.deputy(delegation=west, stations=[station]),
        "lawyer": factories.deputy(delegation=west, expertise=["法律"]),
        "farmer": factories.deputy(delegation=east, grassroots=True),
        "left": factories.deputy(delegation=east, status=STATUS_ENDED, groups=[group], grassroots=True),
    }
    ids = {name: deputy.id for name, deputy in people.items()}
    return {"d_east": east.id, "d_west": west.id, "group": group.id, "station": station.id, **ids}


def test_all_reaches_every_serving_deputy_and_never_one_who_left(roster):
    everyone = {v for k, v in roster.items() if k not in ("d_east", "d_west", "group", "station", "left")}
    assert resolve(all=True) == everyone
    assert roster["left"] not in resolve(all=True)


@pytest.mark.parametrize(
    ("audience", "expected"),
    [
        (lambda r: {"delegation_ids": [r["d_east"]]}, {"east", "farmer"}),
        (lambda r: {"group_ids": [r["group"]]}, {"grouped"}),
        (lambda r: {"station_ids": [r["station"]]}, {"stationed"}),
        (lambda r: {"fields": ["法律"]}, {"lawyer"}),
        (lambda r: {"grassroots_only": True}, {"farmer"}),
        (lambda r: {"delegation_ids": [r["d_west"]], "grassroots_only": True}, set()),
        (lambda r: {"delegation_ids": [r["d_east"]], "grassroots_only": True}, {"farmer"}),
    ],
    ids=["delegation", "group", "station", "field", "grassroots", "grassroots-within-west", "grassroots-within-east"],
)
def test_each_selector(roster, audience, expected):
    assert resolve(**audience(roster)) == {roster[name] for name in expected}


def test_selectors_are_united_and_exclusions_subtracted(roster):
    union = resolve(group_ids=[roster["group"]], station_ids=[roster["station"]], fields=["法律"])
    assert union == {roster["grouped"], roster["stationed"], roster["lawyer"]}
    narrowed = resolve(
        group_ids=[roster["group"]], station_ids=[roster["station"]], fields=["法律"],
        exclude_deputy_ids=[roster["lawyer"]],
    )
    assert narrowed == {roster["grouped"], roster["stationed"]}
    assert resolve(all=True, exclude_deputy_ids=[roster["d_east"], roster["d_west"]]) == {
        roster[n] for n in ("grouped", "stationed", "lawyer", "farmer")
    }


def test_explicit_list_includes_only_serving_deputies(roster):
    assert resolve(deputy_ids=[roster["d_east"], roster["left"]]) == {roster["d_east"]}
    # An explicit pick joins a selector's result even when that pick is outside it.
    assert resolve(group_ids=[roster["group"]], deputy_ids=[roster["lawyer"]]) == {roster["grouped"], roster["lawyer"]}


@pytest.mark.parametrize(
    ("audience", "field"),
    [
        ({}, "all"),
        ({"all": True, "delegation_ids": [1]}, "all"),
        ({"deputy_ids": [5], "exclude_deputy_ids": [5]}, "exclude_deputy_ids"),
        ({"group_ids": ["x"]}, "group_ids"),
    ],
)
def test_audience_rules(staff, audience, field):
    body = assert_error_shape(staff.post(f"{URL}/audience-preview", json={"audience": audience}), 422)
    assert field in body["errors"]["audience"]


def test_preview_counts_and_names_the_first_deputies(staff, roster):
    response = staff.post(
        f"{URL}/audience-preview",
        json={"audience": {"delegation_ids": [roster["d_east"]], "deputy_ids": [roster["left"], roster["lawyer"]]}},
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["count"] == 3
    assert body["not_serving"] == 1
    assert {d["id"] for d in body["sample"]} == {roster["d_east"], roster["farmer"], roster["lawyer"]}
    assert all(d["name"] and d["delegation"] for d in body["sample"])


def test_preview_names_unknown_references(staff, roster):
    body = assert_error_shape(
        staff.post(f"{URL}/audience-preview", json={"audience": {"delegation_ids": [roster["d_east"], 9999]}}), 422
    )
    assert "9999" in body["errors"]["audience"]["delegation_ids"][0]


def test_publish_fixes_recipients_exactly_and_later_roster_changes_do_not_rewrite_them(
    staff, create_notice, roster
):
    from api.deputies.models import Deputy
    from api.notices.models import NoticeRecipient

    notice = create_notice(audience={"delegation_ids": [roster["d_east"]], "exclude_deputy_ids": [roster["farmer"]]})
    assert staff.post(f"{URL}/{notice['id']}/publish").status_code == 200
    recipients = {r.deputy_id for r in NoticeRecipient.select().where(NoticeRecipient.notice == notice["id"])}
    assert recipients == {roster["d_east"]}
    Deputy.update(status=STATUS_ENDED).where(Deputy.id == roster["d_east"]).execute()
    factories.deputy(delegation=roster["d_east"])
    assert staff.get(f"{URL}/{notice['id']}/stats").get_json()["recipients"] == 1


def test_nobody_in_audience_cannot_be_published(staff, create_notice, roster):
    notice = create_notice(audience={"deputy_ids": [roster["left"]]})
    body = assert_error_shape(staff.post(f"{URL}/{notice['id']}/publish"), 422)
    assert "audience" in body["errors"]
    assert staff.get(f"{URL}/{notice['id']}").get_json()["state"] == "draft"
