"""Peewee migrations -- 002_notices_and_push.py.

Some examples (model - class or model name)::

    > Model = migrator.orm['table_name']            # Return model in current state by name
    > Model = migrator.ModelClass                   # Return model in current state by name

    > migrator.sql(sql)                             # Run custom SQL
    > migrator.run(func, *args, **kwargs)           # Run python function with the given args
    > migrator.create_model(Model)                  # Create a model (could be used as decorator)
    > migrator.remove_model(model, cascade=True)    # Remove a model
    > migrator.add_fields(model, **fields)          # Add fields (allow_not_null=True skips default)
    > migrator.change_fields(model, **fields)       # Change fields
    > migrator.remove_fields(model, *field_names, cascade=True)
    > migrator.rename_field(model, old_field_name, new_field_name)
    > migrator.rename_table(model, new_table_name)
    > migrator.add_index(model, *col_names, unique=False)
    > migrator.add_not_null(model, *field_names)
    > migrator.add_default(model, field_name, default)
    > migrator.add_constraint(model, name, sql)
    > migrator.drop_index(model, *col_names)
    > migrator.drop_not_null(model, *field_names)
    > migrator.drop_constraints(model, *constraints)

"""

from contextlib import suppress

import peewee as pw
from peewee_migrate import Migrator


with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your migrations here."""
    
    @migrator.create_model
    class PushMessage(pw.Model):
        id = pw.AutoField()
        template = pw.CharField(max_length=40)
        page = pw.CharField(max_length=300, null=True)
        data = pw.TextField()
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "push_message"

    @migrator.create_model
    class Delivery(pw.Model):
        id = pw.AutoField()
        message = pw.ForeignKeyField(column_name='message_id', field='id', model=migrator.orm['push_message'], on_delete='CASCADE')
        source_type = pw.CharField(max_length=30)
        source_id = pw.IntegerField()
        deputy = pw.ForeignKeyField(column_name='deputy_id', field='id', model=migrator.orm['deputy'], on_delete='CASCADE')
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        scope = pw.CharField(default='', max_length=60)
        status = pw.CharField(default='queued', max_length=10)
        reason = pw.CharField(max_length=100, null=True)
        errcode = pw.IntegerField(null=True)
        attempts = pw.IntegerField(default=0)
        claim = pw.CharField(index=True, max_length=32, null=True)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()
        sent_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "delivery"
            indexes = [(('source_type', 'source_id', 'deputy', 'scope'), True), (('status', 'updated_at'), False)]

    @migrator.create_model
    class Notice(pw.Model):
        id = pw.AutoField()
        title = pw.CharField(max_length=200)
        body = pw.TextField(default='')
        kind = pw.CharField(index=True, max_length=10)
        pinned = pw.BooleanField(default=False)
        state = pw.CharField(default='draft', index=True, max_length=10)
        audience = pw.TextField()
        reply_options = pw.TextField(null=True)
        reply_deadline = pw.DateTimeField(null=True)
        scheduled_at = pw.DateTimeField(index=True, null=True)
        published_at = pw.DateTimeField(index=True, null=True)
        withdrawn_at = pw.DateTimeField(null=True)
        withdraw_reason = pw.CharField(max_length=500, null=True)
        publish_error = pw.CharField(max_length=500, null=True)
        version = pw.IntegerField(default=1)
        recipient_count = pw.IntegerField(default=0)
        reminder_count = pw.IntegerField(default=0)
        last_reminded_at = pw.DateTimeField(null=True)
        merge_columns = pw.TextField(null=True)
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        updated_by = pw.ForeignKeyField(column_name='updated_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "notice"

    @migrator.create_model
    class LetterMergeRow(pw.Model):
        id = pw.AutoField()
        notice = pw.ForeignKeyField(column_name='notice_id', field='id', model=migrator.orm['notice'], on_delete='CASCADE')
        deputy = pw.ForeignKeyField(column_name='deputy_id', field='id', model=migrator.orm['deputy'], on_delete='CASCADE')
        data = pw.TextField()

        class Meta:
            table_name = "letter_merge_row"
            indexes = [(('notice', 'deputy'), True)]

    @migrator.create_model
    class NoticeAttachment(pw.Model):
        id = pw.AutoField()
        notice = pw.ForeignKeyField(column_name='notice_id', field='id', model=migrator.orm['notice'], on_delete='CASCADE')
        file = pw.ForeignKeyField(column_name='file_id', field='id', model=migrator.orm['stored_file'], on_delete='RESTRICT')
        position = pw.IntegerField(default=0)

        class Meta:
            table_name = "notice_attachment"
            indexes = [(('notice', 'file'), True)]

    @migrator.create_model
    class NoticeRecipient(pw.Model):
        id = pw.AutoField()
        notice = pw.ForeignKeyField(column_name='notice_id', field='id', model=migrator.orm['notice'], on_delete='CASCADE')
        deputy = pw.ForeignKeyField(column_name='deputy_id', field='id', model=migrator.orm['deputy'], on_delete='CASCADE')
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        read_at = pw.DateTimeField(null=True)
        reply_option = pw.CharField(max_length=50, null=True)
        reply_reason = pw.CharField(max_length=500, null=True)
        replied_at = pw.DateTimeField(null=True)
        letter_body = pw.TextField(null=True)

        class Meta:
            table_name = "notice_recipient"
            indexes = [(('notice', 'deputy'), True)]

    @migrator.create_model
    class NoticeVersion(pw.Model):
        id = pw.AutoField()
        notice = pw.ForeignKeyField(column_name='notice_id', field='id', model=migrator.orm['notice'], on_delete='CASCADE')
        version = pw.IntegerField()
        title = pw.CharField(max_length=200)
        body = pw.TextField()
        attachments = pw.TextField()
        edited_by = pw.ForeignKeyField(column_name='edited_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        edited_at = pw.DateTimeField()

        class Meta:
            table_name = "notice_version"
            indexes = [(('notice', 'version'), True)]

    @migrator.create_model
    class SubscriptionCredit(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        template = pw.CharField(max_length=40)
        remaining = pw.IntegerField(default=0)
        long_term = pw.BooleanField(default=False)
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "subscription_credit"
            indexes = [(('user', 'template'), True)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your rollback migrations here."""
    
    migrator.remove_model('subscription_credit')

    migrator.remove_model('notice_version')

    migrator.remove_model('notice_recipient')

    migrator.remove_model('notice_attachment')

    migrator.remove_model('letter_merge_row')

    migrator.remove_model('notice')

    migrator.remove_model('delivery')

    migrator.remove_model('push_message')
