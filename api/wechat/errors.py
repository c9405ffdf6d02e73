"""Errors from WeChat server APIs and how a caller should react to each.

The reaction depends only on the errcode, so it lives in one table. The client acts on it for
retries it can do right away; anything else (a queue task, a request handler) reads
`permanent` / `transient` to decide whether trying again later can ever succeed.
"""

import enum


class Disposition(enum.Enum):
    RETRY = "retry"  # momentary failure on WeChat's side: retry after a short backoff
    # Our access token was rejected: refresh it, then retry once.
    REFRESH_TOKEN = "refresh_token"  # noqa: S105 - an enum label, not a credential
    RATE_LIMITED = "rate_limited"  # quota used up: retrying now only burns more quota; retry later
    PERMANENT = "permanent"  # the same request will fail the same way every time


ERRCODE_DISPOSITIONS = {
    # WeChat asks callers to retry "system busy" after a moment.
    -1: Disposition.RETRY,
    # Daily quota / per-minute frequency limit reached.
    45009: Disposition.RATE_LIMITED,
    45011: Disposition.RATE_LIMITED,
    # Access token invalid, expired, or not the latest: a fresh token fixes these.
    40001: Disposition.REFRESH_TOKEN,
    42001: Disposition.REFRESH_TOKEN,
    40014: Disposition.REFRESH_TOKEN,
    # The user refused the template or has no subscription credit left; only the user can change it.
    43101: Disposition.PERMANENT,
    # Invalid openid: the user does not belong to this app.
    40003: Disposition.PERMANENT,
    # Template data does not match the template's fields.
    47003: Disposition.PERMANENT,
    # Unknown template id.
    40037: Disposition.PERMANENT,
    # Page path is not part of the mini-program (or the mini-program is not published yet).
    41030: Disposition.PERMANENT,
    # Mini-program code: scene too long or with characters WeChat refuses; other arguments invalid.
    40169: Disposition.PERMANENT,
    40097: Disposition.PERMANENT,
    # Login / phone code unknown, expired, or already used: the mini-program must get a new one.
    40029: Disposition.PERMANENT,
    40163: Disposition.PERMANENT,
    # WeChat flags the user as high risk and blocks login.
    40226: Disposition.PERMANENT,
    # App credentials or signature wrong: a configuration problem, not a passing one.
    40013: Disposition.PERMANENT,
    40125: Disposition.PERMANENT,
    87009: Disposition.PERMANENT,
}


class WeChatError(Exception):
    """WeChat answered with errcode != 0 (or, for the subclass, did not answer usefully)."""

    def __init__(self, errcode, errmsg, endpoint):
        self.errcode = errcode
        self.errmsg = errmsg
        self.endpoint = endpoint
        super().__init__(f"{endpoint}: errcode={errcode} errmsg={errmsg}")

    @property
    def disposition(self):
        # Unknown codes count as permanent: retrying a request we do not understand risks
        # hammering WeChat or duplicating a side effect for nothing.
        return ERRCODE_DISPOSITIONS.get(self.errcode, Disposition.PERMANENT)

    @property
    def permanent(self):
        return self.disposition is Disposition.PERMANENT

    @property
    def transient(self):
        return not self.permanent


class WeChatUnavailable(WeChatError):
    """No usable answer: network error, timeout, HTTP 5xx or a body that is not WeChat JSON.

    `outcome_unknown` is true when the request was sent but the answer was lost (read timeout):
    WeChat may have acted on it, so a non-idempotent call such as sending a message must not be
    blindly repeated.
    """

    def __init__(self, endpoint, reason, outcome_unknown=False):
        self.outcome_unknown = outcome_unknown
        super().__init__(None, reason, endpoint)

    @property
    def disposition(self):
        return Disposition.RETRY
