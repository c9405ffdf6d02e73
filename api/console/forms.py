"""Console forms validated by the API's own schemas, so a rule is written once for both front doors."""
from flask import redirect, render_template, request
from marshmallow import ValidationError

from api.common.errors import Conflict, Invalid, status_of


def load(schema, data):
    """`data` (already typed: ints, booleans, lists) loaded by `schema`; field errors become Invalid (422)."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise Invalid("提交的数据有误。", errors=exc.messages) from exc


def checkbox(form, name):
    return form.get(name) in ("on", "true", "1")


def ids(form, name):
    """A multi-select's values as ids; anything that is not a whole number is dropped by the schema's range."""
    return [int(value) for value in form.getlist(name) if value.strip().isdigit()]


def optional_int(form, name):
    value = (form.get(name) or "").strip()
    return int(value) if value.isdigit() else None


def text(form, name):
    """A text input as sent (the schema trims it and turns blank into None where that means "clear")."""
    return form.get(name, "")


def words(form, name):
    """A free-text list ("财经、法律, 教育") as its items, in order, without repeats."""
    raw = form.get(name, "").replace("、", ",").replace("，", ",").replace(";", ",").replace("；", ",")
    return list(dict.fromkeys(item.strip() for item in raw.split(",") if item.strip()))


def submit(action, retry):
    """Run `action()`; when the service refuses the form (422, or 409 naming a field), `retry(errors, message,
    status)` re-renders it with each field's messages beside the field. Other errors go to the error pages."""
    try:
        return action()
    except (Invalid, Conflict) as exc:
        if isinstance(exc, Conflict) and not exc.errors:
            raise
        return retry(field_errors(exc.errors), exc.message or "提交的数据有误。", status_of(exc))


def field_errors(errors):
    """{"fields": {0: ["…"]}, "_schema": ["…"]} → {"fields": ["…"], "": ["…"]}: messages per form field."""
    flat = {}
    for key, value in (errors or {}).items():
        name = "" if key == "_schema" else str(key)
        flat.setdefault(name, []).extend(_messages(value))
    return flat


def _messages(value):
    if isinstance(value, dict):
        return [message for item in value.values() for message in _messages(item)]
    if isinstance(value, (list, tuple)):
        return [message for item in value for message in _messages(item)]
    return [str(value)]


def done(url):
    """After a change: a plain form is redirected; htmx is told to load `url` (a 204 swaps nothing)."""
    if request.headers.get("HX-Request"):
        return "", 204, {"HX-Redirect": url}
    return redirect(url)


def page_or_fragment(page, fragment, status=200, **context):
    """A form page, or for htmx only its form fragment (re-rendered in place with the field errors at 422)."""
    return render_template(fragment if request.headers.get("HX-Request") else page, **context), status
