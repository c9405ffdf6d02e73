"""Uploads are checked on their bytes; downloads need a short-lived signed link; nothing escapes the root."""
import io
import os

import pytest

from api.files.models import StoredFile
from api.files.storage import LocalStorage, StorageError
from tests.support import assert_error_shape

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 64


def upload(api_client, content, filename):
    return api_client.post(
        "/api/v1/files", data={"file": (io.BytesIO(content), filename)}, content_type="multipart/form-data"
    )


def test_upload_detects_type_from_bytes_and_downloads_through_signed_link(login_as, client):
    staff = login_as("staff")
    response = upload(staff, PDF, "会议材料.pdf")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["content_type"] == "application/pdf"
    assert body["size"] == len(PDF) and body["filename"] == "会议材料.pdf"

    download = client.get(body["url"])  # no bearer token: the signature is the permission
    assert download.status_code == 200
    assert download.data == PDF
    assert "attachment" in download.headers["Content-Disposition"]


def test_extension_does_not_decide_the_type(login_as):
    response = upload(login_as("staff"), ELF, "looks-harmless.pdf")
    body = assert_error_shape(response, 415)
    assert "file" in body["errors"]


def test_plain_text_is_accepted_and_png_is_recognised(login_as):
    staff = login_as("staff")
    assert upload(staff, "代表建议草稿\n第二行".encode(), "notes.txt").get_json()["content_type"] == "text/plain"
    assert upload(staff, PNG, "photo.jpg").get_json()["content_type"] == "image/png"


def test_too_large_upload_is_refused_and_leaves_nothing_behind(app, login_as):
    app.config["UPLOAD_MAX_BYTES"] = 1024
    response = upload(login_as("staff"), PDF + b"0" * 2048, "big.pdf")
    assert_error_shape(response, 413)
    root = os.path.join(app.instance_path, "files")
    assert [f for _, _, files in os.walk(root) for f in files] == []
    assert StoredFile.select().count() == 0


def test_request_body_over_the_global_limit_is_413(app, login_as):
    app.config["MAX_CONTENT_LENGTH"] = 2048
    assert_error_shape(upload(login_as("staff"), b"x" * 4096, "a.txt"), 413)


def test_empty_upload_is_422(login_as):
    body = assert_error_shape(upload(login_as("staff"), b"", "empty.pdf"), 422)
    assert "file" in body["errors"]


def test_missing_file_field_is_422_with_field_error(login_as):
    response = login_as("staff").post("/api/v1/files", data={}, content_type="multipart/form-data")
    body = assert_error_shape(response, 422)
    assert body["errors"] == {"file": ["此项为必填项。"]}


def test_expired_and_tampered_links(app, login_as, client):
    url = upload(login_as("staff"), PDF, "a.pdf").get_json()["url"]
    assert_error_shape(client.get(url[:-3] + "AAA"), 404)
    app.config["FILE_URL_TTL_SECONDS"] = -1
    assert_error_shape(client.get(url), 410)


def test_file_details_are_visible_to_uploader_and_office_only(login_as):
    deputy = login_as("deputy")
    file_id = upload(deputy, PDF, "a.pdf").get_json()["id"]
    assert deputy.get(f"/api/v1/files/{file_id}").status_code == 200
    assert login_as("staff").get(f"/api/v1/files/{file_id}").status_code == 200
    assert_error_shape(login_as("deputy").get(f"/api/v1/files/{file_id}"), 404)


@pytest.mark.parametrize(
    "role, status", [("admin", 201), ("staff", 201), ("deputy", 201), ("unit_user", 201), ("constituent", 201)]
)
def test_upload_permissions(login_as, role, status):
    assert upload(login_as(role), PDF, "a.pdf").status_code == status


def test_anonymous_upload_is_401(client):
    assert_error_shape(upload(client, PDF, "a.pdf"), 401)


@pytest.mark.parametrize(
    "key", ["../../etc/passwd", "..", "/etc/passwd", "ab/../../x", "0" * 31 + "/", "%2e%2e%2f" + "0" * 23, ""]
)
def test_storage_keys_cannot_escape_the_root(tmp_path, key):
    with pytest.raises(StorageError):
        LocalStorage(str(tmp_path)).path_for(key)


def test_a_tampered_storage_key_in_the_database_cannot_reach_outside(app, login_as, client):
    body = upload(login_as("staff"), PDF, "a.pdf").get_json()
    StoredFile.update(storage_key="../../../../etc/passwd").where(StoredFile.id == body["id"]).execute()
    assert_error_shape(client.get(body["url"]), 404)


def test_client_supplied_path_in_filename_is_dropped(login_as):
    body = upload(login_as("staff"), PDF, "../../etc/报告.pdf").get_json()
    assert body["filename"] == "报告.pdf"
