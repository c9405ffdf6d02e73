"""The notice form: browser fields → the typed data the API's schemas load, and back for showing it again."""
import datetime as dt
import re

from marshmallow import ValidationError

from api.common.errors import Invalid
from api.common.html import sanitise
from api.common.timezone import LOCAL_TZ, local
from api.console.forms import checkbox, ids
from api.deputies import audience as audiences
from api.notices import services
from api.notices.models import KINDS
from api.notices.schemas import DEFAULT_REPLY_OPTIONS

MAX_OPTIONS = 6
CODE_SEPARATORS = re.compile(r"[\s,，、;；]+")
AUDIENCE_LISTS = ("congress_ids", "delegation_ids", "group_ids", "station_ids")


def local_datetime(value):
    """A datetime-local input (Beijing time, "2026-12-01T09:30") as UTC ISO 8601; anything else is passed on
    as typed, for the schema to refuse with its own message."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL_TZ)
    return moment.astimezone(dt.timezone.utc).isoformat()


def local_input(moment):
    """A stored UTC time as a datetime-local input's value."""
    return local(moment).strftime("%Y-%m-%dT%H:%M") if moment else ""


def split_codes(text):
    return [code for code in CODE_SEPARATORS.split(text or "") if code]


def audience_data(form):
    """The audience builder's fields; codes that name no deputy come back as field errors."""
    deputy_ids, unknown = audiences.deputy_ids_for_codes(split_codes(form.get("deputy_codes")))
    excluded, unknown_excluded = audiences.deputy_ids_for_codes(split_codes(form.get("exclude_codes")))
    errors = {}
    if unknown:
        errors["deputy_ids"] = [f"没有这些代表编号：{'、'.join(unknown[:20])}"]
    if unknown_excluded:
        errors["exclude_deputy_ids"] = [f"没有这些代表编号：{'、'.join(unknown_excluded[:20])}"]
    data = {
        "all": checkbox(form, "all"),
        **{name: ids(form, name) for name in AUDIENCE_LISTS},
        "levels": [value for value in form.getlist("levels") if value],
        "fields": [value for value in form.getlist("fields") if value.strip()],
        "grassroots_only": checkbox(form, "grassroots_only"),
        "deputy_ids": deputy_ids,
        "exclude_deputy_ids": excluded,
    }
    return data, ({"audience": errors} if errors else {})


def reply_slip_data(form, options=None):
    """The reply slip, or None when none is asked for; `options` fixed (a published notice keeps its own)."""
    if options is None:
        if not checkbox(form, "reply_required"):
            return None
        rows = [(form.get(f"option_label_{i}", "").strip(), f"option_reason_{i}") for i in range(MAX_OPTIONS)]
        options = [{"label": label, "requires_reason": checkbox(form, reason)} for label, reason in rows if label]
    slip = {"options": options}
    deadline = local_datetime(form.get("reply_deadline"))
    if deadline is not None:
        slip["deadline"] = deadline
    return slip


def notice_data(form, attachment_ids, notice=None):
    """Everything the form says, typed; for a notice whose audience is fixed, only what may still change."""
    data = {
        "title": form.get("title", "").strip(),
        "body": form.get("body", ""),
        "pinned": checkbox(form, "pinned"),
        "attachment_ids": attachment_ids,
    }
    errors = {}
    if notice is None or services.actions(notice)["retarget"]:
        data["kind"] = form.get("kind", "")
        data["audience"], errors = audience_data(form)
        data["reply_slip"] = reply_slip_data(form)
    elif notice.reply_options and form.get("reply_deadline", "").strip() != local_input(notice.reply_deadline):
        # Only a changed deadline is sent: an unchanged one may already have passed, which is no error.
        data["reply_slip"] = reply_slip_data(form, options=notice.reply_options)
    if notice is not None and checkbox(form, "notify"):
        data["notify"] = True
    return data, errors


def load(schema, data, errors):
    """`data` loaded by `schema`, or Invalid with the schema's field errors and ours (`errors`) together."""
    try:
        loaded = schema.load(data)
    except ValidationError as exc:
        raise Invalid("提交的数据有误。", errors=_merge(exc.messages, errors)) from exc
    if errors:
        raise Invalid("提交的数据有误。", errors=errors)
    return loaded


def _merge(first, second):
    merged = dict(first)
    for key, value in second.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged.setdefault(key, value)
    return merged


# --- showing the form ---


def blank():
    return {
        "title": "", "body": "", "kind": KINDS[0], "pinned": False, "attachments": [],
        "audience": {"all": False, "grassroots_only": False, "levels": [], "fields": [], "deputy_codes": "",
                     "exclude_codes": "", **{name: [] for name in AUDIENCE_LISTS}},
        "reply_required": False, "options": _padded(DEFAULT_REPLY_OPTIONS), "reply_deadline": "", "notify": False,
    }


def from_notice(notice, attachments):
    stored = notice.audience or {}
    return {
        "title": notice.title, "body": notice.body, "kind": notice.kind, "pinned": notice.pinned,
        "attachments": [{"id": a["id"], "filename": a["filename"]} for a in attachments],
        "audience": {
            "all": bool(stored.get("all")), "grassroots_only": bool(stored.get("grassroots_only")),
            "levels": stored.get("levels") or [], "fields": stored.get("fields") or [],
            "deputy_codes": "\n".join(audiences.codes_of(stored.get("deputy_ids"))),
            "exclude_codes": "\n".join(audiences.codes_of(stored.get("exclude_deputy_ids"))),
            **{name: stored.get(name) or [] for name in AUDIENCE_LISTS},
        },
        "reply_required": bool(notice.reply_options),
        "options": _padded(notice.reply_options or DEFAULT_REPLY_OPTIONS),
        "reply_deadline": local_input(notice.reply_deadline), "notify": False,
    }


def from_form(form, attachments):
    """What was submitted, to show again beside its errors."""
    return {
        # Sanitised before it goes back into the editor: the form may be shown again with anything typed in it.
        "title": form.get("title", ""), "body": sanitise(form.get("body", "")), "kind": form.get("kind", ""),
        "pinned": checkbox(form, "pinned"), "attachments": attachments,
        "audience": {
            "all": checkbox(form, "all"), "grassroots_only": checkbox(form, "grassroots_only"),
            "levels": form.getlist("levels"), "fields": form.getlist("fields"),
            "deputy_codes": form.get("deputy_codes", ""), "exclude_codes": form.get("exclude_codes", ""),
            **{name: ids(form, name) for name in AUDIENCE_LISTS},
        },
        "reply_required": checkbox(form, "reply_required"),
        "options": _padded(
            [{"label": form.get(f"option_label_{i}", ""), "requires_reason": checkbox(form, f"option_reason_{i}")}
             for i in range(MAX_OPTIONS)]
        ),
        "reply_deadline": form.get("reply_deadline", ""), "notify": checkbox(form, "notify"),
    }


def _padded(options):
    rows = [dict(option) for option in options][:MAX_OPTIONS]
    return rows + [{"label": "", "requires_reason": False}] * (MAX_OPTIONS - len(rows))
