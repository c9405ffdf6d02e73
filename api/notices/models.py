"""Notices to deputies, their recipients (read state, reply slips, personal letters) and edit history."""
from peewee import BooleanField, CharField, ForeignKeyField, IntegerField, TextField

from api.auth.models import User
from api.common.db import BaseModel, JSONTextField, UTCDateTimeField, utcnow
from api.deputies.models import Deputy
from api.files.models import StoredFile

KIND_LETTER = "一人一函"
KINDS = ("会议通知", "情况通报", "知情知政", "学习通知", "其他", KIND_LETTER)

DRAFT, SCHEDULED, PUBLISHED, WITHDRAWN = "draft", "scheduled", "published", "withdrawn"
# Labels only; the moves and what each state allows are declared in api/notices/workflow.py.
STATE_LABELS = {DRAFT: "草稿", SCHEDULED: "定时发布", PUBLISHED: "已发布", WITHDRAWN: "已撤回"}


class Notice(BaseModel):
    title = CharField(max_length=200)
    body = TextField(default="")  # sanitised HTML; for letters a template with {{merge fields}}
    kind = CharField(max_length=10, index=True)
    pinned = BooleanField(default=False)
    state = CharField(max_length=10, default=DRAFT, index=True)
    audience = JSONTextField()
    # Reply slip (回执): null options means no slip is asked for.
    reply_options = JSONTextField(null=True)
    reply_deadline = UTCDateTimeField(null=True)
    scheduled_at = UTCDateTimeField(null=True, index=True)
    published_at = UTCDateTimeField(null=True, index=True)
    withdrawn_at = UTCDateTimeField(null=True)
    withdraw_reason = CharField(max_length=500, null=True)
    publish_error = CharField(max_length=500, null=True)  # why a scheduled publish went back to draft
    version = IntegerField(default=1)
    recipient_count = IntegerField(default=0)
    reminder_count = IntegerField(default=0)
    last_reminded_at = UTCDateTimeField(null=True)
    merge_columns = JSONTextField(null=True)  # letters: the columns of the uploaded merge sheet
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    updated_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = UTCDateTimeField(default=utcnow)
    updated_at = UTCDateTimeField(default=utcnow)

    @property
    def is_letter(self):
        return self.kind == KIND_LETTER

    @property
    def reply_required(self):
        return bool(self.reply_options)

    def reply_open(self, now=None):
        return self.reply_required and (self.reply_deadline is None or (now or utcnow()) < self.reply_deadline)

    def reply_option(self, label):
        return next((option for option in self.reply_options or () if option["label"] == label), None)


class NoticeAttachment(BaseModel):
    notice = ForeignKeyField(Notice, backref="attachment_links", on_delete="CASCADE")
    file = ForeignKeyField(StoredFile, backref="+", on_delete="RESTRICT")
    position = IntegerField(default=0)

    class Meta:
        indexes = ((("notice", "file"), True),)


class NoticeVersion(BaseModel):
    """What a published notice said before an edit: the earlier text stays on record."""

    notice = ForeignKeyField(Notice, backref="versions", on_delete="CASCADE")
    version = IntegerField()
    title = CharField(max_length=200)
    body = TextField()
    attachments = JSONTextField()  # [{id, filename}] as they were
    edited_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    edited_at = UTCDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("notice", "version"), True),)


class NoticeRecipient(BaseModel):
    """One deputy a published notice was addressed to, fixed at publish time."""

    notice = ForeignKeyField(Notice, backref="recipients", on_delete="CASCADE")
    deputy = ForeignKeyField(Deputy, backref="+", on_delete="CASCADE")
    user = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    read_at = UTCDateTimeField(null=True)
    reply_option = CharField(max_length=50, null=True)
    reply_reason = CharField(max_length=500, null=True)
    replied_at = UTCDateTimeField(null=True)
    letter_body = TextField(null=True)  # letters: this deputy's merged text, exactly as sent
    # The notice version this deputy last opened (null: read before versions were tracked, i.e. 1).
    read_version = IntegerField(null=True)

    class Meta:
        indexes = ((("notice", "deputy"), True),)


class LetterMergeRow(BaseModel):
    """One row of a letter's merge sheet, keyed by the deputy it belongs to."""

    notice = ForeignKeyField(Notice, backref="merge_rows", on_delete="CASCADE")
    deputy = ForeignKeyField(Deputy, backref="+", on_delete="CASCADE")
    data = JSONTextField()

    class Meta:
        indexes = ((("notice", "deputy"), True),)
