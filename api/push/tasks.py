"""The sweepers behind push sending (the send task itself lives beside the sending, in sending.py)."""
import logging

from huey import crontab

from api.common.queue import app_periodic_task
from api.extensions import huey
from api.push import services

log = logging.getLogger("deputyhub.push")


@app_periodic_task(huey, crontab(minute="*"))
def reap_abandoned_deliveries():
    services.reap_abandoned()


@app_periodic_task(huey, crontab(minute="*"))
def requeue_stalled_deliveries():
    services.requeue_stalled()
