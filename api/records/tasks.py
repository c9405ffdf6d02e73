"""Periodic performance-record jobs."""
from huey import crontab

from api.common import events
from api.common.db import utcnow
from api.common.queue import app_periodic_task
from api.extensions import huey


@app_periodic_task(huey, crontab(minute="23", hour="3"))
def forget_arrived_events():
    """Events once ahead that have happened stay counted; their rows in performance_ahead only take room."""
    events.forget_arrived(utcnow())
