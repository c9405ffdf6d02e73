"""Queued and periodic feedback jobs."""
from huey import crontab

from api.common import idempotency
from api.common.queue import app_periodic_task, app_task
from api.extensions import huey
from api.feedback import deadlines, similar


class StillUnavailable(Exception):
    """WeChat still cannot check the content; huey retries the job (and the sweep backs it up)."""


@app_task(huey, retries=8, retry_delay=30, retry_backoff=2)
def screen_case(case_id):
    if not deadlines.screen_queued(case_id):
        raise StillUnavailable(f"case {case_id}")


@app_task(huey, retries=5, retry_delay=10, retry_backoff=2)
def index_new_case(case_id):
    """Index a new case for similar-case suggestions, out of the request (intake records this job)."""
    similar.index_if_open(case_id)


@app_periodic_task(huey, crontab(minute="*/5"))
def sweep_screening():
    deadlines.sweep_screening()


@app_periodic_task(huey, crontab(minute="7"))
def mark_deadlines():
    deadlines.mark_deadlines()


@app_periodic_task(huey, crontab(minute="41", hour="2"))
def erase_personal_data():
    deadlines.erase_personal_data()
    idempotency.prune()
