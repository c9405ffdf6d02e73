"""Console fixtures: a browser-like client signed in through the sign-in form (cookie + CSRF token)."""
import re

import pytest

from tests.consultations.conftest import as_deputy, create_draft, publish_draft  # noqa: F401 - shared fixtures
from tests.notices.conftest import create_notice, publish_notice, staff  # noqa: F401 - shared fixtures
from tests.support import TEST_PASSWORD, make_user

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class ConsoleClient:
    """Flask's test client with the console's cookie, sending the page's CSRF token like htmx does."""

    def __init__(self, flask_client, user=None):
        self.flask_client = flask_client
        self.user = user
        self.csrf = ""

    def get(self, url, htmx=False, **kwargs):
        response = self.flask_client.get(url, headers=self._headers(htmx, kwargs.pop("headers", None)), **kwargs)
        self._remember_csrf(response)
        return response

    def post(self, url, data=None, htmx=False, csrf=True, **kwargs):
        headers = self._headers(htmx, kwargs.pop("headers", None))
        if csrf and self.csrf:
            headers.setdefault("X-CSRF-Token", self.csrf)
        return self.flask_client.post(url, data=data or {}, headers=headers, **kwargs)

    def sign_in(self, username, password=TEST_PASSWORD, next_url=""):
        page = self.get("/console/login")
        token = CSRF.search(page.get_data(as_text=True)).group(1)
        response = self.flask_client.post(
            "/console/login",
            data={"username": username, "password": password, "csrf_token": token, "next": next_url},
        )
        if response.status_code == 302:
            self.get("/console/")  # the first page after signing in carries the session's CSRF token
        return response

    def _headers(self, htmx, headers):
        merged = dict(headers or {})
        if htmx:
            merged["HX-Request"] = "true"
        return merged

    def _remember_csrf(self, response):
        match = CSRF.search(response.get_data(as_text=True)) if response.mimetype == "text/html" else None
        if match and response.request.path != "/console/login":
            self.csrf = match.group(1)


@pytest.fixture
def browser(app):
    return ConsoleClient(app.test_client())


@pytest.fixture
def console_as(app):
    """console_as("staff") → a ConsoleClient signed in as a new user of that role (scope kwargs optional)."""

    def sign_in(role, **attributes):
        user = make_user(role, **attributes)
        client = ConsoleClient(app.test_client(), user)
        response = client.sign_in(user.username)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return sign_in
