"""Scheduled publishing. (The feed-cache bump that waits for Redis lives beside the bump, in feed.py.)"""
from huey import crontab

from api.common.queue import app_periodic_task
from api.extensions import huey
from api.notices import services


@app_periodic_task(huey, crontab(minute="*"))
def publish_due_notices():
    """Publish scheduled notices whose time has come; idempotent, so overlapping runs are harmless."""
    return services.publish_due()
