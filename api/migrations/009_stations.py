"""Peewee migrations -- 009_stations.py.

Written by hand (not auto-diffed: other models change in parallel branches).

- The public station directory: a station's map point (GCJ-02 latitude/longitude, indexed for the
  nearest-stations search), opening hours and public phone. New nullable columns: the table (and every
  foreign key pointing at it) stays in place on SQLite.
- The reception calendar (station_reception, station_reception_deputy) and monthly themes (station_theme).
"""

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        "station",
        latitude=pw.DoubleField(null=True),
        longitude=pw.DoubleField(null=True),
        opening_hours=pw.CharField(max_length=200, null=True),
        phone=pw.CharField(max_length=30, null=True),
    )
    migrator.add_index("station", "latitude", "longitude")

    @migrator.create_model
    class StationReception(pw.Model):
        id = pw.AutoField()
        station = pw.ForeignKeyField(
            column_name="station_id", field="id", model=migrator.orm["station"], on_delete="CASCADE"
        )
        day = pw.DateField()
        starts_at = pw.TimeField()
        ends_at = pw.TimeField()
        topic = pw.CharField(max_length=100, null=True)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "station_reception"
            indexes = ((("station", "day"), False), (("day",), False))

    @migrator.create_model
    class StationReceptionDeputy(pw.Model):
        id = pw.AutoField()
        reception = pw.ForeignKeyField(
            column_name="reception_id", field="id", model=migrator.orm["station_reception"], on_delete="CASCADE"
        )
        deputy = pw.ForeignKeyField(
            column_name="deputy_id", field="id", model=migrator.orm["deputy"], on_delete="CASCADE"
        )

        class Meta:
            table_name = "station_reception_deputy"
            indexes = ((("reception", "deputy"), True),)

    @migrator.create_model
    class StationTheme(pw.Model):
        id = pw.AutoField()
        station = pw.ForeignKeyField(
            column_name="station_id", field="id", model=migrator.orm["station"], on_delete="CASCADE"
        )
        month = pw.CharField(max_length=7)
        title = pw.CharField(max_length=50)
        description = pw.TextField(null=True)
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "station_theme"
            indexes = ((("station", "month"), True),)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model("station_theme")
    migrator.remove_model("station_reception_deputy")
    migrator.remove_model("station_reception")
    migrator.drop_index("station", "latitude", "longitude")
    migrator.remove_fields("station", "latitude", "longitude", "opening_hours", "phone")
