"""Input checks that hold before any view or schema runs: path ids, JSON bodies and query strings.

- `<int:...>` in a route matches ASCII digits only and at most a 64-bit value (a full-width `１` or an
  id of 21 digits is simply not a route: 404).
- A JSON body must be UTF-8 (RFC 8259 §8.1; a declared `charset=utf-16` is 415), at most
  `JSON_MAX_DEPTH` deep (checked on the bytes, before any parser recurses), and may carry no NUL and
  no lone surrogate in any key or string (422: PostgreSQL cannot store them, and no client means them).
- A query string may carry no NUL either (422).
"""
import itertools
import json
import re

from flask import current_app, request
from werkzeug.routing import BaseConverter, ValidationError

from api.common.errors import Invalid, abort
from api.common.fields import INT64_MAX, LONE_SURROGATE, NUL_MESSAGE, SURROGATE_MESSAGE
from api.common.openapi import MAX_PAGE

# Strings first (so brackets inside them are not counted), then the brackets themselves.
JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
DEPTH_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


class AsciiIntConverter(BaseConverter):
    """Replaces werkzeug's `int`, whose `\\d+` also matches full-width and other Unicode digits."""

    regex = r"[0-9]{1,19}"
    weight = 50  # the same as werkzeug's number converters

    def to_python(self, value):
        number = int(value)
        if number > INT64_MAX:
            raise ValidationError()  # no row can have it: the URL does not match, 404
        return number

    def to_url(self, value):
        return str(int(value))


def path_id_schema(converter):
    return {"type": "integer", "minimum": 0, "maximum": INT64_MAX}


def json_depth(data):
    """How deeply the arrays and objects of a JSON text nest, without parsing it."""
    steps = (DEPTH_STEP[token[0]] for token in JSON_TOKENS.findall(data) if token[0] in DEPTH_STEP)
    return max(itertools.accumulate(steps), default=0)


def _check_json_body():
    charset = request.mimetype_params.get("charset")
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        abort(415, message="JSON 请求体须为 UTF-8 编码。")
    data = request.get_data(cache=True)
    if not data:
        return
    limit = current_app.config["JSON_MAX_DEPTH"]
    if json_depth(data) > limit:
        raise Invalid(f"JSON 嵌套层数不能超过 {limit}。", errors={"json": [f"嵌套层数不能超过 {limit}。"]})
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return  # the body parser answers 400 with its own message
    problems = dict(_string_problems(body, "json"))
    if problems:
        raise Invalid(errors=problems)


def _string_problems(value, path):
    if isinstance(value, str):
        problem = unstorable(value)
        if problem:
            yield path, [problem]
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = key if path == "json" else f"{path}.{key}"
            if unstorable(key):
                yield inner, [unstorable(key)]
            yield from _string_problems(item, inner)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _string_problems(item, f"{path}.{index}")


def unstorable(value):
    """NUL or a lone surrogate: what no string may hold. Other control characters are each field's rule."""
    if "\x00" in value:
        return NUL_MESSAGE
    if LONE_SURROGATE.search(value):
        return SURROGATE_MESSAGE
    return None


def _check_query():
    problems = {key: [NUL_MESSAGE] for key, value in request.args.items(multi=True) if "\x00" in key + value}
    page = request.args.get("page", "").strip()
    if page.isascii() and page.isdigit() and int(page) > MAX_PAGE:
        # Every list pages in SQL; an OFFSET past 64 bits is a database error, and no list is that long.
        problems.setdefault("page", []).append(f"页码不能超过 {MAX_PAGE}。")
    if problems:
        raise Invalid(errors=problems)


def init_app(app, api=None):
    """Call before any blueprint is registered: routes bind their converters when they are added."""
    app.config.setdefault("JSON_MAX_DEPTH", 32)
    app.url_map.converters["int"] = AsciiIntConverter
    if api is not None:
        api.register_converter(AsciiIntConverter, path_id_schema)

    @app.before_request
    def _check_input():
        if request.args:
            _check_query()
        if request.is_json and request.method in ("POST", "PUT", "PATCH", "DELETE"):
            _check_json_body()
