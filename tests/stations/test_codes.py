"""A station's codes: the plain QR code (PNG, SVG) read back module by module, and the WeChat code via the stand-in."""
import time
import xml.etree.ElementTree as ET

import pytest
import segno

from tests.stations.pngread import modules, read_png
from tests.support import assert_error_shape, assert_permitted

STATIONS = "/api/v1/stations"
SVG = "{http://www.w3.org/2000/svg}"


def expected_modules(content):
    code = segno.make(content, error="m", micro=False)
    return code.symbol_size(border=0)[0], [[bool(v) for v in row] for row in code.matrix]


def test_png_encodes_the_link_to_the_station_page(city, client):
    response = client.get(f"{STATIONS}/{city.home.id}/qrcode.png?scale=4&border=2")

    assert response.status_code == 200
    assert response.mimetype == "image/png"
    size, wanted = expected_modules(f"https://deputyhub.example.cn/mp/pages/station/station?id={city.home.id}")
    assert modules(response.data, size, border=2) == wanted
    assert read_png(response.data)[0] == (size + 4) * 4


def test_the_link_base_and_page_are_configurable(app, city, client):
    app.config["STATION_QR_BASE_URL"] = "https://rd.fuzhou.gov.cn/qr/"
    app.config["MINIPROGRAM_STATION_PAGE"] = "pkg/station/index"
    data = client.get(f"{STATIONS}/{city.other.id}/qrcode.png").data  # default scale 8, border 4
    size, wanted = expected_modules(f"https://rd.fuzhou.gov.cn/qr/pkg/station/index?id={city.other.id}")
    assert modules(data, size, border=4) == wanted


def test_svg_is_a_scalable_drawing_of_the_same_code(city, client):
    response = client.get(f"{STATIONS}/{city.home.id}/qrcode.svg?scale=2&border=1")

    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    root = ET.fromstring(response.data)  # noqa: S314 - our own output; parsing it shows it is well-formed XML
    size, _ = expected_modules(f"https://deputyhub.example.cn/mp/pages/station/station?id={city.home.id}")
    assert root.tag == f"{SVG}svg" and root.get("width") == str((size + 2) * 2)
    assert root.find(f"{SVG}path") is not None and root.find(f"{SVG}script") is None
    assert response.data.startswith(b"<svg")


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_codes_are_cacheable_and_revalidate(city, client, kind):
    url = f"{STATIONS}/{city.home.id}/qrcode.{kind}"
    first = client.get(url)

    assert first.headers["Cache-Control"] == "public, max-age=86400"
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in first.headers["Content-Security-Policy"]
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    other = client.get(f"{STATIONS}/{city.other.id}/qrcode.{kind}")
    assert other.headers["ETag"] != first.headers["ETag"] and other.data != first.data


@pytest.mark.parametrize("query", ["scale=0", "scale=41", "border=11", "scale=x"])
def test_code_sizes_are_bounded(city, client, query):
    assert_error_shape(client.get(f"{STATIONS}/{city.home.id}/qrcode.png?{query}"), 422)


# The WeChat mini-program code (wxacode.getUnlimited), through the client and the stand-in


def wxacode(caller, station, query=""):
    return caller.get(f"{STATIONS}/{station.id}/wxacode{query}")


@pytest.mark.parametrize("role", ["admin", "staff", "station_staff", "unit_user", "deputy", "constituent", "anonymous"])
def test_who_may_fetch_the_wechat_code(city, standin, client, login_as, role):
    caller = client if role == "anonymous" else login_as(role, stations=[city.home])
    assert_permitted(wxacode(caller, city.home), role, {"admin", "staff", "station_staff"}, 200)


def test_the_wechat_code_opens_the_station_page(app, city, standin, login_as):
    response = wxacode(login_as("station_staff", stations=[city.home]), city.home, "?width=600")

    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "image/png"
    assert response.headers["Cache-Control"] == "private, max-age=86400"
    size, wanted = expected_modules(f"wxacode:wx_demo_appid:pages/station/station?scene=id={city.home.id}")
    assert modules(response.data, size, border=2) == wanted
    assert 280 <= read_png(response.data)[0] <= 600
    assert standin.stats()["getwxacodeunlimit"] == 1


def test_station_staff_get_no_code_for_another_station(city, standin, login_as):
    response = wxacode(login_as("station_staff", stations=[city.home]), city.other)
    assert_error_shape(response, 403)
    assert standin.stats()["getwxacodeunlimit"] == 0


def test_a_passing_wechat_error_is_retried(city, standin, login_as):
    standin.fail("getwxacodeunlimit", -1)  # "system busy"
    assert wxacode(login_as("staff"), city.home).status_code == 200
    assert standin.stats()["getwxacodeunlimit"] == 2


def test_a_rate_limited_wechat_answers_503_with_retry_after(city, standin, login_as):
    standin.fail("getwxacodeunlimit", 45009)
    body = assert_error_shape(wxacode(login_as("staff"), city.home), 503)
    assert "qrcode.png" in body["message"]  # the fallback that needs no WeChat
    assert standin.stats()["getwxacodeunlimit"] == 1  # quota errors are not retried at once


def test_an_unreleased_page_is_a_clear_503_and_a_develop_code_still_works(app, city, standin, login_as):
    app.config["MINIPROGRAM_STATION_PAGE"] = "pages/not/released"
    staff = login_as("staff")
    body = assert_error_shape(wxacode(staff, city.home), 503)
    assert "尚未发布" in body["message"] and "Retry-After" not in wxacode(staff, city.home).headers
    # Trial and develop builds are asked without check_path, as their pages need not be released yet.
    assert wxacode(staff, city.home, "?env_version=develop").status_code == 200


def test_a_wechat_that_does_not_answer_is_a_bounded_503(app, city, standin, login_as):
    app.config["WECHAT_TIMEOUT_SECONDS"] = 0.3
    standin.fail("getwxacodeunlimit", "timeout", times=3, delay=3)
    staff = login_as("staff")

    started = time.monotonic()
    response = wxacode(staff, city.home)

    assert time.monotonic() - started < 2.5  # three attempts of 0.3 s and the backoff between them
    body = assert_error_shape(response, 503)
    assert "暂时不可用" in body["message"] and response.headers["Retry-After"] == "30"
    assert standin.stats()["getwxacodeunlimit"] == 3


@pytest.mark.parametrize("query", ["?width=279", "?width=1281", "?env_version=beta"])
def test_wechat_code_options_are_checked(city, standin, login_as, query):
    assert_error_shape(wxacode(login_as("staff"), city.home, query), 422)
    assert standin.stats()["getwxacodeunlimit"] == 0


def test_no_code_for_a_station_that_does_not_exist(city, standin, login_as):
    assert_error_shape(login_as("staff").get(f"{STATIONS}/999999/wxacode"), 404)
