"""The client's API calls against the stand-in over HTTP: results, errcodes, and what is logged."""

import logging

import pytest

from api.wechat.errors import WeChatError
from tests.wechat.conftest import SECRET

TEMPLATE_ID = "tpl_meeting_notice"
MEETING_DATA = {"thing1": {"value": "常委会第十二次会议"}, "time2": {"value": "2024-05-20 09:00"}}


def test_code2session_returns_the_session_for_an_issued_code(standin, wechat_client):
    issued = standin.issue_login_code(unionid="union-1")

    session = wechat_client.code2session(issued["code"])

    assert session["openid"] == issued["openid"]
    assert session["unionid"] == "union-1"
    assert len(session["session_key"]) >= 16


def test_code2session_without_unionid_gives_none(standin, wechat_client):
    issued = standin.issue_login_code(openid="o_fixed_openid")

    session = wechat_client.code2session(issued["code"])

    assert session["openid"] == "o_fixed_openid"
    assert session["unionid"] is None


def test_replayed_login_code_is_rejected_permanently_without_retry(standin, wechat_client):
    code = standin.issue_login_code()["code"]
    wechat_client.code2session(code)

    with pytest.raises(WeChatError) as caught:
        wechat_client.code2session(code)

    assert caught.value.errcode == 40163
    assert caught.value.permanent
    assert standin.stats()["jscode2session"] == 2


def test_unknown_login_code_is_invalid(standin, wechat_client):
    with pytest.raises(WeChatError) as caught:
        wechat_client.code2session("never-issued")

    assert caught.value.errcode == 40029
    assert caught.value.endpoint == "jscode2session"
    assert caught.value.permanent


def test_phone_number_flow(standin, wechat_client):
    code = standin.issue_phone_code("13800138000")

    phone = wechat_client.get_phone_number(code)

    assert phone == {"phone": "13800138000", "pure_phone": "13800138000", "country_code": "86"}
    with pytest.raises(WeChatError) as caught:
        wechat_client.get_phone_number(code)
    assert caught.value.errcode == 40029


def test_msg_sec_check_passes_ordinary_content(standin, wechat_client):
    verdict = wechat_client.msg_sec_check("建议加强社区养老服务设施建设", openid="o_deputy")

    assert verdict == {"suggest": "pass", "label": 100}


def test_msg_sec_check_flags_risky_content(standin, wechat_client):
    verdict = wechat_client.msg_sec_check("有人在小区组织赌博活动", openid="o_deputy", scene=1)

    assert verdict == {"suggest": "risky", "label": 20006}


def test_subscribe_message_is_delivered_with_page_and_data(standin, wechat_client):
    result = wechat_client.send_subscribe_message(
        "o_deputy", TEMPLATE_ID, MEETING_DATA, page="pages/meeting/detail?id=12"
    )

    assert result["errcode"] == 0
    [message] = standin.messages()
    assert message["openid"] == "o_deputy"
    assert message["template_id"] == TEMPLATE_ID
    assert message["data"] == MEETING_DATA
    assert message["page"] == "pages/meeting/detail?id=12"


def test_invalid_template_data_is_a_permanent_error(standin, wechat_client):
    with pytest.raises(WeChatError) as caught:
        wechat_client.send_subscribe_message("o_deputy", TEMPLATE_ID, {"thing1": "not an object"})

    assert caught.value.errcode == 47003
    assert caught.value.permanent
    assert standin.messages() == []


def test_credentials_and_personal_data_never_reach_the_logs(standin, wechat_client, caplog):
    caplog.set_level(logging.DEBUG)
    login = standin.issue_login_code()
    session = wechat_client.code2session(login["code"])
    phone = wechat_client.get_phone_number(standin.issue_phone_code("13900139000"))
    token = wechat_client.get_access_token()
    standin.fail("jscode2session", "http500", times=3)
    with pytest.raises(WeChatError) as caught:
        wechat_client.code2session(standin.issue_login_code()["code"])

    assert caplog.records, "the failed call must have been logged"
    logged = caplog.text + " ".join(str(vars(record)) for record in caplog.records) + str(caught.value)
    for secret_value in (SECRET, session["session_key"], phone["pure_phone"], token):
        assert secret_value not in logged
