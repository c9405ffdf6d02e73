"""Uploads checked on their bytes, and downloads only through short-lived signed links."""
import os
import re
from urllib.parse import quote

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


# Text a browser (or an image viewer) would run as markup, whatever the file is called.
MARKUP = re.compile(
    rb"<\s*(?:!doctype|html|head|body|svg|script|iframe|object|embed|xml|\?xml|meta|link|style|img|a\s|div|"
    rb"form|math|xsl|x:|html:)",
    re.IGNORECASE,
)
TEXT_EXTENSIONS = {"text/plain": (".txt", ".text", ".log", ".md"), "text/csv": (".csv", ".txt", ".tsv")}
TEXT_SUFFIX_TYPE = {".csv": "text/csv", ".tsv": "text/csv"}


def sniff_type(head, filename):
    """The content type the bytes say, never the name; text is accepted only as plain text under a text name.

    HTML, SVG and XML are refused outright: served back, they would run in the reader's browser.
    """
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    if not head or b"\x00" in head or MARKUP.search(head):
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        # A multi-byte character may be cut at the end of the sniffed head.
        try:
            head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return None
    suffix = os.path.splitext(filename.lower())[1]
    content_type = TEXT_SUFFIX_TYPE.get(suffix, "text/plain")
    return content_type if suffix in TEXT_EXTENSIONS[content_type] else None


def served_type(stored):
    """The checked type, except anything a browser could run (files stored before the check) goes as bytes."""
    if stored.content_type in allowed_types() and stored.content_type != "image/svg+xml":
        return stored.content_type
    return "application/octet-stream"


def clean_filename(name):
    """The name as shown and downloaded: its last path part, without control characters or quotes."""
    name = os.path.basename((name or "").replace("\\", "/"))
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"\\').strip()
    return name[:255] or "upload"


def content_disposition(filename):
    """`attachment` with an ASCII fallback and the real name per RFC 5987/6266."""
    stem, suffix = os.path.splitext(filename)
    fallback = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in stem) or "download"
    fallback_suffix = suffix if suffix.isascii() else ""
    return f"attachment; filename=\"{fallback}{fallback_suffix}\"; filename*=UTF-8''{quote(filename, safe='')}"


def save_upload(upload, principal):
    filename = clean_filename(upload.filename)
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
        abort(
            415,
            message="不支持的文件类型。",
            errors={"file": ["仅支持 PDF、图片、Office 文档和纯文本（.txt/.csv）；不接受 HTML、SVG 或 XML。"]},
        )
    return StoredFile.create(
        storage_key=key,
        filename=filename,
        content_type=content_type,
        size=size,
        sha256=sha256,
        uploaded_by=principal.user_id,
    )


VIEW_ONLY = "此文件仅供在线查看，不能下载。"


def get_visible(file_id, principal):
    stored = StoredFile.get_by_id(file_id)
    if principal.role not in OFFICE and stored.uploaded_by_id != principal.user_id:
        abort(404)
    if stored.view_only:
        abort(403, message=VIEW_ONLY)
    return stored


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SIGNING_SALT)


def signed_url(stored):
    if stored.view_only:
        return None
    token = _serializer().dumps({"f": stored.id})
    return url_for("files.FileDownload", token=token, _external=False)


def resolve_download(token):
    try:
        data = _serializer().loads(token, max_age=current_app.config["FILE_URL_TTL_SECONDS"])
    except SignatureExpired:
        abort(410, message="下载链接已过期，请重新获取。")
    except BadSignature:
        abort(404)
    stored = StoredFile.get_by_id(data["f"])
    if stored.view_only:  # a link issued before the file became view-only dies with it
        abort(403, message=VIEW_ONLY)
    return stored
