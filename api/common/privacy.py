"""Responses carrying unmasked personal data or credentials must never be kept by a cache or a browser."""
import functools

from flask import after_this_request

NO_STORE = "no-store"


def no_store(view):
    """Send `Cache-Control: no-store` on every response of this view, errors included."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        @after_this_request
        def _mark(response):
            response.headers["Cache-Control"] = NO_STORE
            response.headers["Pragma"] = "no-cache"  # HTTP/1.0 caches
            return response

        return view(*args, **kwargs)

    return wrapped
