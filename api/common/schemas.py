"""Schema conventions: unknown fields rejected, JSON types kept, timestamps as UTC ISO 8601."""
import datetime as dt

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

import api.common.i18n  # noqa: F401  (installs the Chinese validation messages)

INT64_RANGE = validate.Range(min=-(2**63), max=2**63 - 1, error="数值超出范围。")


class SharedSchema(Schema):
    """A schema instance shared, never copied, by the documentation built around it.

    flask-smorest deep-copies a view's whole documentation at every decorator (each `response`,
    `alt_response`, `arguments`, `doc`), schema instances included; those copies were half the cost of
    building the app, paid by every process that builds one (each worker, each CLI command). Our schema
    instances are not changed after they are made, so a copy may be the instance itself (the generated
    OpenAPI document was byte-for-byte the same when this was added)."""

    def __deepcopy__(self, memo):
        return self


class BaseSchema(SharedSchema):
    """A JSON body. Numbers must be JSON numbers and booleans JSON booleans: marshmallow alone would take
    "7", 2.5 or 1e-40 for an integer and 0 or "yes" for a boolean, which the document does not promise."""

    class Meta:
        unknown = RAISE
        ordered = True

    def on_bind_field(self, field_name, field_obj):
        _require_json_types(field_obj)


class QuerySchema(BaseSchema):
    """Query-string, form and file arguments: they arrive as text, so "2" and "true" are parsed."""

    def on_bind_field(self, field_name, field_obj):
        _fit_columns(field_obj)


class UpdateSchema(BaseSchema):
    """A PATCH body: the create fields, none required (list it first: `class XUpdate(UpdateSchema, X)`);
    an empty body, or none at all, changes nothing and is 422."""

    # Fields that steer the update without being a change themselves.
    NOT_CHANGES = ()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("partial", True)
        super().__init__(*args, **kwargs)

    @validates_schema
    def changes_something(self, data, **kwargs):
        if not set(data) - set(self.NOT_CHANGES):
            raise ValidationError("请至少提供一项要修改的内容。", "_schema")


def _require_json_types(field_obj):
    _fit_columns(field_obj)
    if isinstance(field_obj, fields.List):
        _require_json_types(field_obj.inner)
    elif isinstance(field_obj, fields.Integer):
        field_obj.strict = True  # a documented constructor option, set per bound (copied) field
    elif type(field_obj) is fields.Boolean and not field_obj.dump_only:
        raise TypeError("a JSON body takes api.common.fields.JsonBoolean, which refuses 0, 1 and strings")
    elif type(field_obj) is fields.Float and not field_obj.dump_only:
        raise TypeError("a JSON body takes api.common.fields.JsonFloat, which refuses strings and booleans")


class UTCDateTime(fields.AwareDateTime):
    """Always dumps UTC with an explicit offset; loads any offset and converts to UTC."""

    def __init__(self, **kwargs):
        super().__init__(default_timezone=dt.timezone.utc, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        if value is not None:
            value = value.astimezone(dt.timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).astimezone(dt.timezone.utc)


def _fit_columns(field_obj):
    """Every integer fits a 64-bit column: a larger one is 422 here, not a database error (500) later."""
    if isinstance(field_obj, fields.List):
        _fit_columns(field_obj.inner)
    elif isinstance(field_obj, fields.Integer) and not field_obj.dump_only and INT64_RANGE not in field_obj.validators:
        # A new list: a bound field is a shallow copy of the declared one and shares its list, which every
        # instantiation would otherwise lengthen (each load then ran every range check ever appended).
        field_obj.validators = [*field_obj.validators, INT64_RANGE]
