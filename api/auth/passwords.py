"""Password hashing with argon2id: its cost from configuration, its memory bounded per process.

Each hash holds ARGON2_MEMORY_KIB (64 MiB by default) while it runs, so a burst of sign-ins could
grow a worker by that much per thread; a semaphore lets only PASSWORD_HASH_CONCURRENCY hash at once.
"""
import contextlib
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from api.common.errors import Unavailable

MIN_LENGTH = 10
BUSY = "登录请求较多，请稍后再试。"

_hashers = {}
_semaphores = {}
_lock = threading.Lock()


def _hasher():
    config = current_app.config
    params = (config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_KIB"], config["ARGON2_PARALLELISM"])
    if params not in _hashers:
        _hashers[params] = PasswordHasher(time_cost=params[0], memory_cost=params[1], parallelism=params[2])
    return _hashers[params]


def _semaphore(size):
    with _lock:
        if size not in _semaphores:
            _semaphores[size] = threading.BoundedSemaphore(size)
        return _semaphores[size]


@contextlib.contextmanager
def hashing_slot():
    """One of the process's hashing slots, or 503 if none frees up in time."""
    semaphore = _semaphore(current_app.config["PASSWORD_HASH_CONCURRENCY"])
    if not semaphore.acquire(timeout=current_app.config["PASSWORD_HASH_WAIT_SECONDS"]):
        raise Unavailable(BUSY, retry_after=5)
    try:
        yield
    finally:
        semaphore.release()


def hash_password(password):
    with hashing_slot():
        return _hasher().hash(password)


def verify_password(password_hash, password):
    if not password_hash:
        return False
    try:
        with hashing_slot():
            return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash):
    """True when the stored hash was made with other cost settings than the configured ones."""
    return _hasher().check_needs_rehash(password_hash)
