"""Scheduled publishing, and the feed-cache bump that waits for Redis to come back."""
from huey import crontab

from api.common.queue import app_periodic_task, app_task
from api.extensions import huey
from api.notices import feed, services


@app_periodic_task(huey, crontab(minute="*"))
def publish_due_notices():
    """Publish scheduled notices whose time has come; idempotent, so overlapping runs are harmless."""
    return services.publish_due()


@app_task(huey, retries=5, retry_delay=10)
def bump_all_feeds():
    feed.bump(None)
