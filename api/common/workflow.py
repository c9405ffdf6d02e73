"""The workflow kernel: every workflow declares its states, moves and rules in one place.

A domain declares its workflow once, next to its models:

    FLOW = Workflow(
        "notice", "通知",
        states={DRAFT: "草稿", PUBLISHED: "已发布", ...},
        moves=[Move(DRAFT, PUBLISHED, "发布", "notices:manage", guards=(has_recipients,)), ...],
        allows={DRAFT: {"edit", "delete"}, PUBLISHED: {"edit", "remind"}},
        capabilities={"edit": "修改", "delete": "删除", "remind": "提醒"},
    )

and from then on asks it instead of writing `if state == ...`:

- `FLOW.allows(state, "edit")` answers; `FLOW.require(entity, "edit")` raises `InvalidMove` (409)
  naming the current state's label, after any condition declared for that capability.
- `FLOW.move(entity, to_state, actor, reason=..., **changes)` checks the declared move, its
  permission and guards, then moves with a conditional UPDATE (`WHERE id = ? AND state = <read>`):
  of two racing moves the second raises `InvalidMove` with the state the winner left. Every move
  writes one `workflow_history` row (who, when, from, to, reason, small payload) in the same
  transaction; `timeline(entity_type, entity_id)` reads them back.
- `FLOW.bulk_move(...)` moves many rows with one UPDATE per source state, for workflows whose
  entities come by the thousand.

History of bulk moves: `history="rows"` writes one history row per moved entity (INSERT of the
RETURNING ids, chunked), `history=("owner_type", owner_id)` writes one row per source state with the
count moved, filed under the owning entity. Push deliveries use the counted form, deliberately: a
notice to 100,000 deputies moves every delivery three or four times (queued → sending → attempting
→ sent), so per-row history would write 300-400k rows per notice on the send path, several times the
deliveries themselves, while the delivery row already keeps what a per-row history would say about
it (status, reason, WeChat errcode, attempts, sent_at). A counted row per batch (filed under the
push message) keeps the timeline of a send-out — what moved, when, why — at a few percent of that.

Actors: None is the system (a scheduled job); otherwise anything with `role` and `user_id` (a
principal) or `id` (a user). A move without a permission, or marked `by_system`, may be made by the
system; a move with a permission is checked against the permission table for people.

This module imports no domain package: history names its entity by type and id, and who by user id.
"""
from dataclasses import dataclass

from peewee import CharField, IntegerField

from api.common.db import BaseModel, JSONTextField, UTCDateTimeField, utcnow
from api.common.errors import Forbidden, InvalidMove
from api.common.permissions import allowed
from api.extensions import db

REASON_MAX = 500
RETURNING_CHUNK = 1000
_registry = {}


class WorkflowHistory(BaseModel):
    """One move of one entity (or, for counted bulk moves, of `payload.count` entities it owns)."""

    entity_type = CharField(max_length=40)
    entity_id = IntegerField()
    from_state = CharField(max_length=20, null=True)  # null: the entity was created in `to_state`
    to_state = CharField(max_length=20)
    # A user id, not a foreign key: common knows no domain tables. Null for the system.
    actor_id = IntegerField(null=True)
    at = UTCDateTimeField(default=utcnow)
    reason = CharField(max_length=REASON_MAX, null=True)
    payload = JSONTextField(null=True)

    class Meta:
        table_name = "workflow_history"
        indexes = ((("entity_type", "entity_id", "id"), False),)


@dataclass(frozen=True)
class Move:
    """One allowed move. `guards`: callables(entity) returning None, or a Chinese reason why not (409),
    or raising a domain error of their own (e.g. `Invalid` with field errors for a 422)."""

    source: str
    target: str
    label: str  # the Chinese verb: "发布", "撤回"
    permission: str | None = None  # None: only the system makes this move
    guards: tuple = ()
    by_system: bool = False  # the system (actor None) may also make a move that has a permission


