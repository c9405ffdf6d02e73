"""Peewee migrations -- 001_foundation.py.

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
    class Delegation(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=100, unique=True)
        kind = pw.CharField(default='代表团', max_length=20)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "delegation"

    @migrator.create_model
    class Deputy(pw.Model):
        id = pw.AutoField()
        code = pw.CharField(max_length=40, unique=True)
        name = pw.CharField(index=True, max_length=50)
        gender = pw.CharField(max_length=2)
        delegation = pw.ForeignKeyField(column_name='delegation_id', field='id', model=migrator.orm['delegation'], on_delete='RESTRICT')
        term = pw.IntegerField()
        status = pw.CharField(default='在任', index=True, max_length=4)
        sector = pw.CharField(max_length=50, null=True)
        grassroots = pw.BooleanField(default=False)
        employer = pw.CharField(max_length=200, null=True)
        title = pw.CharField(max_length=100, null=True)
        phone = pw.TextField(null=True)
        phone_hash = pw.CharField(max_length=64, null=True, unique=True)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "deputy"

    @migrator.create_model
    class HandlingUnit(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=100, unique=True)
        category = pw.CharField(max_length=50, null=True)
        contact_name = pw.CharField(max_length=50, null=True)
        is_active = pw.BooleanField(default=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "handling_unit"

    @migrator.create_model
    class User(pw.Model):
        id = pw.AutoField()
        role = pw.CharField(index=True, max_length=20)
        username = pw.CharField(max_length=64, null=True, unique=True)
        password_hash = pw.CharField(max_length=200, null=True)
        display_name = pw.CharField(max_length=50)
        deputy = pw.ForeignKeyField(column_name='deputy_id', field='id', model=migrator.orm['deputy'], null=True, on_delete='SET NULL', unique=True)
        unit = pw.ForeignKeyField(column_name='unit_id', field='id', model=migrator.orm['handling_unit'], null=True, on_delete='SET NULL')
        openid = pw.CharField(max_length=64, null=True, unique=True)
        unionid = pw.CharField(max_length=64, null=True)
        is_active = pw.BooleanField(default=True)
        failed_logins = pw.IntegerField(default=0)
        locked_until = pw.DateTimeField(null=True)
        created_at = pw.DateTimeField()
        last_login_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "user"

    @migrator.create_model
    class AuditEntry(pw.Model):
        id = pw.AutoField()
        at = pw.DateTimeField(index=True)
        actor = pw.ForeignKeyField(column_name='actor_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        actor_role = pw.CharField(max_length=20, null=True)
        action = pw.CharField(index=True, max_length=50)
        target_type = pw.CharField(max_length=30, null=True)
        target_id = pw.CharField(max_length=64, null=True)
        remote_addr = pw.CharField(max_length=64, null=True)
        request_id = pw.CharField(max_length=128, null=True)
        detail = pw.TextField(null=True)

        class Meta:
            table_name = "audit_entry"
            indexes = [(('target_type', 'target_id'), False)]

    @migrator.create_model
    class AuthSession(pw.Model):
        id = pw.CharField(max_length=32, primary_key=True)
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        created_at = pw.DateTimeField()
        expires_at = pw.DateTimeField()
        revoked_at = pw.DateTimeField(null=True)
        revoked_reason = pw.CharField(max_length=30, null=True)
        method = pw.CharField(max_length=20)
        remote_addr = pw.CharField(max_length=64, null=True)
        user_agent = pw.CharField(max_length=200, null=True)

        class Meta:
            table_name = "auth_session"

    @migrator.create_model
    class BindingCode(pw.Model):
        id = pw.AutoField()
        code_hash = pw.CharField(max_length=64, unique=True)
        deputy = pw.ForeignKeyField(column_name='deputy_id', field='id', model=migrator.orm['deputy'], on_delete='CASCADE')
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()
        expires_at = pw.DateTimeField()
        used_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "binding_code"

    @migrator.create_model
    class Congress(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=100)
        level = pw.CharField(max_length=20)
        current_term = pw.IntegerField()

        class Meta:
            table_name = "congress"

    @migrator.create_model
    class DeputyExpertise(pw.Model):
        id = pw.AutoField()
        deputy = pw.ForeignKeyField(column_name='deputy_id', field='id', model=migrator.orm['deputy'], on_delete='CASCADE')
        field = pw.CharField(index=True, max_length=50)

        class Meta:
            table_name = "deputy_expertise"
            indexes = [(('deputy', 'field'), True)]

    @migrator.create_model
    class DeputyGroup(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=100, unique=True)
        basis = pw.CharField(default='area', max_length=20)
        delegation = pw.CharField(max_length=100, null=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "deputy_group"

    @migrator.create_model
    class DeputyGroupMember(pw.Model):
        id = pw.AutoField()
        deputy = pw.ForeignKeyField(column_name='deputy_id', field='id', model=migrator.orm['deputy'], on_delete='CASCADE')
        group = pw.ForeignKeyField(column_name='group_id', field='id', model=migrator.orm['deputy_group'], on_delete='CASCADE')

        class Meta:
            table_name = "deputy_group_member"
            indexes = [(('deputy', 'group'), True)]

    @migrator.create_model
    class Station(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=100, unique=True)
        kind = pw.CharField(default='代表联络站', max_length=20)
        district = pw.CharField(max_length=50, null=True)
        address = pw.CharField(max_length=200, null=True)
        description = pw.TextField(null=True)
        is_active = pw.BooleanField(default=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "station"

    @migrator.create_model
    class DeputyStation(pw.Model):
        id = pw.AutoField()
        deputy = pw.ForeignKeyField(column_name='deputy_id', field='id', model=migrator.orm['deputy'], on_delete='CASCADE')
        station = pw.ForeignKeyField(column_name='station_id', field='id', model=migrator.orm['station'], on_delete='CASCADE')

        class Meta:
            table_name = "deputy_station"
            indexes = [(('deputy', 'station'), True)]

    @migrator.create_model
    class OutboxJob(pw.Model):
        id = pw.AutoField()
        task_name = pw.CharField(max_length=200)
        payload = pw.TextField()
        created_at = pw.DateTimeField(index=True)
        enqueued_at = pw.DateTimeField(index=True, null=True)

        class Meta:
            table_name = "outbox_job"

    @migrator.create_model
    class RefreshToken(pw.Model):
        id = pw.AutoField()
        token_hash = pw.CharField(max_length=64, unique=True)
        session = pw.ForeignKeyField(column_name='session_id', field='id', model=migrator.orm['auth_session'], on_delete='CASCADE')
        created_at = pw.DateTimeField()
        used_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "refresh_token"

    @migrator.create_model
    class StoredFile(pw.Model):
        id = pw.AutoField()
        storage_key = pw.CharField(max_length=64, unique=True)
        filename = pw.CharField(max_length=255)
        content_type = pw.CharField(max_length=120)
        size = pw.BigIntegerField()
        sha256 = pw.CharField(max_length=64)
        uploaded_by = pw.ForeignKeyField(column_name='uploaded_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "stored_file"

    @migrator.create_model
    class UserStation(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        station = pw.ForeignKeyField(column_name='station_id', field='id', model=migrator.orm['station'], on_delete='CASCADE')

        class Meta:
            table_name = "user_station"
            indexes = [(('user', 'station'), True)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your rollback migrations here."""
    
    migrator.remove_model('user_station')

    migrator.remove_model('stored_file')

    migrator.remove_model('refresh_token')

    migrator.remove_model('outbox_job')

    migrator.remove_model('deputy_station')

    migrator.remove_model('station')

    migrator.remove_model('deputy_group_member')

    migrator.remove_model('deputy_group')

    migrator.remove_model('deputy_expertise')

    migrator.remove_model('congress')

    migrator.remove_model('binding_code')

    migrator.remove_model('auth_session')

    migrator.remove_model('audit_entry')

    migrator.remove_model('user')

    migrator.remove_model('handling_unit')

    migrator.remove_model('deputy')

    migrator.remove_model('delegation')
