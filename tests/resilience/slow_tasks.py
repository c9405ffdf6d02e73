"""Jobs for the worker-shutdown tests, imported by the test and by the worker process it starts."""
import time
from concurrent.futures import ThreadPoolExecutor

from api.common.queue import app_task
from api.extensions import huey, redis_store


@app_task(huey)
def slow_job(name, seconds):
    """Like a push send: a while of work, then a thread pool for the last step (as api/push/sending.py)."""
    redis_store.set(f"slow:{name}:started", "1")
    time.sleep(seconds)
    with ThreadPoolExecutor(2) as pool:
        sent = sum(pool.map(lambda n: n, [1, 1, 1, 1]))
    redis_store.set(f"slow:{name}:finished", str(sent))


@app_task(huey, retries=1)
def failing_job():
    raise RuntimeError("WeChat answered 系统繁忙")
