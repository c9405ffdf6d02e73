"""Screening a case's content: the staff's word list, then WeChat's content-security check (msgSecCheck v2).

Outcomes (state, screening, label):
- the word list matches → review (a person decides), `words`, the word;
- WeChat says risky/review → review, `wechat`, "<suggest>:<label>";
- WeChat passes → submitted, `pass`;
- WeChat unavailable, busy or rate limited (it may answer later) → screening, `pending`: the case is kept
  and a queued job checks again (`tasks.screen_case`, plus a sweep for jobs Redis lost);
- WeChat refuses the check for good (unknown openid, bad credentials) or the case has no WeChat identity
  → review, `failed`: nothing is dropped, a person looks instead.
"""
from dataclasses import dataclass

from flask import current_app
from peewee import SQL, NodeList, Value, fn

from api.common import screening as common
from api.feedback.models import (
    REVIEW,
    SCREENING,
    SUBMITTED,
    BlockedWord,
)
from api.wechat import get_client
from api.wechat.errors import WeChatError

# Set (with a TTL) when WeChat was unavailable: until it expires, intake queues cases for screening at
# once instead of making every constituent wait out the client's timeouts and retries.
PAUSE_KEY = "feedback:wechat_check_paused"
# The shared outcomes are the feedback screening values (SCREEN_*); only the case state is mapped here.
STATE_OF = {common.PASS: SUBMITTED, common.PENDING: SCREENING}


@dataclass(frozen=True)
class Verdict:
    state: str
    screening: str
    label: str | None = None


def blocked_words():
    """The staff's word list, as plain strings (other modules screen with it too)."""
    return [word for (word,) in BlockedWord.select(BlockedWord.word).tuples()]


def first_word_in(content):
    """A query of the first staff-listed word `content` contains: a scalar subquery, so that intake reads it
    along with the station in one statement (no list loaded per submission). Case-insensitive; LIKE's
    wildcards in a word match literally."""
    word = fn.LOWER(BlockedWord.word)
    for special in ("\\", "%", "_"):
        word = fn.REPLACE(word, special, "\\" + special)
    pattern = Value("%").concat(word).concat("%")
    contains = NodeList((fn.LOWER(Value(content)), SQL("LIKE"), pattern, SQL("ESCAPE"), Value("\\")))
    return BlockedWord.select(BlockedWord.word).where(contains).order_by(BlockedWord.id).limit(1)


def matched_word(content):
    """The first staff-listed word the content contains, or None."""
    return first_word_in(content).scalar()


UNCHECKED = object()


def screen(content, openid, *, in_request=True, word=UNCHECKED):
    """The verdict on `content`. In a request (intake), a recent WeChat outage skips the call: the case is
    queued at once. The queued job (`in_request=False`) always asks WeChat. `word`: what `first_word_in`
    found, when the caller has read it already."""
    word = matched_word(content) if word is UNCHECKED else word
    outcome = common.screen(
        content, openid, lambda *args, **kwargs: get_client().msg_sec_check(*args, **kwargs), WeChatError,
        words=[word] if word else [], in_request=in_request, pause_key=PAUSE_KEY,
        pause_seconds=current_app.config["FEEDBACK_WECHAT_PAUSE_SECONDS"],
    )
    return Verdict(STATE_OF.get(outcome.screening, REVIEW), outcome.screening, outcome.label)
