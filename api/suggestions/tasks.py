"""Periodic suggestion jobs."""
from huey import crontab

from api.common.queue import app_periodic_task
from api.extensions import huey
from api.suggestions import deadlines


@app_periodic_task(huey, crontab(minute="13", hour="1"))
def mark_suggestion_deadlines():
    deadlines.mark_deadlines()
