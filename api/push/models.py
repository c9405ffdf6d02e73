"""Push through WeChat subscribe messages: what each deputy accepted, and one delivery per recipient."""
from peewee import BooleanField, CharField, ForeignKeyField, IntegerField, TextField

from api.auth.models import User
from api.common.db import BaseModel, UTCDateTimeField, utcnow
from api.common.workflow import Move, Workflow
from api.deputies.models import Deputy

# A subscribe popup adds one credit per accepted template; this many are plenty for any deputy, and
# the cap keeps a client that reports "accepted" in a loop from inflating the count without end.
CREDIT_CAP = 50


class SubscriptionCredit(BaseModel):
    """Sends WeChat will accept for one user and template: one-time credits, or a long-term grant."""

    user = ForeignKeyField(User, backref="subscription_credits", on_delete="CASCADE")
    template = CharField(max_length=40)
    remaining = IntegerField(default=0)
    long_term = BooleanField(default=False)
    updated_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user", "template"), True),)


class PushMessage(BaseModel):
    """The content of one send-out, shared by all its deliveries so 100k of them never copy it."""

    template = CharField(max_length=40)
    page = CharField(max_length=300, null=True)
    data = TextField()  # JSON in WeChat's shape: {"thing1": {"value": "..."}, ...}
    created_at = UTCDateTimeField(default=utcnow)


QUEUED = "queued"
SENDING = "sending"
ATTEMPTING = "attempting"
SENT = "sent"
FAILED = "failed"
SKIPPED = "skipped"
CANCELLED = "cancelled"

STATUS_LABELS = {
    QUEUED: "排队中",
    SENDING: "已领取",
    ATTEMPTING: "发送中",
    SENT: "已发送",
    FAILED: "发送失败",
    SKIPPED: "未发送",
    CANCELLED: "已取消",
}

# The delivery workflow. A worker first claims rows (`sending`: a credit is spent, nothing has gone
# out yet), then marks a few at a time `attempting` just before their HTTP requests. Only
# `attempting` may have reached WeChat: a crashed worker's `sending` rows go back to `queued` with
# their credits refunded, its `attempting` rows become "result unknown" (`failed`) and are never
# resent. Every move is made by the system; history is kept as counts per batch (see the kernel).
DELIVERY_FLOW = Workflow(
    "delivery",
    "推送",
    states=STATUS_LABELS,
    moves=[
        Move(QUEUED, SENDING, "领取"),
        Move(QUEUED, CANCELLED, "取消"),
        Move(SENDING, ATTEMPTING, "发送"),
        Move(SENDING, SKIPPED, "跳过"),  # no bound account or no credit, found during the claim
        Move(SENDING, QUEUED, "退回队列"),  # claimed but never attempted: the worker died or stopped
        Move(SENDING, FAILED, "放弃"),  # e.g. no template configured: known before anything went out
        Move(ATTEMPTING, SENT, "记录已发送"),
        Move(ATTEMPTING, FAILED, "记录失败"),
        Move(ATTEMPTING, QUEUED, "稍后重试"),  # a failure known to have happened before WeChat acted
    ],
    state_field="status",
)
STATUSES = tuple(STATUS_LABELS)


class Delivery(BaseModel):
    """One recipient of one send-out; the unique keys make publishing twice queue nobody twice.

    A delivery is addressed either to a deputy (`deputy`: whichever account holds the seat when the
    worker claims it gets the message) or to one account (`addressee`: staff, unit users, station
    staff), never both; on PostgreSQL a CHECK constraint holds that (migration 013).
    """

    message = ForeignKeyField(PushMessage, backref="deliveries", on_delete="CASCADE")
    source_type = CharField(max_length=30)
    source_id = IntegerField()
    deputy = ForeignKeyField(Deputy, null=True, backref="deliveries", on_delete="CASCADE")
    addressee = ForeignKeyField(User, null=True, backref="addressed_deliveries", on_delete="CASCADE")
    # The WeChat account the send went to, filled in when a worker claims the delivery.
    user = ForeignKeyField(User, null=True, backref="deliveries", on_delete="SET NULL")
    scope = CharField(max_length=60, default="")
    status = CharField(max_length=10, default=QUEUED)
    reason = CharField(max_length=100, null=True)
    errcode = IntegerField(null=True)
    attempts = IntegerField(default=0)
    # Set by the worker that claimed the row, so concurrent workers never act on each other's rows.
    claim = CharField(max_length=32, null=True, index=True)
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)
    sent_at = UTCDateTimeField(null=True)

    class Meta:
        indexes = (
            (("source_type", "source_id", "deputy", "scope"), True),
            # NULLs are distinct in a unique index: each key dedupes its own kind of recipient only.
            (("source_type", "source_id", "addressee", "scope"), True),
            # The reaper and the sweeper look for rows left too long in one status.
            (("status", "updated_at"), False),
        )
