"""wxacode.getUnlimited through the client: an image on success, WeChat's JSON errcode otherwise."""

import pytest

from api.wechat.errors import WeChatError, WeChatUnavailable

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_success_is_the_image_itself(standin, wechat_client):
    code = wechat_client.get_unlimited_wxacode("id=7", "pages/station/station", width=430)
    assert code["content_type"] == "image/png"
    assert code["image"].startswith(PNG_SIGNATURE)


@pytest.mark.parametrize(
    ("arguments", "errcode"),
    [
        ({"scene": "x" * 33, "page": "pages/station/station"}, 40169),  # scene longer than 32 characters
        ({"scene": "站=7", "page": "pages/station/station"}, 40169),  # characters WeChat does not take
        ({"scene": "id=7", "page": "pages/not/released"}, 41030),
        ({"scene": "id=7", "page": "/pages/station/station", "check_path": False}, 41030),  # no leading slash
        ({"scene": "id=7", "page": "pages/station/station", "env_version": "beta"}, 40097),
    ],
)
def test_refusals_are_permanent_errcodes_and_not_retried(standin, wechat_client, arguments, errcode):
    with pytest.raises(WeChatError) as caught:
        wechat_client.get_unlimited_wxacode(**arguments)
    assert caught.value.errcode == errcode and caught.value.permanent
    assert standin.stats()["getwxacodeunlimit"] == 1


def test_an_unreleased_page_is_allowed_without_check_path(standin, wechat_client):
    code = wechat_client.get_unlimited_wxacode("id=7", "pages/not/released", check_path=False, env_version="develop")
    assert code["image"].startswith(PNG_SIGNATURE)


def test_a_rejected_token_is_refreshed_once(standin, wechat_client):
    standin.fail("getwxacodeunlimit", 40001)
    assert wechat_client.get_unlimited_wxacode("id=7", "pages/station/station")["image"].startswith(PNG_SIGNATURE)
    assert standin.stats()["stable_token"] == 2


def test_timeouts_end_in_unavailable_after_the_retries(standin, make_wechat_client):
    client = make_wechat_client(timeout=(0.5, 0.2))
    standin.fail("getwxacodeunlimit", "timeout", times=3, delay=1)
    with pytest.raises(WeChatUnavailable) as caught:
        client.get_unlimited_wxacode("id=7", "pages/station/station")
    assert caught.value.outcome_unknown and caught.value.transient
    assert standin.stats()["getwxacodeunlimit"] == 3
