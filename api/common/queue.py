"""The task queue: Huey on the app's Redis (see README for why Huey).

Tasks are declared at import time, before any app exists, so the Huey instance gets its storage
when the factory calls `init_app`. Task bodies run inside an app context with a database
connection, whichever process executes them.
"""
import datetime
import functools
import logging

from flask import has_app_context
from huey import RedisHuey
from huey import signals as huey_signals

from api.common.redis import REDIS_ERRORS

_worker_app = None

# Huey logs every failed attempt of a task with a traceback at ERROR, retries included.
HUEY_TASK_FAILED = "Unhandled exception in task %s."


class LazyRedisHuey(RedisHuey):
    def __init__(self, name, database, **options):
        # The database (a peewee proxy) each task body opens a connection on.
        self.database = database
        super().__init__(name, **options)

    def init_app(self, app, connection_pool, blocking=False):
        # Web processes only enqueue (and `run_pending` polls): no read may block on the request
        # path's short timeouts. The worker passes its own pool and blocks for a second per read.
        self.storage_kwargs = {"connection_pool": connection_pool, "blocking": blocking}
        self.storage = self.create_storage()
        app.extensions["huey"] = self
        # Tasks that run outside a request (the worker's threads, `run-jobs`) enter this app's context.
        set_worker_app(app)
        RETRY_LOG.install(self)


class RetryLogFilter(logging.Filter):
    """A failed attempt that huey will retry is a warning without a traceback; the last one stays an error.

    Huey's execute hooks (public) tell which attempt is running: pre-execute records the retries a
    task has left, post-execute forgets it; the filter, on huey's logger, reads it in between.
    """

    def __init__(self):
        super().__init__()
        self.retries_left = {}

    def install(self, huey):
        huey.pre_execute("deputyhub_retry_log")(self.remember)
        huey.post_execute("deputyhub_retry_log")(self.forget)
        logger = logging.getLogger("huey")
        if self not in logger.filters:
            logger.addFilter(self)

    def remember(self, task):
        self.retries_left[task.id] = task.retries

    def forget(self, task, value, exc):
        self.retries_left.pop(task.id, None)

    def filter(self, record):
        if record.msg != HUEY_TASK_FAILED or not record.args:
            return True
        task_id = record.args[0]
        left = self.retries_left.get(task_id, 0)
        if left:
            error = record.exc_info[1] if record.exc_info else None
            record.msg = "Task %s failed; will retry (%s left): %s"
            record.args = (task_id, left, f"{type(error).__name__}: {error}")
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = record.exc_text = None
        return True


RETRY_LOG = RetryLogFilter()


class QueueOutageLogFilter(logging.Filter):
    """The consumer polls Redis several times a second: during an outage, one warning line per
    failed poll, without the traceback huey attaches (it says nothing a warning does not)."""

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, REDIS_ERRORS):
            record.msg, record.args = "%s: queue storage unreachable (%s)", (record.getMessage(), error)
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = record.exc_text = None
        return True


def configure_worker_logging():
    """Called by `deputyhub worker`: Redis outages in the consumer's own loop are warnings."""
    logger = logging.getLogger("huey.consumer")
    if not any(isinstance(f, QueueOutageLogFilter) for f in logger.filters):
        logger.addFilter(QueueOutageLogFilter())

log = logging.getLogger("deputyhub.queue")


# How long an interrupted job waits before the next worker may take it.
REQUEUE_DELAY = datetime.timedelta(seconds=5)


def requeue_interrupted_jobs(huey):
    """Jobs still running when the shutdown timeout ends go back to Redis, not into thin air.

    Huey reports them (SIGNAL_INTERRUPTED) as the consumer exits. They are put on the schedule a few
    seconds ahead rather than on the queue: this consumer's idle worker threads are still blocked on the
    queue and one of them could pop the job just before the process ends, losing it. The next worker's
    scheduler moves it to the queue. They run again, so every job must be safe to repeat, as retries
    already require.
    """

    @huey.signal(huey_signals.SIGNAL_INTERRUPTED)
    def requeue(signal, task, *args, **kwargs):
        # Huey keeps etas as naive UTC (utc=True, its default and ours).
        task.eta = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + REQUEUE_DELAY
        try:
            huey.add_schedule(task)
        except REDIS_ERRORS as exc:
            log.error("interrupted job could not be requeued", extra={"task": task.name, "error": str(exc)})
            return
        log.warning("job interrupted by shutdown; requeued", extra={"task": task.name, "task_id": task.id})


def _in_app(huey, func):
    @functools.wraps(func)
    def run_in_app(*args, **kwargs):
        if has_app_context():
            with huey.database.connection_context():
                return func(*args, **kwargs)
        with _app_for_worker().app_context(), huey.database.connection_context():
            return func(*args, **kwargs)

    return run_in_app


def app_task(huey, **options):
    """`huey.task` whose body runs in an app context with an open database connection."""

    def decorate(func):
        return huey.task(**options)(_in_app(huey, func))

    return decorate


def app_periodic_task(huey, schedule, **options):
    def decorate(func):
        return huey.periodic_task(schedule, **options)(_in_app(huey, func))

    return decorate


def set_worker_app(app):
    """The app whose context task bodies enter when they run outside one; `huey.init_app` sets it."""
    global _worker_app
    _worker_app = app


def _app_for_worker():
    if _worker_app is None:
        raise RuntimeError(
            "A queued task ran outside an app context and no app is registered with the queue: "
            "build the app (create_app calls huey.init_app, which registers it) before running tasks."
        )
    return _worker_app


def run_pending(huey, limit=10_000):
    """Execute queued tasks in this process, as a consumer would; returns how many ran.

    Used by `deputyhub run-jobs` and by tests that drive the real queue step by step.
    """
    ran = 0
    while ran < limit:
        task = huey.dequeue()
        if task is None:
            break
        huey.execute(task)
        ran += 1
    return ran
