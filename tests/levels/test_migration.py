"""Migration 007 moves an existing single-congress deployment onto congresses and seats without losing a row."""
import pytest
from peewee_migrate import Router

from api.common.db import make_database
from api.common.migrate import MIGRATIONS_DIR
from api.extensions import db


@pytest.fixture
def before_levels(tmp_path, app):
    """A scratch SQLite database migrated up to the migration before 007, swapped in behind the proxy."""
    original = db.obj
    db.close()
    database = make_database(f"sqlite:///{tmp_path / 'upgrade.db'}")
    db.initialize(database)
    db.connect()
    router = Router(database, migrate_dir=MIGRATIONS_DIR)
    names = list(router.todo)
    router.run(names[names.index("007_calendar_and_levels") - 1])
    yield database, router
    db.close()
    db.initialize(original)
    db.connect(reuse_if_open=True)


CONGRESS = "INSERT INTO congress (name, level, current_term) VALUES ('福州市人大常委会', 'municipal', 17)"
DELEGATION = "INSERT INTO delegation (name, kind, created_at) VALUES ('鼓楼区代表团', '代表团', '2026-01-01')"
DEPUTY = (
    "INSERT INTO deputy (code, name, gender, delegation_id, term, status, grassroots, created_at, updated_at)"
    " VALUES ('{code}', '代表', '男', 1, {term}, '在任', 0, '2026-01-01', '2026-01-01')"
)
ACCOUNT = (
    'INSERT INTO "user" (role, display_name, deputy_id, is_active, failed_logins, created_at)'
    " VALUES ('deputy', '代表', 2, 1, 0, '2026-01-01')"
)


def rows(database, sql):
    return database.execute_sql(sql).fetchall()


def test_existing_seats_join_the_own_congress_and_accounts_keep_their_seat(before_levels):
    database, router = before_levels
    database.execute_sql(CONGRESS)
    database.execute_sql(DELEGATION)
    for code in ("FZ17-0001", "FZ17-0002"):
        database.execute_sql(DEPUTY.format(code=code, term=17))
    database.execute_sql(ACCOUNT)
    router.run()
    assert rows(database, "SELECT id, is_own FROM congress") == [(1, 1)]
    assert rows(database, "SELECT code, congress_id FROM deputy ORDER BY code") == [("FZ17-0001", 1), ("FZ17-0002", 1)]
    assert rows(database, "SELECT user_id, deputy_id FROM user_seat") == [(1, 2)]
    assert rows(database, 'SELECT deputy_id FROM "user"') == [(2,)]  # no rebuild cascaded into the accounts


def test_deputies_without_a_congress_get_one_staff_can_rename(before_levels):
    database, router = before_levels
    database.execute_sql(DELEGATION)
    database.execute_sql(DEPUTY.format(code="FZ16-0001", term=16))
    router.run()
    assert rows(database, "SELECT name, level, current_term, is_own FROM congress") == [
        ("本级人民代表大会", "municipal", 16, 1)
    ]
    assert rows(database, "SELECT congress_id FROM deputy") == [(1,)]
