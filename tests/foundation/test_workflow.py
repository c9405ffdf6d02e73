"""The workflow kernel on a toy workflow: declared moves only, race-safe, permissioned, guarded, with history."""
from types import SimpleNamespace

import peewee
import pytest

from api.common.db import UTCDateTimeField, utcnow
from api.common.errors import Forbidden, Invalid, InvalidMove, status_of
from api.common.workflow import Move, Workflow, WorkflowHistory, timeline
from api.extensions import db as database


class Ticket(peewee.Model):
    """A throwaway table, deliberately not a BaseModel: the app's model list must not see it."""

    state = peewee.CharField(default="open")
    note = peewee.CharField(null=True)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        database = database
        table_name = "test_workflow_ticket"


def closable(ticket):
    return None if ticket.note != "blocked" else "工单被阻塞，不能关闭。"


def not_secret(ticket):
    if ticket.note == "secret":
        raise Invalid("内容不合规。", errors={"note": ["不合规"]})


FLOW = Workflow(
    "test_ticket",
    "工单",
    states={"open": "待处理", "closed": "已关闭", "archived": "已归档"},
    moves=[
        Move("open", "closed", "关闭", "notices:manage", guards=(closable, not_secret)),
        Move("closed", "open", "重新打开", "notices:manage", by_system=True),
        Move("closed", "archived", "归档"),
    ],
    capabilities={"edit": "修改", "reopen": "重新打开"},
    allows={"open": {"edit"}, "closed": {"reopen"}},
)

STAFF = SimpleNamespace(user_id=7, role="staff")
DEPUTY = SimpleNamespace(user_id=8, role="deputy")


@pytest.fixture
def tickets(app):
    database.create_tables([Ticket])
    Ticket.delete().execute()
    yield Ticket
    database.drop_tables([Ticket])


def test_the_declaration_is_the_whole_graph_and_what_each_state_allows():
    assert FLOW.transitions() == {"open": {"closed"}, "closed": {"open", "archived"}, "archived": set()}
    assert FLOW.allows("open", "edit") and not FLOW.allows("closed", "edit")
    assert FLOW.states_allowing("reopen") == ["closed"]
    assert FLOW.sources_of("open") == ["closed"]
    with pytest.raises(ValueError):
        Workflow("bad", "坏", states={"a": "甲"}, moves=[Move("a", "b", "走")])
    with pytest.raises(ValueError):
        Workflow("bad2", "坏", states={"a": "甲"}, moves=[], allows={"a": {"fly"}})


def test_require_names_the_current_state(tickets):
    ticket = tickets.create(state="closed")
    with pytest.raises(InvalidMove) as caught:
        FLOW.require(ticket, "edit")
    assert str(caught.value.message) == "工单当前为「已关闭」，不能修改。"
    assert caught.value.current_state == "closed" and status_of(caught.value) == 409


def test_a_move_updates_and_writes_one_history_row(tickets):
    ticket = tickets.create()
    FLOW.move(ticket, "closed", STAFF, reason="已解决", payload={"by": "phone"}, note="done")
    stored = tickets.get_by_id(ticket.id)
    assert (stored.state, stored.note, ticket.state) == ("closed", "done", "closed")
    (entry,) = timeline("test_ticket", ticket.id)
    assert (entry["from_state"], entry["to_state"], entry["from_label"], entry["to_label"]) == (
        "open", "closed", "待处理", "已关闭",
    )
    assert (entry["actor_id"], entry["reason"], entry["payload"]) == (7, "已解决", {"by": "phone"})
    assert abs((utcnow() - entry["at"]).total_seconds()) < 5


def test_an_undeclared_move_is_refused_with_the_current_state(tickets):
    ticket = tickets.create()
    with pytest.raises(InvalidMove) as caught:
        FLOW.move(ticket, "archived", STAFF)
    assert "「待处理」" in caught.value.message and "归档" in caught.value.message
    assert WorkflowHistory.select().count() == 0


def test_of_two_racing_moves_the_second_loses_and_is_told_the_state(tickets):
    ticket = tickets.create()
    mine, theirs = tickets.get_by_id(ticket.id), tickets.get_by_id(ticket.id)
    FLOW.move(theirs, "closed", STAFF)
    FLOW.move(theirs, "archived", None)
    with pytest.raises(InvalidMove) as caught:
        FLOW.move(mine, "closed", STAFF)  # read "open", which is no longer true
    assert caught.value.current_state == "archived" and "已归档" in caught.value.message
    assert [e["to_state"] for e in timeline("test_ticket", ticket.id)] == ["closed", "archived"]


def test_guards_refuse_with_a_reason_or_their_own_error_and_nothing_moves(tickets):
    blocked, secret = tickets.create(note="blocked"), tickets.create(note="secret")
    with pytest.raises(InvalidMove, match="工单被阻塞"):
        FLOW.move(blocked, "closed", STAFF)
    with pytest.raises(Invalid) as caught:
        FLOW.move(secret, "closed", STAFF)
    assert caught.value.errors == {"note": ["不合规"]}
    assert {t.state for t in tickets.select()} == {"open"}
    assert WorkflowHistory.select().count() == 0


def test_permissions_people_and_the_system(tickets):
    ticket = tickets.create()
    with pytest.raises(Forbidden):
        FLOW.move(ticket, "closed", DEPUTY)  # the permission table says deputies may not
    with pytest.raises(Forbidden):
        FLOW.move(ticket, "closed", None)  # not a system move
    FLOW.move(ticket, "closed", STAFF)
    FLOW.move(ticket, "open", None, reason="系统自动重开")  # declared by_system
    assert timeline("test_ticket", ticket.id)[-1]["actor_id"] is None


def test_bulk_move_is_set_based_with_history_per_row_or_counted(tickets):
    rows = [tickets.create(state="closed") for _ in range(5)]
    tickets.create(state="open")  # not a declared source of "archived": never moved
    moved = FLOW.bulk_move(Ticket, "archived", Ticket.id.in_([r.id for r in rows[:3]]), history_reason="年终归档")
    assert moved == 3
    assert WorkflowHistory.select().where(WorkflowHistory.entity_type == "test_ticket").count() == 3
    assert timeline("test_ticket", rows[0].id)[0]["reason"] == "年终归档"

    ids = FLOW.bulk_move(Ticket, "archived", history=("batch", 1), returning=True)
    assert sorted(ids) == sorted(r.id for r in rows[3:])
    (counted,) = timeline("batch", 1)
    assert counted["payload"] == {"entity_type": "test_ticket", "count": 2}
    assert tickets.select().where(Ticket.state == "open").count() == 1
    assert FLOW.bulk_move(Ticket, "archived", history=("batch", 1)) == 0  # nothing left; no empty history
    assert len(timeline("batch", 1)) == 1
