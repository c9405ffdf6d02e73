"""Uploads checked on their bytes, and downloads only through short-lived signed links."""
import os

import filetype
from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from api.common.errors import abort
from api.common.permissions import OFFICE
from api.files.models import StoredFile
from api.files.storage import LocalStorage, TooLarge

SIGNING_SALT = "deputyhub.files.download"


def storage():
    root = current_app.config["FILE_STORAGE_DIR"] or os.path.join(current_app.instance_path, "files")
    return LocalStorage(root)


def allowed_types():
    return {t.strip() for t in current_app.config["UPLOAD_ALLOWED_TYPES"].split(",") if t.strip()}


def sniff_type(head, filename):
    """The content type the bytes say, never the name; plain text is the only guess by content."""
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    if head and b"\x00" not in head:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            # A multi-byte character may be cut at the end of the sniffed head.
            try:
                head[:-3].decode("utf-8")
            except UnicodeDecodeError:
                return None
        return "text/csv" if filename.lower().endswith(".csv") else "text/plain"
    return None


def save_upload(upload, principal):
    filename = os.path.basename(upload.filename or "").strip() or "upload"
    backend = storage()
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    try:
        key, size, sha256, head = backend.save(upload.stream, limit)
    except TooLarge:
        abort(413, message=f"文件不能超过 {limit // (1024 * 1024)} MB。")
    if size == 0:
        backend.delete(key)
        abort(422, message="文件为空。", errors={"file": ["文件为空。"]})
    content_type = sniff_type(head, filename)
    if content_type not in allowed_types():
        backend.delete(key)
        abort(415, message="不支持的文件类型。", errors={"file": ["仅支持 PDF、图片、Office 文档和纯文本。"]})
    return StoredFile.create(
        storage_key=key,
        filename=filename[:255],
        content_type=content_type,
        size=size,
        sha256=sha256,
        uploaded_by=principal.user_id,
    )


def get_visible(file_id, principal):
    stored = StoredFile.get_by_id(file_id)
    if principal.role not in OFFICE and stored.uploaded_by_id != principal.user_id:
        abort(404)
    return stored


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SIGNING_SALT)


def signed_url(stored):
    token = _serializer().dumps({"f": stored.id})
    return url_for("files.FileDownload", token=token, _external=False)


def resolve_download(token):
    try:
        data = _serializer().loads(token, max_age=current_app.config["FILE_URL_TTL_SECONDS"])
    except SignatureExpired:
        abort(410, message="下载链接已过期，请重新获取。")
    except BadSignature:
        abort(404)
    return StoredFile.get_by_id(data["f"])
