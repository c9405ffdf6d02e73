"""Buffered heartbeats reach the database every minute (api/materials/heartbeats.py)."""
from huey import crontab

from api.common.queue import app_periodic_task
from api.extensions import huey
from api.materials import heartbeats


@app_periodic_task(huey, crontab(minute="*"))
def flush_heartbeats():
    """Write the heartbeats buffered in Redis to learning_progress; overlapping runs take disjoint buffers."""
    return heartbeats.flush_pending()
