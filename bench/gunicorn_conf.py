"""Gunicorn config used for every bench subject (the worker settings themselves are in harness.GUNICORN_ARGS).

Its only job is to tell the harness when each worker has loaded the app, so load starts only once
every worker can accept: keep-alive connections stay with the worker that accepted them, and a
worker still booting when the load generator connects would sit idle for the whole run.
"""
import os

# gunicorn 27's runtime-control socket defaults to one path per user: servers running side by side
# (several subjects, or other people's gunicorns) would take it from each other. Older gunicorns
# ignore settings they do not know.
control_socket_disable = True


def post_worker_init(worker):
    ready_dir = os.environ.get("BENCH_READY_DIR")
    if ready_dir:
        with open(os.path.join(ready_dir, str(worker.pid)), "w"):
            pass
