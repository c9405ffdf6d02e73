"""Peewee migrations -- 063_record_counts.py (the activities helper's block, 060-069).

A delegation's yearly figures counted every event of its 2,857 deputies' year (290,000 index entries at
bench scale, about a second). The database now keeps the counts itself: `performance_count`, one row per
(deputy, China-time year, kind), changed by triggers on `performance_event` in the writer's transaction,
whichever code writes (an upsert that moves an event to another year moves its count). Events dated in the
future when written are also listed in `performance_ahead`, so that reads can leave out what has not happened.

The SQL below is a frozen copy: `api.common.events.recount` holds the current one for bulk loads.
"""

import peewee as pw
from peewee_migrate import Migrator

# The year of a stored (naive UTC) time in China is that time plus eight hours (UTC+8 all year, no daylight
# saving since 1991); "now" is compared as naive UTC too.
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION performance_event_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE performance_count SET n = n - 1
     WHERE deputy_id = OLD.deputy_id AND kind = OLD.kind
       AND year = EXTRACT(YEAR FROM OLD.occurred_at + INTERVAL '8 hours')::int;
    DELETE FROM performance_ahead WHERE event_id = OLD.id;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO performance_count AS c (deputy_id, year, kind, n)
    VALUES (NEW.deputy_id, EXTRACT(YEAR FROM NEW.occurred_at + INTERVAL '8 hours')::int, NEW.kind, 1)
    ON CONFLICT (deputy_id, year, kind) DO UPDATE SET n = c.n + 1;
    IF NEW.occurred_at > (now() AT TIME ZONE 'UTC') THEN
      INSERT INTO performance_ahead (event_id, deputy_id, kind, occurred_at)
      VALUES (NEW.id, NEW.deputy_id, NEW.kind, NEW.occurred_at);
    END IF;
  END IF;
  RETURN NULL;
END $$
"""
PG_TRIGGER = """
CREATE TRIGGER performance_event_counted
AFTER INSERT OR DELETE OR UPDATE OF deputy_id, kind, occurred_at ON performance_event
FOR EACH ROW EXECUTE FUNCTION performance_event_counted()
"""

SQLITE_ADD = """
  INSERT INTO performance_count (deputy_id, year, kind, n)
  VALUES (NEW.deputy_id, CAST(strftime('%Y', NEW.occurred_at, '+8 hours') AS INTEGER), NEW.kind, 1)
  ON CONFLICT (deputy_id, year, kind) DO UPDATE SET n = n + 1;
  INSERT INTO performance_ahead (event_id, deputy_id, kind, occurred_at)
  SELECT NEW.id, NEW.deputy_id, NEW.kind, NEW.occurred_at WHERE NEW.occurred_at > strftime('%Y-%m-%d %H:%M:%f', 'now');
"""
SQLITE_REMOVE = """
  UPDATE performance_count SET n = n - 1
   WHERE deputy_id = OLD.deputy_id AND kind = OLD.kind
     AND year = CAST(strftime('%Y', OLD.occurred_at, '+8 hours') AS INTEGER);
  DELETE FROM performance_ahead WHERE event_id = OLD.id;
"""
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER performance_event_inserted AFTER INSERT ON performance_event BEGIN {SQLITE_ADD} END",
    f"CREATE TRIGGER performance_event_deleted AFTER DELETE ON performance_event BEGIN {SQLITE_REMOVE} END",
    "CREATE TRIGGER performance_event_updated AFTER UPDATE OF deputy_id, kind, occurred_at ON performance_event "
    f"BEGIN {SQLITE_REMOVE} {SQLITE_ADD} END",
)

BACKFILL = {
    "postgres": (
        "INSERT INTO performance_count (deputy_id, year, kind, n) SELECT deputy_id, "
        "EXTRACT(YEAR FROM occurred_at + INTERVAL '8 hours')::int, kind, COUNT(*) FROM performance_event "
        "GROUP BY 1, 2, 3",
        "INSERT INTO performance_ahead (event_id, deputy_id, kind, occurred_at) SELECT id, deputy_id, kind, "
        "occurred_at FROM performance_event WHERE occurred_at > (now() AT TIME ZONE 'UTC')",
    ),
    "sqlite": (
        "INSERT INTO performance_count (deputy_id, year, kind, n) SELECT deputy_id, "
        "CAST(strftime('%Y', occurred_at, '+8 hours') AS INTEGER), kind, COUNT(*) FROM performance_event "
        "GROUP BY 1, 2, 3",
        "INSERT INTO performance_ahead (event_id, deputy_id, kind, occurred_at) SELECT id, deputy_id, kind, "
        "occurred_at FROM performance_event WHERE occurred_at > strftime('%Y-%m-%d %H:%M:%f', 'now')",
    ),
}


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class PerformanceCount(pw.Model):
        deputy_id = pw.IntegerField()
        year = pw.IntegerField()
        kind = pw.CharField(max_length=40)
        n = pw.IntegerField(default=0)

        class Meta:
            table_name = "performance_count"
            primary_key = pw.CompositeKey("deputy_id", "year", "kind")

    @migrator.create_model
    class PerformanceAhead(pw.Model):
        event_id = pw.IntegerField(primary_key=True)
        deputy_id = pw.IntegerField()
        kind = pw.CharField(max_length=40)
        occurred_at = pw.DateTimeField()

        class Meta:
            table_name = "performance_ahead"
            indexes = ((("occurred_at",), False),)

    postgres = isinstance(database, pw.PostgresqlDatabase)
    if postgres:
        # The count rides in the key's index, so a delegation's year is index-only scans of its deputies'
        # entries: the rows themselves lie scattered, created as each deputy's first event of a kind came
        # (bench/records.py: 157 ms of heap reads → 17 ms at 100,000 deputies).
        migrator.sql("ALTER TABLE performance_count DROP CONSTRAINT performance_count_pkey, "
                     "ADD CONSTRAINT performance_count_pkey PRIMARY KEY (deputy_id, year, kind) INCLUDE (n)")
    for statement in BACKFILL["postgres" if postgres else "sqlite"]:
        migrator.sql(statement)
    if postgres:
        migrator.sql(PG_FUNCTION)
        migrator.sql(PG_TRIGGER)
    else:
        for statement in SQLITE_TRIGGERS:
            migrator.sql(statement)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if isinstance(database, pw.PostgresqlDatabase):
        migrator.sql("DROP TRIGGER IF EXISTS performance_event_counted ON performance_event")
        migrator.sql("DROP FUNCTION IF EXISTS performance_event_counted()")
    else:
        for name in ("inserted", "deleted", "updated"):
            migrator.sql(f"DROP TRIGGER IF EXISTS performance_event_{name}")
    migrator.remove_model("performance_ahead")
    migrator.remove_model("performance_count")
