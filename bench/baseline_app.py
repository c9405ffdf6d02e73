"""The baseline: a bare Flask app with one JSON endpoint (and one of bytes), served like every subject.

Configured as the subjects are in production: ProxyFix for the trusted proxies (TRUSTED_PROXY_COUNT)
and one JSON access-log line per request at INFO (LOG_LEVEL) on stderr. It has no rate limiter, no
database and no Redis: those are part of what a subject costs.
"""
import logging
import os
import sys
import time

from flask import Flask, g, request
from pythonjsonlogger.json import JsonFormatter
from werkzeug.middleware.proxy_fix import ProxyFix

app = Flask(__name__)
proxies = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if proxies:
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

handler = logging.StreamHandler(sys.stderr)
handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
logging.getLogger().addHandler(handler)
logging.getLogger().setLevel(os.environ.get("LOG_LEVEL", "INFO"))
log = logging.getLogger("baseline.access")


@app.before_request
def start():
    g.started = time.perf_counter()


@app.after_request
def access_log(response):
    duration_ms = round((time.perf_counter() - g.started) * 1000, 2)
    log.info("%s %s %s %sms", request.method, request.path, response.status_code, duration_ms,
             extra={"method": request.method, "path": request.path, "status": response.status_code,
                    "duration_ms": duration_ms, "remote_addr": request.remote_addr})
    return response


@app.get("/ping")
def ping():
    return {"status": "ok"}


_blobs = {}


@app.get("/bytes/<int:size>")
def blob(size):
    """`size` bytes from memory (at most 4 MB), as an image: what a subject that ships images costs the server
    and the network alone, without checks, cache reads or logging of its own."""
    if size > 4 * 1024 * 1024:
        return {"message": "too large"}, 400
    body = _blobs.setdefault(size, os.urandom(size))
    return body, 200, {"Content-Type": "image/png", "Cache-Control": "private, no-store"}
