"""Errcode classification: what a caller may retry and what it must give up on."""

import pytest

from api.wechat.errors import Disposition, WeChatError, WeChatUnavailable


@pytest.mark.parametrize(
    ("errcode", "disposition"),
    [
        (-1, Disposition.RETRY),
        (45009, Disposition.RATE_LIMITED),
        (40001, Disposition.REFRESH_TOKEN),
        (42001, Disposition.REFRESH_TOKEN),
        (40014, Disposition.REFRESH_TOKEN),
        (43101, Disposition.PERMANENT),
        (40003, Disposition.PERMANENT),
        (47003, Disposition.PERMANENT),
        (40037, Disposition.PERMANENT),
        (41030, Disposition.PERMANENT),
        (40029, Disposition.PERMANENT),
        (40163, Disposition.PERMANENT),
        (40226, Disposition.PERMANENT),
        (40013, Disposition.PERMANENT),
        (87009, Disposition.PERMANENT),
        (99999, Disposition.PERMANENT),  # unknown codes are not retried
    ],
)
def test_errcode_disposition(errcode, disposition):
    error = WeChatError(errcode, "msg", "subscribe_send")

    assert error.disposition is disposition
    assert error.permanent is (disposition is Disposition.PERMANENT)
    assert error.transient is not error.permanent


def test_unavailable_is_transient_without_errcode():
    error = WeChatUnavailable("msg_sec_check", "ReadTimeout", outcome_unknown=True)

    assert error.errcode is None
    assert error.transient
    assert error.outcome_unknown
    assert str(error) == "msg_sec_check: errcode=None errmsg=ReadTimeout"
