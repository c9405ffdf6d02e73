"""Who is asked for opinions on a draft: the notices' audience (all, delegations, groups, stations, fields,
levels, listed deputies; api/deputies/audience.py) and/or the deputies a *related selector* names.

Related selectors are pluggable, because the modules that know "who raised related things" are built
separately (the suggestions module: deputies who submitted suggestions on the same subject). A module
registers one at import time, through this module's public function:

    from api.consultations.audience import register_related
    register_related("suggestions", "提出过相关建议的代表",
                     lambda consultation: <SELECT of deputy ids>)   # e.g. matching consultation.title

and staff then choose `"related": "suggestions"` in the audience. A selector gets the consultation and
returns a one-column peewee SELECT of deputy ids; it is evaluated in SQL, never listed in Python.
Only serving deputies are reached, whoever selects them.
"""
from api.common.errors import Invalid
from api.deputies import audience as deputies_audience
from api.deputies.models import STATUS_SERVING, Deputy

_related = {}
BASE_KEYS = ("all", "delegation_ids", "group_ids", "station_ids", "fields", "grassroots_only", "deputy_ids",
             "levels", "congress_ids")


def register_related(name, label, selector):
    """Make `name` choosable as `audience.related`; `selector(consultation)` → SELECT of deputy ids."""
    _related[name] = (label, selector)


def unregister_related(name):
    _related.pop(name, None)


def related_choices():
    return [{"name": name, "label": label} for name, (label, _) in sorted(_related.items())]


def _base(stored):
    return {key: value for key, value in stored.items() if key != "related"}


def _has_base(stored):
    return any(stored.get(key) for key in BASE_KEYS)


def check(stored):
    """422 for unknown references or an unknown related selector."""
    related = stored.get("related")
    if related and related not in _related:
        known = "、".join(_related) or "（暂无可用的选择器）"
        raise Invalid("相关代表的选择方式不存在。", errors={"audience": {"related": [f"可选：{known}"]}})
    if _has_base(stored):
        deputies_audience.check_references(_base(stored))


def condition(consultation):
    """WHERE clause on Deputy: the base audience, united with the related selector's deputies."""
    stored = consultation.audience or {}
    parts = []
    if _has_base(stored):
        parts.append(deputies_audience.condition(_base(stored)))
    related = stored.get("related")
    if related in _related:
        selected = _related[related][1](consultation)
        parts.append((Deputy.status == STATUS_SERVING) & Deputy.id.in_(selected))
    if not parts:
        return Deputy.id.is_null()  # reaches nobody (an unknown selector since unregistered)
    where = parts[0]
    for part in parts[1:]:
        where = where | part
    return where


def deputy_ids_query(consultation):
    return Deputy.select(Deputy.id).where(condition(consultation))


def includes(consultation, deputy_ids):
    """Whether any of these seats is in the audience (one indexed query)."""
    if not deputy_ids:
        return False
    return Deputy.select().where(condition(consultation) & Deputy.id.in_(list(deputy_ids))).exists()


def preview(consultation):
    check(consultation.audience)
    where = condition(consultation)
    return {"count": Deputy.select().where(where).count()}
