"""Screening text that deputies or constituents post: the staff's word list, then WeChat's content check.

Shared by every module that takes free text from outside the office (feedback cases, consultation
opinions). Each maps the outcome to its own states. Outcomes (screening, label):
- the word list matches → `words`, the word;
- the checker says risky/review → `wechat`, "<suggest>:<label>";
- the checker passes → `pass`;
- the checker is unavailable, busy or rate limited (it may answer later) → `pending`;
- the checker refuses for good (unknown openid, bad credentials), or there is no WeChat identity → `failed`.

The word list and the checker are passed in (`check(content, openid, scene=...)` → {"suggest", "label"}, raising one of
`errors` with `.transient` and `.errcode`), because common knows no WeChat client.
"""
import contextlib
import logging
from dataclasses import dataclass

from api.common.redis import REDIS_ERRORS
from api.extensions import redis_store

log = logging.getLogger("deputyhub.screening")

PASS = "pass"  # noqa: S105 - a screening outcome, not a credential
FLAGGED_WORDS = "words"
FLAGGED_WECHAT = "wechat"
PENDING = "pending"
FAILED = "failed"
# WeChat's "comment" scene: text a user posts for others to read.
SCENE_COMMENT = 2


@dataclass(frozen=True)
class Outcome:
    screening: str
    label: str | None = None


def matched_word(content, words):
    """The first of `words` (the staff's list: a few hundred) the content contains, or None."""
    folded = content.casefold()
    for word in words:
        if word.casefold() in folded:
            return word
    return None


def screen(content, openid, check, errors, *, words=(), in_request=True, pause_key=None, pause_seconds=0):
    """The outcome for `content`. In a request, a recent outage (`pause_key` set) skips the checker.

    `words`: the staff's word list (an iterable of strings; the list lives with the module that keeps it).
    """
    word = matched_word(content, words)
    if word is not None:
        return Outcome(FLAGGED_WORDS, word)
    if not openid:
        return Outcome(FAILED, "无微信身份，无法自动检测")
    if in_request and pause_key and _paused(pause_key):
        return Outcome(PENDING)
    try:
        result = check(content, openid, scene=SCENE_COMMENT)
    except errors as exc:
        if exc.transient:
            log.warning("content check unavailable", extra={"error": str(exc)})
            _pause(pause_key, pause_seconds)
            return Outcome(PENDING)
        log.warning("content check refused", extra={"error": str(exc)})
        return Outcome(FAILED, f"微信检测失败（{exc.errcode}）")
    if result["suggest"] == "pass":
        return Outcome(PASS)
    return Outcome(FLAGGED_WECHAT, f"{result['suggest']}:{result['label']}")


def _paused(key):
    try:
        return bool(redis_store.exists(key))
    except REDIS_ERRORS:
        return False  # without Redis, ask: the check still works, only slower when it is down


def _pause(key, seconds):
    if not key or not seconds:
        return
    with contextlib.suppress(REDIS_ERRORS):
        redis_store.set(key, "1", ex=seconds)
