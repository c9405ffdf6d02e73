"""Every console page, opened by every console role and by nobody, answers as the permission table says.

The expectations come from the table (api/common/permissions.py) and the `requires(...)` marker on each
console view, so a new screen is covered the day it is added. Object scopes are tested per screen.
"""
import re

import pytest

from api.common.permissions import PERMISSIONS
from api.console.session import PUBLIC_ENDPOINTS

CONSOLE_ROLES = ("admin", "staff", "station_staff", "unit_user")
PLACEHOLDER = "999999"


def pages(app):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/console") or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        view_class = app.view_functions[rule.endpoint].view_class
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.rule, method, getattr(getattr(view_class, method.lower()), "_permission", None)


def concrete(path):
    return re.sub(r"<(?:[a-z]+:)?[a-z_]+>", PLACEHOLDER, path)


def test_every_console_page_declares_a_permission(app):
    missing = [f"{method} {path}" for path, method, permission in pages(app) if permission is None]
    assert not missing, missing


def test_signed_out_visitors_are_sent_to_sign_in_everywhere(app, browser):
    failures = []
    for path, method, _ in pages(app):
        response = browser.flask_client.open(concrete(path), method=method)
        if response.status_code != 302 or "/console/login" not in response.headers["Location"]:
            failures.append(f"{method} {path}: {response.status_code}")
    assert not failures, failures


@pytest.mark.parametrize("role", CONSOLE_ROLES)
def test_each_role_reaches_exactly_what_the_table_allows(app, console_as, role):
    client = console_as(role)
    failures = []
    for path, method, permission in pages(app):
        if path == "/console/logout":
            continue  # ends the session; tests/console/test_session.py covers it
        status = (client.get if method == "GET" else client.post)(concrete(path)).status_code
        allowed = role in PERMISSIONS[permission]
        wrong = status == 403 or status >= 500 if allowed else status != 403
        if wrong:
            failures.append(f"{method} {path} as {role}: {status}")
    assert not failures, failures
