"""The console's blueprint, its page registration and its navigation."""
from dataclasses import dataclass

from flask import Blueprint

from api.common.access import principal_or_none
from api.common.permissions import ROLE_LABELS, allowed
from api.common.pii import mask_phone
from api.common.timezone import local

bp = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    permission: str
    order: int


NAVIGATION = []


def page(rule, endpoint, nav=None, permission=None, order=100, **options):
    """Class decorator: register a MethodView at `rule`; with `nav`, list it in the menu for `permission`."""

    def register(view):
        bp.add_url_rule(rule, view_func=view.as_view(endpoint), **options)
        if nav:
            NAVIGATION.append(NavItem(f"console.{endpoint}", nav, permission, order))
            NAVIGATION.sort(key=lambda item: item.order)
        return view

    return register


def navigation():
    """The menu entries the signed-in role may open."""
    principal = principal_or_none()
    return [item for item in NAVIGATION if principal and allowed(principal.role, item.permission)]


def can(permission):
    """Whether the signed-in role may do this: pages show only the actions the permission table allows."""
    principal = principal_or_none()
    return bool(principal) and allowed(principal.role, permission)


@bp.app_template_filter("local_time")
def local_time(moment, with_time=True):
    """A UTC timestamp as Beijing time, the way staff read it: 2026-11-30 14:05."""
    if moment is None:
        return "—"
    return local(moment).strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


bp.add_app_template_global(navigation)
bp.add_app_template_global(can)
bp.add_app_template_filter(mask_phone, "masked")
bp.add_app_template_filter(lambda role: ROLE_LABELS.get(role, role), "role_label")
