"""The staff console end to end: Playwright drives Debian's chromium-headless-shell against a live server.

Fixtures: live_server (session: the real app in its own process, tests/e2e/live_server.py) → browser
(session) → page (per test: a fresh browser context; every request is recorded, and the test fails if
a page asks any host but the app, throws a JavaScript error or gets a 5xx; the final screen is saved to
instance/e2e/<test>.png, also when the test fails).

Without the `playwright` package (pip install -e '.[e2e]') or the browser and its CJK font
(apt-get install chromium-headless-shell fonts-wqy-microhei) the tests skip and say why; with CI=true
that is a failure. Never `playwright install`: its download host is out of reach, and the system
browser is the one that is tested. The session fixtures are per xdist worker: each worker that runs e2e
tests starts its own live server and browser.
"""
import contextlib
import os

import pytest

from tests.e2e.console import sign_in
from tests.e2e.support import (
    BROWSER_PATHS,
    FONT_PATH,
    ROOT,
    VIEWPORT,
    Api,
    LiveServer,
    RequestLog,
    artefact_name,
    browser_path,
    launch,
)

IN_CI = os.environ.get("CI") == "true"
ARTEFACTS = ROOT / "instance" / "e2e"


def missing_requirement():
    """Why the e2e tests cannot run here, or None."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install -e '.[e2e]'; .ci/run installs it)"
    if browser_path() is None:
        return (
            f"no chromium-headless-shell at {os.environ.get('E2E_CHROMIUM') or ' or '.join(BROWSER_PATHS)} "
            "(apt-get install chromium-headless-shell; .ci/run installs it)"
        )
    if not os.path.exists(FONT_PATH):
        return "the CJK font is missing (apt-get install fonts-wqy-microhei; .ci/run installs it)"
    return None


@pytest.fixture(scope="session")
def e2e_requirements():
    reason = missing_requirement()
    if reason and IN_CI:
        pytest.fail(f"staff console e2e cannot run: {reason}; failing because CI=true", pytrace=False)
    if reason:
        pytest.skip(f"staff console e2e: {reason}")


@pytest.fixture(scope="session")
def live_server(e2e_requirements):
    try:
        server = LiveServer.start()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser(e2e_requirements):
    from playwright.sync_api import expect, sync_playwright

    # Shared cores: give the console time rather than fail on a slow second.
    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


class Browsing:
    """The browser contexts of one test, each guarded by a RequestLog; the last page opened is the
    test's final screen."""

    def __init__(self, browser, live_server, sessions):
        self.browser = browser
        self.live_server = live_server
        self.sessions = sessions
        self.contexts = []
        self.logs = []

    def new_context(self, role=None, viewport=None):
        context = self.browser.new_context(
            base_url=self.live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai",
            viewport=viewport or VIEWPORT, accept_downloads=True,
            storage_state=self.sessions(role) if role else None,
        )
        context.set_default_timeout(20_000)
        self.logs.append(RequestLog(self.live_server.url).attach(context))
        self.contexts.append(context)
        return context

    def final_page(self):
        pages = [page for context in self.contexts for page in context.pages]
        return pages[-1] if pages else None

    def finish(self, name):
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        final = self.final_page()
        if final is not None:
            with contextlib.suppress(Exception):  # a crashed page must not hide the test's own failure
                final.screenshot(path=str(ARTEFACTS / f"{artefact_name(name)}.png"), full_page=True)
        for context in self.contexts:
            with contextlib.suppress(Exception):
                context.close()
        problems = [problem for log in self.logs for problem in log.problems()]
        if any(log.server_errors for log in self.logs):
            problems.append(f"the live server's log:\n{self.live_server.log}")
        return problems


@pytest.fixture(scope="session")
def console_sessions(browser, live_server):
    """role → a signed-in browser state (the console's cookie), signed in through the form once per run.

    Password sign-ins are throttled per account and address (LOGIN_RATE_PER_ACCOUNT a minute), as in
    production: tests share these sessions instead of signing in again. A test that signs out or ends
    sessions signs in for itself (the `page` fixture and tests.e2e.console.sign_in).
    """
    states = {}

    def state(role):
        if role not in states:
            context = browser.new_context(base_url=live_server.url)
            try:
                sign_in(context.new_page(), live_server, role)
                states[role] = context.storage_state()
            finally:
                context.close()
        return states[role]

    return state


@pytest.fixture
def browsing(browser, live_server, console_sessions, request):
    browsing = Browsing(browser, live_server, console_sessions)
    yield browsing
    problems = browsing.finish(request.node.name)
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def context(browsing):
    """A fresh, signed-out browser context."""
    return browsing.new_context()


@pytest.fixture
def page(context):
    """A page of a fresh context; the test fails on requests to other hosts, JavaScript errors and 5xx."""
    return context.new_page()


@pytest.fixture
def console_as(browsing):
    """console_as("staff") → a page signed in to the console as the live server's account for that role."""

    def open_page(role, viewport=None):
        page = browsing.new_context(role, viewport).new_page()
        page.goto("/console/")
        return page

    return open_page


@pytest.fixture(scope="session")
def staff_api(live_server):
    """The JSON API signed in as the live server's staff account (one password sign-in per run)."""
    return Api.password(live_server, "staff")