class Workflow:
    """The declaration of one workflow; see the module docstring."""

    def __init__(self, entity_type, noun, *, states, moves, allows=None, capabilities=None, conditions=None,
                 state_field="state", touch_field="updated_at"):
        self.entity_type = entity_type
        self.noun = noun  # "通知": used in messages
        self.states = dict(states)  # state → Chinese label
        self.capabilities = dict(capabilities or {})  # capability → Chinese verb for messages
        self.conditions = dict(conditions or {})  # capability → guards, checked by `require`
        self.state_field = state_field
        self.touch_field = touch_field  # set to now by every move, if given
        self._moves = {}
        for move in moves:
            unknown = {move.source, move.target} - set(self.states)
            if unknown or (move.source, move.target) in self._moves:
                raise ValueError(f"{entity_type}: bad or duplicate move {move.source} → {move.target}")
            self._moves[(move.source, move.target)] = move
        self._allows = {state: frozenset(c) for state, c in (allows or {}).items()}
        for state, capabilities_of_state in self._allows.items():
            if state not in self.states or set(capabilities_of_state) - set(self.capabilities):
                raise ValueError(f"{entity_type}: undeclared state or capability in allows[{state!r}]")
        _registry[entity_type] = self

    # --- questions ---

    def label(self, state):
        return self.states.get(state, state)

    def transitions(self):
        """{state: {states it may move to}}: the whole graph."""
        return {state: {t for (s, t) in self._moves if s == state} for state in self.states}

    def sources_of(self, target):
        return [s for (s, t) in self._moves if t == target]

    def step(self, source, target):
        """The declared move, or InvalidMove naming the current state."""
        move = self._moves.get((source, target))
        if move is None:
            verb = next((m.label for (s, t), m in self._moves.items() if t == target), f"改为「{self.label(target)}」")
            raise self._refusal(source, f"不能{verb}")
        return move

    def allows(self, state, capability):
        return capability in self._allows.get(state, ())

    def states_allowing(self, capability):
        return [state for state in self.states if self.allows(state, capability)]

    def require(self, entity, capability):
        """InvalidMove unless the entity's state allows `capability` and its conditions hold."""
        state = getattr(entity, self.state_field)
        if not self.allows(state, capability):
            raise self._refusal(state, f"不能{self.capabilities[capability]}")
        for guard in self.conditions.get(capability, ()):
            _judge(guard(entity), state)

    # --- moves ---

    def move(self, entity, to_state, actor=None, reason=None, payload=None, **changes):
        """Move one entity along a declared move, race-safe, with one history row."""
        model = type(entity)
        state_column = getattr(model, self.state_field)
        key = model._meta.primary_key
        current = getattr(entity, self.state_field)
        step = self.step(current, to_state)
        self._authorise(step, actor)
        changes[self.state_field] = to_state
        if self.touch_field:
            changes.setdefault(self.touch_field, utcnow())
        with db.atomic():
            for guard in step.guards:
                _judge(guard(entity), current)
            moved = model.update(**changes).where((key == entity.id) & (state_column == current)).execute()
            if not moved:
                now = model.select(state_column).where(key == entity.id).scalar()
                raise InvalidMove(
                    f"{self.noun}状态已被他人修改，当前为「{self.label(now)}」，请刷新后重试。",
                    errors={self.state_field: [now]},
                    current_state=now,
                )
            WorkflowHistory.create(
                entity_type=self.entity_type,
                entity_id=entity.id,
                from_state=current,
                to_state=to_state,
                actor_id=actor_id(actor),
                reason=_clip(reason),
                payload=payload,
            )
        for name, value in changes.items():
            setattr(entity, name, value)
        return entity

    def start(self, entity, actor=None, reason=None, payload=None):
        """History of a new entity: created in its current state."""
        WorkflowHistory.create(
            entity_type=self.entity_type,
            entity_id=entity.id,
            from_state=None,
            to_state=getattr(entity, self.state_field),
            actor_id=actor_id(actor),
            reason=_clip(reason),
            payload=payload,
        )

    def bulk_move(self, model, to_state, *conditions, from_states=None, actor=None, history_reason=None,
                  payload=None, history="rows", returning=False, **changes):
        """Move every row matching `conditions` from a declared source state to `to_state`.

        One conditional UPDATE per source state, so a row another process moved first is simply not
        counted. `history`: "rows" (one per entity), ("owner_type", owner_id) (one counted row per
        source state, see the module docstring) or None (the caller records it). Returns how many
        moved, or with `returning=True` the ids of the rows that moved. (`history_reason`, not `reason`:
        `changes` are column values, and a table may well have a column named `reason`.)
        """
        sources = list(from_states) if from_states is not None else self.sources_of(to_state)
        for source in sources:
            self._authorise(self.step(source, to_state), actor)
        state_column = getattr(model, self.state_field)
        changes[self.state_field] = to_state
        if self.touch_field:
            changes.setdefault(self.touch_field, utcnow())
        total, moved_ids = 0, []
        with db.atomic():
            for source in sources:
                query = model.update(**changes).where(state_column == source, *conditions)
                if history == "rows" or returning:
                    ids = [row[0] for row in query.returning(model._meta.primary_key).tuples().execute()]
                    moved_ids.extend(ids)
                    moved = len(ids)
                else:
                    moved = query.execute()
                if history == "rows":
                    self._history_rows(ids, source, to_state, actor, history_reason, payload)
                elif moved and history is not None:
                    owner_type, owner_id = history
                    WorkflowHistory.create(
                        entity_type=owner_type,
                        entity_id=owner_id,
                        from_state=source,
                        to_state=to_state,
                        actor_id=actor_id(actor),
                        reason=_clip(history_reason),
                        payload={"entity_type": self.entity_type, "count": moved, **(payload or {})},
                    )
                total += moved
        return moved_ids if returning else total

    def _history_rows(self, ids, source, target, actor, reason, payload):
        now, who, why = utcnow(), actor_id(actor), _clip(reason)
        for start in range(0, len(ids), RETURNING_CHUNK):
            WorkflowHistory.insert_many(
                [
                    {
                        "entity_type": self.entity_type,
                        "entity_id": entity_id,
                        "from_state": source,
                        "to_state": target,
                        "actor_id": who,
                        "at": now,
                        "reason": why,
                        "payload": payload,
                    }
                    for entity_id in ids[start : start + RETURNING_CHUNK]
                ]
            ).execute()

    def _authorise(self, move, actor):
        if actor is None:
            if move.permission is not None and not move.by_system:
                raise Forbidden(f"系统任务不能{move.label}{self.noun}。")
            return
        role = getattr(actor, "role", None)
        if move.permission is not None and (role is None or not allowed(role, move.permission)):
            raise Forbidden(f"没有权限{move.label}{self.noun}。")

    def _refusal(self, state, what):
        return InvalidMove(
            f"{self.noun}当前为「{self.label(state)}」，{what}。",
            errors={self.state_field: [state]},
            current_state=state,
        )


def _judge(verdict, state):
    if verdict:
        raise InvalidMove(str(verdict), current_state=state)


def _clip(reason):
    return None if reason is None else str(reason)[:REASON_MAX]


def actor_id(actor):
    if actor is None:
        return None
    if isinstance(actor, int):
        return actor
    return getattr(actor, "user_id", None) or getattr(actor, "id", None)


def workflow_of(entity_type):
    return _registry[entity_type]


def timeline(entity_type, entity_id):
    """Every history row of one entity, oldest first, with the state labels of its workflow."""
    flow = _registry.get(entity_type)
    rows = (
        WorkflowHistory.select()
        .where(WorkflowHistory.entity_type == entity_type, WorkflowHistory.entity_id == entity_id)
        .order_by(WorkflowHistory.id)
    )
    return [
        {
            "id": row.id,
            "from_state": row.from_state,
            "from_label": flow.label(row.from_state) if flow and row.from_state else None,
            "to_state": row.to_state,
            "to_label": flow.label(row.to_state) if flow else row.to_state,
            "actor_id": row.actor_id,
            "at": row.at,
            "reason": row.reason,
            "payload": row.payload,
        }
        for row in rows
    ]
