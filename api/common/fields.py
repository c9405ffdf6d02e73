"""The field types every schema shares: text, JSON objects and bounded integers.

One of each, so that a rule about what text may contain (no NUL, no lone surrogate, no control
characters) holds on every endpoint, and a module added later inherits it.
"""
import re

from marshmallow import ValidationError, fields, validate

# PostgreSQL cannot store NUL; openpyxl refuses C0 controls in a cell; none of them belongs in a name.
SINGLE_LINE_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f]")
MULTI_LINE_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, LF and CR allowed
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
SINGLE_LINE_PATTERN = "^[^\\u0000-\\u001f\\u007f]*$"
MULTI_LINE_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$"

INT64_MAX = 2**63 - 1
ID_RANGE = validate.Range(min=1, max=INT64_MAX)

CONTROL_MESSAGE = "不能包含控制字符。"
SURROGATE_MESSAGE = "包含无效的 Unicode 字符。"
NUL_MESSAGE = "不能包含 NUL 字符。"


def text_problem(value, multiline=False):
    """Why `value` may not be stored as text, or None."""
    if "\x00" in value:
        return NUL_MESSAGE
    if LONE_SURROGATE.search(value):
        return SURROGATE_MESSAGE
    if (MULTI_LINE_FORBIDDEN if multiline else SINGLE_LINE_FORBIDDEN).search(value):
        return CONTROL_MESSAGE
    return None


class Text(fields.String):
    """Trimmed text without NUL, lone surrogates or control characters.

    `multiline=True` lets tab and line breaks through (CRLF is stored as LF). On a field with
    `allow_none=True` a blank value means "clear it" and loads as None, before any validator runs:
    that is how a form empties an optional field.
    """

    def __init__(self, *args, multiline=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.multiline = multiline
        # The same rule in the document (JSON Schema regex), so that clients and contract tests know it.
        self.metadata = {**self.metadata, "pattern": MULTI_LINE_PATTERN if multiline else SINGLE_LINE_PATTERN}

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if self.allow_none and isinstance(value, str) and not value.strip():
            value = None
        return super().deserialize(value, attr, data, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        problem = text_problem(value, self.multiline)
        if problem:
            raise ValidationError(problem)
        if self.multiline:
            value = value.replace("\r\n", "\n")
        return value.strip()


class Json(fields.Dict):
    """A small JSON object (keys and string values checked like Text): extra data a client may attach."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        for problem in filter(None, (_json_problem(item) for item in _strings(value))):
            raise ValidationError(problem)
        return value


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _json_problem(value):
    return text_problem(value, multiline=True)


class Id(fields.Integer):
    """A database id: a whole number from 1 to 2^63-1 (anything larger cannot be a row and is 422, not 500)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", ID_RANGE)
        super().__init__(**kwargs)


class BoundedInteger(fields.Integer):
    """An integer that fits a 64-bit column; the bound also documents itself in the OpenAPI schema."""

    def __init__(self, *, minimum=-INT64_MAX - 1, maximum=INT64_MAX, **kwargs):
        validators = kwargs.pop("validate", None) or []
        validators = list(validators) if isinstance(validators, (list, tuple)) else [validators]
        kwargs["validate"] = [validate.Range(min=minimum, max=maximum), *validators]
        super().__init__(**kwargs)


def name_field(max_length=100, description="名称"):
    return Text(required=True, validate=validate.Length(min=1, max=max_length), metadata={"description": description})


def optional_text(max_length, description, multiline=False):
    """Optional text: null or blank clears it."""
    return Text(
        allow_none=True,
        multiline=multiline,
        validate=validate.Length(max=max_length),
        metadata={"description": description},
    )


class JsonBoolean(fields.Boolean):
    """JSON true/false only. marshmallow's Boolean also takes 0, 1 and "yes" (0 == False in Python),
    which the document does not promise; query strings keep the lenient Boolean."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class JsonFloat(fields.Float):
    """A JSON number only. marshmallow's Float also takes "26.1" and true (True == 1 in Python), which the
    document (type: number) does not promise; NaN and infinities are refused as for every Float."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)
