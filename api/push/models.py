"""Push through WeChat subscribe messages: what each deputy accepted, and one delivery per recipient."""
from peewee import BooleanField, CharField, ForeignKeyField, IntegerField, TextField

from api.auth.models import User
from api.common.db import BaseModel, UTCDateTimeField, utcnow
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
SENT = "sent"
FAILED = "failed"
SKIPPED = "skipped"
CANCELLED = "cancelled"

STATUS_LABELS = {
    QUEUED: "排队中",
    SENDING: "发送中",
    SENT: "已发送",
    FAILED: "发送失败",
    SKIPPED: "未发送",
    CANCELLED: "已取消",
}

# The delivery workflow. `sending` is claimed by one worker: it may already have reached WeChat, so
# nothing moves it back to `queued` except a failure known to have happened before WeChat acted.
TRANSITIONS = {
    QUEUED: {SENDING, CANCELLED},
    SENDING: {SENT, FAILED, SKIPPED, QUEUED},
    SENT: set(),
    FAILED: set(),
    SKIPPED: set(),
    CANCELLED: set(),
}
STATUSES = tuple(TRANSITIONS)


def sources_of(status):
    """The statuses a delivery may move to `status` from."""
    return [source for source, targets in TRANSITIONS.items() if status in targets]


class Delivery(BaseModel):
    """One recipient of one send-out; the unique key makes publishing twice queue nobody twice."""

    message = ForeignKeyField(PushMessage, backref="deliveries", on_delete="CASCADE")
    source_type = CharField(max_length=30)
    source_id = IntegerField()
    deputy = ForeignKeyField(Deputy, backref="deliveries", on_delete="CASCADE")
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
            # The reaper and the sweeper look for rows left too long in one status.
            (("status", "updated_at"), False),
        )
