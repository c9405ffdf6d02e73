"""The Swagger UI page at /docs, as a browser gets it."""
import json
import re


def test_swagger_ui_keeps_the_token_across_a_reload(client):
    html = client.get("/docs").get_data(as_text=True)
    # The page merges this object into Swagger UI's configuration.
    match = re.search(r"var override_config = (\{.*?\});", html)
    assert match, html
    assert json.loads(match.group(1))["persistAuthorization"] is True
