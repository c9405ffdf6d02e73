"""Queue tasks for push: sending one job's range of deliveries, and the sweepers behind it."""
from huey import crontab

from api.common.queue import app_periodic_task, app_task
from api.extensions import huey
from api.push import sending, services
from api.push.models import QUEUED


class DeliveriesToRetry(Exception):
    """Some deliveries met a passing WeChat failure and went back to `queued`: run the job again."""


# 10 s, 20 s, 40 s, 80 s, 160 s; rows still queued after that are picked up by `requeue_stalled`.
@app_task(huey, retries=5, retry_delay=10, retry_backoff=2)
def send_deliveries(message_id, first_id, last_id):
    counts = sending.send_range(message_id, first_id, last_id)
    if counts[QUEUED]:
        raise DeliveriesToRetry(f"{counts[QUEUED]} deliveries of message {message_id} wait for a retry")
    return counts


@app_periodic_task(huey, crontab(minute="*"))
def reap_abandoned_deliveries():
    services.reap_abandoned()


@app_periodic_task(huey, crontab(minute="*"))
def requeue_stalled_deliveries():
    services.requeue_stalled()
