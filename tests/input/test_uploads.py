"""Issue 8 item 12: no stored XSS through uploads; every download is an attachment of its checked type."""
import io
from urllib.parse import unquote

import pytest

from api.files.models import StoredFile
from tests.support import assert_error_shape

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>'
XML_SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
SCRIPT = b"  <script>fetch('/api/v1/auth/me')</script>"
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def upload(api_client, content, filename):
    return api_client.post(
        "/api/v1/files", data={"file": (io.BytesIO(content), filename)}, content_type="multipart/form-data"
    )


@pytest.mark.parametrize("content", [HTML, SVG, XML_SVG, SCRIPT], ids=["html", "svg", "xml-svg", "script"])
@pytest.mark.parametrize("filename", ["photo.png", "logo.svg", "page.html", "report.pdf", "notes.txt"])
def test_markup_is_refused_whatever_the_name(login_as, content, filename):
    body = assert_error_shape(upload(login_as("staff"), content, filename), 415)
    assert "file" in body["errors"]
    assert StoredFile.select().count() == 0


@pytest.mark.parametrize("filename", ["photo.png", "report.pdf", "page.html", "noextension"])
def test_text_under_a_non_text_name_is_refused(login_as, filename):
    assert_error_shape(upload(login_as("staff"), "只是一段文字".encode(), filename), 415)


def test_plain_text_and_csv_under_their_own_names_are_accepted(login_as):
    staff = login_as("staff")
    assert upload(staff, "代表建议\n第二行".encode(), "建议.txt").get_json()["content_type"] == "text/plain"
    assert upload(staff, "代表编号,姓名\nA1,张伟\n".encode(), "名册.csv").get_json()["content_type"] == "text/csv"


def test_download_is_an_attachment_of_the_checked_type_with_an_rfc5987_name(login_as, client):
    body = upload(login_as("staff"), PDF, "会议\u0007材料.pdf").get_json()
    assert body["filename"] == "会议材料.pdf"
    response = client.get(body["url"])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "会议材料.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("stored_type", ["image/svg+xml", "text/html"])
def test_markup_stored_before_the_check_is_served_as_bytes_never_inline(login_as, client, stored_type):
    body = upload(login_as("staff"), PDF, "logo.svg.pdf").get_json()
    StoredFile.update(content_type=stored_type, filename="logo.svg").where(StoredFile.id == body["id"]).execute()
    response = client.get(body["url"])
    assert response.mimetype == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''logo.svg" in response.headers["Content-Disposition"]


def test_an_upload_with_an_unknown_form_field_is_refused(login_as):
    response = login_as("staff").post(
        "/api/v1/files",
        data={"file": (io.BytesIO(PDF), "a.pdf"), "x-unknown": "42"},
        content_type="multipart/form-data",
    )
    assert "x-unknown" in assert_error_shape(response, 422)["errors"]
    assert StoredFile.select().count() == 0
