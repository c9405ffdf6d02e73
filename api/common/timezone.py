"""The deployment's local time: Asia/Shanghai. Stored and exchanged times are UTC; only people see local time."""
import datetime as dt
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


def local(value):
    """An aware datetime in local time (None stays None); a naive one is taken as UTC, as the database stores it."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(LOCAL_TZ)


def local_today():
    """Today's date where the deployment is (a day starts at midnight in Beijing, not in UTC)."""
    return dt.datetime.now(LOCAL_TZ).date()


def local_day_start(day):
    """The instant (UTC) a Beijing date begins: the dates people filter by are local dates."""
    return dt.datetime.combine(day, dt.time(), tzinfo=LOCAL_TZ).astimezone(dt.timezone.utc)
