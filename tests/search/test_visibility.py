"""The one search returns only what the asker may read now: nothing leaks through titles, snippets, counts or facets."""
import datetime as dt

import pytest

from api.common import search
from api.common.access import authenticate_token
from api.common.db import utcnow
from api.common.permissions import ROLES
from tests import factories
from tests.briefings.conftest import URL as BRIEFINGS

SEARCH = "/api/v1/search"
SECRET = "绝密预算审查"  # in the title of a paper that reaches one deputy only


@pytest.fixture
def world(login_as, staff, paper, meeting, as_deputy):
    """A notice to everyone, a paper for the attendees of one meeting, a confidential paper for one deputy."""
    attendee, outsider, chosen = factories.deputy(), factories.deputy(), factories.deputy()
    notice = staff.post("/api/v1/notices", json={
        "title": "关于代表建议办理情况的通知", "body": "<p>代表建议办理进展，请各位代表了解。</p>",
        "kind": "情况通报", "audience": {"all": True}}).get_json()
    assert staff.post(f"/api/v1/notices/{notice['id']}/publish").status_code == 200
    held = meeting(deputy_ids=[attendee.id])
    for_attendees = paper(meeting_id=held["id"], title="代表建议办理工作报告", confidentiality="internal",
                          description="一府一委两院办理代表建议的情况")
    secret = paper(audience={"selectors": {"deputy_ids": [chosen.id]}}, category="参阅资料",
                   title=f"{SECRET}代表建议材料", description=f"{SECRET}的说明")
    return {"attendee": attendee, "outsider": outsider, "chosen": chosen, "notice": notice,
            "for_attendees": for_attendees, "secret": secret, "meeting": held}


def found(client, q="代表建议", **params):
    response = client.get(SEARCH, query_string={"q": q, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def keys(result, kind):
    return {item["key"] for item in result["items"] if item["kind"] == kind}


def test_a_deputy_finds_what_reached_them(world, as_deputy):
    result = found(as_deputy(world["attendee"]))
    assert keys(result, "notice") == {world["notice"]["id"]}
    assert keys(result, "paper") == {world["for_attendees"]["id"]}
    assert result["total"] == 2
    assert {f["kind"]: f["count"] for f in result["facets"]} == {"notice": 1, "paper": 1}
    assert SECRET not in str(result)


def test_nothing_leaks_to_a_deputy_who_was_not_reached(world, as_deputy):
    result = found(as_deputy(world["outsider"]))
    assert keys(result, "paper") == set() and result["total"] == 1
    assert {f["kind"]: f["count"] for f in result["facets"]} == {"notice": 1}
    secret = found(as_deputy(world["outsider"]), q=SECRET)
    assert secret == {**secret, "total": 0, "items": [], "facets": []}


def test_the_chosen_deputy_finds_the_confidential_paper_by_title_but_never_its_text(world, as_deputy):
    result = found(as_deputy(world["chosen"]), q=SECRET)
    assert keys(result, "paper") == {world["secret"]["id"]}
    item = result["items"][0]
    assert "<em>" in item["title_html"] and "Budget" not in item["snippet_html"]  # the PDF's text is never shown
    assert found(as_deputy(world["chosen"]), q="Budget")["total"] == 0


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("admin", "staff", "deputy")])
def test_other_roles_find_nothing(world, login_as, role):
    result = found(login_as(role))
    assert result["total"] == 0 and result["items"] == [] and result["facets"] == []


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_the_office_finds_every_published_document(world, login_as, role):
    result = found(login_as(role))
    assert keys(result, "paper") == {world["for_attendees"]["id"], world["secret"]["id"]}
    assert keys(result, "notice") == {world["notice"]["id"]}


def test_anonymous_callers_are_refused(world, client):
    assert client.get(SEARCH, query_string={"q": "代表建议"}).status_code == 401


def test_filters_by_kind_meeting_and_date(world, as_deputy):
    client = as_deputy(world["attendee"])
    only_papers = found(client, kind="paper")
    assert keys(only_papers, "notice") == set() and only_papers["total"] == 1
    assert len(only_papers["facets"]) == 2  # the facets still offer the other kind
    assert found(client, meeting_id=world["meeting"]["id"])["total"] == 1
    today = (utcnow() + dt.timedelta(hours=8)).date()
    assert found(client, date_from=str(today + dt.timedelta(days=1)))["total"] == 0
    assert found(client, date_to=str(today))["total"] == 2
    assert client.get(SEARCH, query_string={"q": "代表", "kind": "nonsense"}).status_code == 422


def test_results_are_highlighted(world, as_deputy):
    item = found(as_deputy(world["attendee"]), kind="notice")["items"][0]
    assert item["title_html"] == "关于<em>代表建议</em>办理情况的通知"
    assert "<em>代表建议</em>" in item["snippet_html"]


def test_search_follows_edits_withdrawals_revocations_and_window_closes(world, as_deputy, staff):
    client = as_deputy(world["attendee"])
    notice_id, paper_id = world["notice"]["id"], world["for_attendees"]["id"]
    staff.patch(f"/api/v1/notices/{notice_id}", json={"title": "关于闭会期间活动安排的通知", "body": "<p>活动安排</p>"})
    assert keys(found(client), "notice") == set()
    assert keys(found(client, q="闭会期间"), "notice") == {notice_id}
    staff.post(f"/api/v1/notices/{notice_id}/withdraw", json={"reason": "重发"})
    assert found(client, q="闭会期间")["total"] == 0

    staff.patch(f"{BRIEFINGS}/papers/{paper_id}", json={"title": "专题询问工作方案"})
    assert keys(found(client, q="专题询问"), "paper") == {paper_id}
    closes = utcnow() + dt.timedelta(hours=1)
    assert staff.patch(f"{BRIEFINGS}/papers/{paper_id}", json={"closes_at": closes.isoformat()}).status_code == 200
    assert found(client, q="专题询问")["total"] == 1
    # An hour later the window has closed: gone from the search with no job run and nothing re-indexed.
    principal = authenticate_token(client.tokens["access_token"])
    assert search.search(principal, "专题询问", now=closes + dt.timedelta(seconds=1))["total"] == 0
    assert search.search(principal, "专题询问", now=closes - dt.timedelta(seconds=1))["total"] == 1
    staff.post(f"{BRIEFINGS}/papers/{paper_id}/revoke", json={"reason": "作废"})
    assert found(staff, q="专题询问")["total"] == 0


def test_the_rebuild_command_restores_the_index(world, app, as_deputy):
    from api.common.search import SearchDocument

    SearchDocument.delete().execute()
    result = app.test_cli_runner().invoke(args=["reindex-search"])
    assert result.exit_code == 0, result.output
    assert "paper: indexed 2" in result.output and "notice: indexed 1" in result.output
    assert found(as_deputy(world["attendee"]))["total"] == 2


def test_index_many_adds_and_replaces_in_batches(world, staff):
    from api.briefings.search_index import KIND

    docs = [{"key": 900000 + n, "title": f"执法检查报告第{n}号", "body": "食品安全执法检查情况"} for n in range(250)]
    assert search.index_many(KIND, docs) == 250
    assert found(staff, q="执法检查", kind="paper")["total"] == 250
    search.index_many(KIND, [{"key": 900000, "title": "专题询问方案", "body": ""}])
    assert found(staff, q="执法检查", kind="paper")["total"] == 249
    assert keys(found(staff, q="专题询问"), "paper") == {900000}
