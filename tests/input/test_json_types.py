"""JSON bodies keep JSON's types (numbers, booleans), query strings are text, and an empty PATCH is 422."""
import pytest
from marshmallow import fields

from api.common.schemas import BaseSchema, QuerySchema
from tests.support import assert_error_shape

API = "/api/v1"


class Body(BaseSchema):
    count = fields.Integer()
    ids = fields.List(fields.Integer())


class Query(QuerySchema):
    count = fields.Integer()
    flag = fields.Boolean()


@pytest.mark.parametrize("value", ["7", 2.5, 1e-40, True])
def test_a_body_integer_must_be_a_json_integer(value):
    assert "count" in Body().validate({"count": value})
    assert "ids" in Body().validate({"ids": [value]})


def test_a_body_integer_still_takes_an_integer():
    assert Body().load({"count": 7, "ids": [1, 2]}) == {"count": 7, "ids": [1, 2]}


def test_making_a_schema_again_does_not_add_range_checks():
    # Every request that names a schema class makes an instance: the declared fields must stay as declared.
    for _ in range(50):
        body = Body()
    assert len(Body._declared_fields["count"].validators) == 0
    assert len(body.fields["count"].validators) == 1
    assert len(body.fields["ids"].inner.validators) == 1
    assert "count" in body.validate({"count": 2**63})


def test_query_arguments_arrive_as_text_and_are_parsed():
    assert Query().load({"count": "7", "flag": "true"}) == {"count": 7, "flag": True}


def test_a_plain_boolean_in_a_body_schema_is_a_programming_error():
    class Lenient(BaseSchema):
        flag = fields.Boolean()

    with pytest.raises(TypeError):
        Lenient()


@pytest.mark.parametrize("flag", [0, 1, "true", "yes"])
def test_a_body_boolean_refuses_numbers_and_strings(admin, flag):
    response = admin.post(f"{API}/org/units", json={"name": "某局", "is_active": flag})
    assert_error_shape(response, 422)
    assert "is_active" in response.json["errors"]


def test_a_float_id_in_a_body_is_refused(admin):
    response = admin.post(
        f"{API}/auth/users",
        json={"username": "unit-a", "display_name": "甲", "role": "unit_user", "password": "Secret-pass-1",
              "unit_id": 2.5e-42},
    )
    assert_error_shape(response, 422)
    assert "unit_id" in response.json["errors"]


@pytest.mark.parametrize("body", [None, {}])
def test_an_empty_patch_changes_nothing_and_is_refused(admin, body):
    unit = admin.post(f"{API}/org/units", json={"name": "某局"}).json
    response = admin.patch(f"{API}/org/units/{unit['id']}", json=body)
    assert_error_shape(response, 422)
    assert response.json["message"]


def test_a_notice_patch_with_only_notify_is_refused(staff, create_notice):
    notice = create_notice()
    response = staff.patch(f"{API}/notices/{notice['id']}", json={"notify": True})
    assert_error_shape(response, 422)


@pytest.mark.parametrize("schema", [Body, Query])
def test_integers_beyond_64_bits_are_refused_in_bodies_and_queries(schema):
    assert "count" in schema().validate({"count": 2**63})
    assert schema().validate({"count": 2**63 - 1}) == {}


def test_a_query_id_beyond_64_bits_is_422_not_500(admin):
    response = admin.get(f"{API}/push/deliveries/summary?source_type=notice&source_id=14538283611205531648")
    assert_error_shape(response, 422)
