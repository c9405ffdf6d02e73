"""Issue 8, items 10, 11 and 14: bad input gets a clear 4xx in the one error shape, never a 500."""
import json

import pytest

from tests import factories
from tests.support import assert_error_shape

API = "/api/v1"
HUGE = "100000000000000000000"  # beyond 64 bits
INT64_OVERFLOW = "9223372036854775808"


def concrete(rule, value):
    import re

    return re.sub(r"<(?:[a-z]+:)?[a-z_]+>", value, rule)


def api_rules(app, with_int):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API) and ("<int:" in rule.rule) == with_int:
            yield rule


def test_a_page_beyond_64_bits_is_refused_on_every_list(app, admin):
    failures = []
    for rule in api_rules(app, with_int=False):
        if "GET" in rule.methods and "<" not in rule.rule:
            for page in (INT64_OVERFLOW, HUGE, "99999999999"):
                response = admin.get(f"{rule.rule}?page={page}&page_size=100")
                if response.status_code >= 500:
                    failures.append(f"{rule.rule}?page={page}: {response.status_code}")
    assert not failures, failures


@pytest.mark.parametrize("value", [HUGE, INT64_OVERFLOW, "１", "٣", "1١"])
def test_an_id_beyond_64_bits_or_not_in_ascii_digits_is_404_on_every_path(app, admin, value):
    failures = []
    for rule in api_rules(app, with_int=True):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = admin.open(method, concrete(rule.rule, value), json={} if method != "GET" else None)
            if response.status_code != 404:
                failures.append(f"{method} {rule.rule}: {response.status_code}")
    assert not failures, failures


def test_full_width_digits_do_not_route_but_ascii_ones_do(admin):
    deputy = factories.deputy()
    assert admin.get(f"{API}/deputies/{deputy.id}").status_code == 200
    full_width = str(deputy.id).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert_error_shape(admin.get(f"{API}/deputies/{full_width}"), 404)


@pytest.mark.parametrize("depth", [3000, 100_000])
@pytest.mark.parametrize("url", [f"{API}/auth/login", f"{API}/deputies"])
def test_deeply_nested_json_is_refused_before_parsing(admin, url, depth):
    body = "[" * depth + "]" * depth
    response = admin.post(url, data=body, content_type="application/json")
    assert_error_shape(response, 422)


def test_nesting_inside_strings_does_not_count(admin):
    body = json.dumps({"name": "[" * 5000, "code": "X1", "gender": "男", "delegation_id": 1})
    response = admin.post(f"{API}/deputies", data=body, content_type="application/json")
    assert response.status_code == 422 and "json" not in response.get_json()["errors"]


@pytest.mark.parametrize(
    "raw",
    [
        '{"username": "adm\\u0000in", "password": "x"}',
        '{"username": "\\ud800", "password": "x"}',
        '{"username": "admin", "password": "x\\udfff"}',
    ],
)
def test_nul_and_lone_surrogates_are_422_even_on_the_public_login(client, raw):
    response = client.post(f"{API}/auth/login", data=raw, content_type="application/json")
    assert_error_shape(response, 422)


def test_nul_in_a_query_filter_is_422(admin):
    body = assert_error_shape(admin.get(f"{API}/deputies?name=%00"), 422)
    assert "name" in body["errors"]
    assert_error_shape(admin.get(f"{API}/org/stations?district=a%00b"), 422)


def test_a_body_declared_utf16_is_415_and_undeclared_non_utf8_is_400(client):
    payload = json.dumps({"username": "admin", "password": "x"})
    declared = client.post(
        f"{API}/auth/login", data=payload.encode("utf-16"), content_type="application/json; charset=utf-16"
    )
    assert_error_shape(declared, 415)
    undeclared = client.post(f"{API}/auth/login", data=payload.encode("utf-16"), content_type="application/json")
    assert_error_shape(undeclared, 400)
    utf8 = client.post(f"{API}/auth/login", data=payload.encode(), content_type="application/json; charset=UTF-8")
    assert utf8.status_code == 401


def test_control_characters_are_refused_in_text(admin):
    deputy = factories.deputy()
    body = assert_error_shape(admin.patch(f"{API}/deputies/{deputy.id}", json={"employer": "东街\u0007社区"}), 422)
    assert body["errors"] == {"employer": ["不能包含控制字符。"]}
    assert_error_shape(admin.patch(f"{API}/deputies/{deputy.id}", json={"title": "主任\n副主任"}), 422)


CLEARABLE = [
    ("deputy", "employer"),
    ("deputy", "title"),
    ("deputy", "sector"),
    ("unit", "contact_name"),
    ("unit", "category"),
    ("station", "address"),
    ("station", "district"),
    ("station", "description"),
]


def _target(kind):
    if kind == "deputy":
        deputy = factories.deputy(employer="东街社区", title="主任", sector="工人")
        return f"{API}/deputies/{deputy.id}"
    if kind == "unit":
        return f"{API}/org/units/{factories.unit(contact_name='张三', category='市直部门').id}"
    return f"{API}/org/stations/{factories.station(address='东街1号', district='鼓楼区', description='简介').id}"


@pytest.mark.parametrize(("kind", "field"), CLEARABLE)
@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_optional_text_field_clears_it(admin, kind, field, blank):
    response = admin.patch(_target(kind), json={field: blank})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()[field] is None


def test_blank_optional_text_on_create_is_null(admin):
    factories.congress()
    delegation = factories.delegation()
    body = {"code": "C1", "name": "张伟", "gender": "男", "delegation_id": delegation.id, "term": 17,
            "employer": "", "title": " ", "sector": ""}
    response = admin.post(f"{API}/deputies", json=body)
    assert response.status_code == 201, response.get_json()
    assert [response.get_json()[k] for k in ("employer", "title", "sector")] == [None, None, None]
    unit = admin.post(f"{API}/org/units", json={"name": "市教育局", "category": "", "contact_name": ""})
    assert unit.status_code == 201 and unit.get_json()["category"] is None
    group = admin.post(f"{API}/org/groups", json={"name": "一组", "delegation_id": None})
    assert group.status_code == 201 and group.get_json()["delegation"] is None


def test_ids_in_bodies_are_bounded(admin):
    delegation = factories.delegation()
    body = {"code": "C1", "name": "张伟", "gender": "男", "delegation_id": int(HUGE), "group_ids": [int(HUGE)]}
    errors = assert_error_shape(admin.post(f"{API}/deputies", json=body), 422)["errors"]
    assert set(errors) == {"delegation_id", "group_ids"}
    station = factories.station()
    assert_error_shape(admin.put(f"{API}/org/stations/{station.id}/deputies", json={"deputy_ids": [2**64]}), 422)
    assert_error_shape(admin.get(f"{API}/deputies?delegation={HUGE}"), 422)
    assert delegation.id

