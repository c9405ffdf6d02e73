"""Every role's view: the office sees all; a deputy their own and those they were invited to co-sign; a unit
only what was assigned to it, never another unit's; station staff and constituents nothing."""
import datetime as dt

import pytest

from api.suggestions.models import Commitment, Cosigner
from tests import factories
from tests.suggestions.conftest import URL
from tests.support import assert_error_shape


@pytest.fixture
def world(make_suggestion, make_assignment, unit, other_unit, author_deputy):
    mine = make_suggestion("assigned", rounds=1)
    theirs = make_suggestion("assigned", rounds=1, deputy=factories.deputy(), title="关于另一位代表的建议标题")
    invited = make_suggestion("draft", deputy=factories.deputy(), title="邀请附议的建议标题示例")
    Cosigner.create(suggestion=invited, deputy=author_deputy)
    a_mine = make_assignment(mine, unit)
    a_theirs = make_assignment(theirs, other_unit)
    for assignment in (a_mine, a_theirs):
        Commitment.create(assignment=assignment, suggestion=assignment.suggestion, unit=assignment.unit,
                          what="承诺事项", due_date=dt.date(2030, 1, 1), owner="负责人")
    return {"mine": mine, "theirs": theirs, "invited": invited, "a_mine": a_mine, "a_theirs": a_theirs}


def ids(response):
    assert response.status_code == 200, response.get_json()
    return sorted(row["id"] for row in response.get_json())


def test_the_office_sees_everything(world, staff):
    assert ids(staff.get(URL)) == sorted(world[k].id for k in ("mine", "theirs", "invited"))
    assert ids(staff.get(f"{URL}/assignments")) == sorted([world["a_mine"].id, world["a_theirs"].id])
    assert len(staff.get(f"{URL}/commitments").get_json()) == 2


def test_a_deputy_sees_their_own_and_their_invitations(world, author):
    assert ids(author.get(URL)) == sorted([world["mine"].id, world["invited"].id])
    assert author.get(f"{URL}/{world['theirs'].id}").status_code == 404
    ledger = author.get(f"{URL}/commitments").get_json()
    assert [c["suggestion"]["id"] for c in ledger] == [world["mine"].id]  # the ledger of their own suggestions
    assert_error_shape(author.get(f"{URL}/assignments"), 403)
    assert author.get(f"{URL}/assignments/{world['a_theirs'].id}").status_code == 404


def test_a_unit_never_sees_another_units_suggestions(world, unit_client, other_unit_client):
    assert ids(unit_client.get(URL)) == [world["mine"].id]
    assert ids(other_unit_client.get(URL)) == [world["theirs"].id]
    for path in (f"{URL}/{world['theirs'].id}", f"{URL}/{world['theirs'].id}/timeline",
                 f"{URL}/assignments/{world['a_theirs'].id}", f"{URL}/assignments/{world['a_theirs'].id}/contacts",
                 f"{URL}/{world['theirs'].id}/progress"):
        assert_error_shape(unit_client.get(path), 404)
    assert ids(unit_client.get(f"{URL}/assignments")) == [world["a_mine"].id]
    assert [c["unit"]["id"] for c in unit_client.get(f"{URL}/commitments").get_json()] == [world["a_mine"].unit_id]
    other_commitment = Commitment.get(Commitment.assignment == world["a_theirs"].id)
    assert_error_shape(unit_client.post(f"{URL}/commitments/{other_commitment.id}/report",
                                        json={"evidence": "已完成。"}), 404)
    assert [u["id"] for u in unit_client.get(f"{URL}/stats/units").get_json()] == [world["a_mine"].unit_id]


@pytest.mark.parametrize("role", ["station_staff", "constituent"])
def test_station_staff_and_constituents_see_no_suggestions(world, login_as, role):
    client = login_as(role)
    for path in (URL, f"{URL}/{world['mine'].id}", f"{URL}/assignments", f"{URL}/commitments", f"{URL}/stats/units"):
        assert_error_shape(client.get(path), 403)
    assert client.get(f"{URL}/public").status_code == 200


def test_only_the_office_sees_delegation_and_deputy_figures(world, unit_client, author, staff):
    for client in (unit_client, author):
        assert_error_shape(client.get(f"{URL}/stats/deputies"), 403)
        assert_error_shape(client.get(f"{URL}/stats/export"), 403)
    assert staff.get(f"{URL}/stats/deputies").status_code == 200
