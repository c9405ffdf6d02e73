"""Every endpoint, called as every role and as nobody, answers as the permission table says.

The expectations are read from the table itself (api/common/permissions.py) and from the
`requires(...)` marker on each view, so a new endpoint is covered the day it is added; object-level
scope (own station, own unit, own record) is tested in each module's own tests.
"""
import re

import pytest

from api.common.permissions import PERMISSIONS, ROLES

ANONYMOUS = "anonymous"
PLACEHOLDER = "999999"


def endpoints(app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):  # the console's pages have their own matrix (tests/console)
            continue
        view_class = getattr(app.view_functions[rule.endpoint], "view_class", None)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            handler = getattr(view_class, method.lower(), None) if view_class else app.view_functions[rule.endpoint]
            yield rule.rule, method, getattr(handler, "_permission", None)


def concrete(path):
    return re.sub(r"<(?:[a-z]+:)?[a-z_]+>", PLACEHOLDER, path)


def call(api_client, method, path):
    kwargs = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
    return api_client.open(method, concrete(path), **kwargs)


def test_every_api_endpoint_declares_a_permission_or_is_deliberately_public(app):
    public = {path for path, _, permission in endpoints(app) if permission is None}
    allowed_public = {p for p in public if p in PUBLIC_ENDPOINTS}
    assert public == allowed_public, f"endpoints without a permission: {sorted(public - allowed_public)}"


# Public on purpose: health probes, sign-in, signed downloads, constituent intake.
PUBLIC_ENDPOINTS = {
    "/api/v1/files/download/<token>",
    "/api/v1/briefings/pages/<token>",  # a signed page-image link bound to its viewer
    "/api/v1/auth/login",
    "/api/v1/auth/refresh",
    "/api/v1/auth/wechat/login",
    "/api/v1/stations",
    "/api/v1/stations/nearest",
    "/api/v1/stations/<int:station_id>",
    "/api/v1/stations/<int:station_id>/receptions",
    "/api/v1/stations/<int:station_id>/themes",
    "/api/v1/stations/<int:station_id>/qrcode.png",
    "/api/v1/stations/<int:station_id>/qrcode.svg",
    "/api/v1/feedback/intake-info",
    "/api/v1/feedback/track/<code>",
    "/api/v1/records/kinds",
}


# Calling these ends the caller's session, so each is called with a sign-in of its own.
SESSION_ENDING = {("/api/v1/auth/logout", "POST"), ("/api/v1/auth/logout-all", "POST")}


@pytest.mark.parametrize("role", [*ROLES, ANONYMOUS])
def test_permission_matrix(app, client, login_as, role):
    def sign_in():
        return client if role == ANONYMOUS else login_as(role)

    caller = sign_in()
    failures = []
    for path, method, permission in endpoints(app):
        response = call(sign_in() if (path, method) in SESSION_ENDING else caller, method, path)
        status = response.status_code
        if permission is None:
            wrong = status in (401, 403)
        elif role == ANONYMOUS:
            wrong = status != 401
        elif role in PERMISSIONS[permission]:
            # Allowed means served: a success, a missing placeholder object, or a refused empty body; never a 500.
            wrong = not (200 <= status < 300 or status in (404, 422) or _scope_refusal(response))
        else:
            wrong = status != 403
        if wrong:
            failures.append(f"{method} {path} as {role} ({permission}): {status}")
    assert not failures, "\n".join(failures)


def _scope_refusal(response):
    # An allowed role may still be refused for a specific object (e.g. a deputy without a deputy record):
    # such refusals say so in their message rather than the generic one.
    from api.common.errors import MESSAGES

    return response.status_code == 403 and response.get_json()["message"] != MESSAGES[403]


def test_notice_timeline_is_in_the_table_for_the_office(app):
    declared = {(path, method): permission for path, method, permission in endpoints(app)}
    assert declared[("/api/v1/notices/<int:notice_id>/timeline", "GET")] == "notices:manage"
