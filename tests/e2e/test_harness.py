"""The harness itself: the request guard sees a page ask another host."""
from tests.e2e.support import RequestLog, same_origin


def test_the_guard_names_a_request_to_another_host(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    log = RequestLog(live_server.url).attach(context)
    page = context.new_page()
    page.goto("/readyz")
    # Port 9 (discard) on another loopback address: refused at once, never leaves the machine.
    page.evaluate("fetch('http://127.0.0.2:9/x').catch(() => null)")
    page.wait_for_timeout(200)
    context.close()
    assert log.foreign() == ["GET http://127.0.0.2:9/x"]
    assert any("127.0.0.2" in problem for problem in log.problems())


def test_same_origin_compares_scheme_host_and_port():
    assert same_origin("http://127.0.0.1:5000/console/", "http://127.0.0.1:5000")
    assert not same_origin("http://127.0.0.1:5001/", "http://127.0.0.1:5000")
    assert not same_origin("https://127.0.0.1:5000/", "http://127.0.0.1:5000")
    assert not same_origin("http://cdn.example.com/htmx.js", "http://127.0.0.1:5000")
