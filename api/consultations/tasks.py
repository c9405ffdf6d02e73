"""Periodic consultation jobs: close at the deadline, remind the silent before it (both idempotent)."""
from huey import crontab

from api.common.queue import app_periodic_task
from api.consultations import reminders, services
from api.extensions import huey


@app_periodic_task(huey, crontab(minute="*/5"))
def close_due_consultations():
    return services.close_due()


@app_periodic_task(huey, crontab(minute="*/10"))
def remind_before_deadline():
    return reminders.remind_due()
