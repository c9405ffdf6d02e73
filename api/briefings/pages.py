"""Page images of papers: rendered from the PDF with pypdfium2, watermarked with Pillow on the server,
served only through short-lived signed links bound to their viewer.

- The clean render of a page is cached on disk, keyed by the file's SHA-256 (a version that reuses a
  file reuses its renders); nothing clean is ever served.
- A link names its viewer (user, deputy seat), the paper, version, page and the paper's link epoch,
  and is signed with the app's secret; it lives PAPER_LINK_TTL_SECONDS. Its image carries that
  viewer's name, masked phone and the time the link was issued, drawn into the pixels, so a
  screenshot or a forwarded link shows whose it was. A forwarded link is no use to anyone else.
- Every fetch checks the paper's state, window and epoch in one indexed read: revoking a paper (or
  uploading a new version) bumps the epoch and every link issued before dies at that instant.
- The watermarked PNG is cached in Redis per link for the link's lifetime: the first fetch renders
  (about 50-150 ms), the next ones are a Redis read.
"""
import hashlib
import io
import logging
import math
import os
import threading

import pypdfium2
from flask import current_app, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from PIL import Image, ImageDraw, ImageFont

from api.common.errors import Gone, Invalid, NotFound
from api.common.redis import REDIS_ERRORS
from api.common.timezone import local
from api.extensions import redis_store
from api.files import services as files

log = logging.getLogger("deputyhub.briefings")

SALT = "deputyhub.briefings.page"
TEXT_MAX = 20000
PALETTE = 16
LINK_DEAD = "链接已失效，请重新打开资料。"
_fonts = {}
_font_lock = threading.Lock()
# pdfium is not thread-safe: one render at a time per process (renders are cached, so this is rare).
_pdfium_lock = threading.Lock()


# --- the PDF ---


def inspect(stored):
    """(page count, text) of an uploaded PDF; 422 if it is not one pdfium can open."""
    if stored.content_type != "application/pdf":
        raise Invalid("资料须为 PDF 文件。", errors={"file_id": ["资料须为 PDF 文件。"]})
    with files.storage().open(stored.storage_key) as handle:
        data = handle.read()
    try:
        with _pdfium_lock:
            document = pypdfium2.PdfDocument(data)
            try:
                count = len(document)
                parts, size = [], 0
                for index in range(count):
                    if size >= TEXT_MAX:
                        break
                    textpage = document[index].get_textpage()
                    part = textpage.get_text_range()
                    parts.append(part)
                    size += len(part)
            finally:
                document.close()
    except pypdfium2.PdfiumError as exc:
        raise Invalid("无法读取该 PDF 文件。", errors={"file_id": ["无法读取该 PDF 文件。"]}) from exc
    if count < 1 or count > current_app.config["PAPER_MAX_PAGES"]:
        raise Invalid(f"资料须为 1 至 {current_app.config['PAPER_MAX_PAGES']} 页。", errors={"file_id": ["页数不符。"]})
    return count, "\n".join(parts)[:TEXT_MAX]


def _cache_dir():
    return current_app.config["PAGE_CACHE_DIR"] or os.path.join(current_app.instance_path, "page-cache")


def clean_render(stored, page):
    """PNG bytes of page `page` (1-based) at PAPER_PAGE_WIDTH, rendered once and kept on disk."""
    path = os.path.join(_cache_dir(), stored.sha256[:2], f"{stored.sha256}-{page}.png")
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        pass
    with files.storage().open(stored.storage_key) as handle:
        data = handle.read()
    with _pdfium_lock:
        document = pypdfium2.PdfDocument(data)
        try:
            pdf_page = document[page - 1]
            scale = current_app.config["PAPER_PAGE_WIDTH"] / max(pdf_page.get_width(), 1)
            image = pdf_page.render(scale=scale).to_pil().convert("RGB")
        finally:
            document.close()
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False, compress_level=1)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
    with open(tmp, "wb") as handle:
        handle.write(out.getvalue())
    os.replace(tmp, path)
    return out.getvalue()


# --- the watermark ---


def _font(size):
    with _font_lock:
        if size not in _fonts:
            path = current_app.config["WATERMARK_FONT"]
            try:
                _fonts[size] = ImageFont.truetype(path, size)
            except OSError:
                log.warning("watermark font missing; Chinese names will not render", extra={"font": path})
                _fonts[size] = ImageFont.load_default(size)
        return _fonts[size]


def watermark(png, text):
    """PNG bytes of the page with `text` tiled across it diagonally, drawn into the pixels."""
    page = Image.open(io.BytesIO(png)).convert("RGBA")
    width, height = page.size
    font = _font(max(14, width // 40))
    left, top, right, bottom = font.getbbox(text)
    tile = Image.new("RGBA", (right - left + 60, (bottom - top) * 5), (0, 0, 0, 0))
    ImageDraw.Draw(tile).text((30, (bottom - top) * 2), text, font=font, fill=(120, 120, 120, 90))
    tile = tile.rotate(28, expand=True)
    step_x, step_y = tile.width, max(1, tile.height // 2)
    # Drawn on a larger sheet and cropped, so the staggered rows cover the edges too.
    layer = Image.new("RGBA", (width + 2 * step_x, height + 2 * tile.height), (0, 0, 0, 0))
    for row in range(math.ceil(height / step_y) + 1):
        for x in range((row % 2) * step_x // 2, width + step_x, step_x):
            layer.alpha_composite(tile, (x, row * step_y))
    layer = layer.crop((step_x // 2, 0, step_x // 2 + width, height))
    # A solid line at the foot too: the tiles may be cropped away, the footer names the viewer anyway.
    ImageDraw.Draw(layer).text((20, height - font.size - 16), text, font=font, fill=(200, 40, 40, 200))
    out = io.BytesIO()
    # A page of text in 16 colours as PNG: crisp letters at a tenth of a JPEG's bytes (40 lines of text at
    # 1000 px: ~50 KB, against ~360 KB as JPEG), which is what a weak phone network and the cache carry.
    composed = Image.alpha_composite(page, layer).convert("RGB")
    composed.quantize(PALETTE, method=Image.Quantize.FASTOCTREE).save(out, "PNG", compress_level=6)
    return out.getvalue()


def watermark_text(name, masked_phone, issued_at):
    when = local(issued_at).strftime("%Y-%m-%d %H:%M")
    return "  ".join(part for part in (name, masked_phone, when) if part)


# --- signed links ---


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def link(paper, page, viewer):
    """A signed page-image URL for `viewer` ({"user_id", "deputy_id", "staff"})."""
    token = _serializer().dumps({
        "p": paper.id, "v": paper.version, "n": page, "e": paper.link_epoch,
        "u": viewer["user_id"], "d": viewer.get("deputy_id") or 0, "s": 1 if viewer.get("staff") else 0,
    })
    return url_for("briefings.PageImage", token=token, _external=False)


def resolve(token):
    """(claims, issued_at) of a page link, or 410 if it has expired, 404 if it was never ours."""
    try:
        claims, issued = _serializer().loads(
            token, max_age=current_app.config["PAPER_LINK_TTL_SECONDS"], return_timestamp=True
        )
    except SignatureExpired as exc:
        raise Gone(LINK_DEAD) from exc
    except BadSignature as exc:
        raise NotFound() from exc
    return claims, issued


def cache_key(token):
    return "paperpage:" + hashlib.sha256(token.encode()).hexdigest()


def cached(token):
    """(viewer name, PNG bytes) cached for this link, or None."""
    try:
        raw = redis_store.get(cache_key(token))
    except REDIS_ERRORS:
        return None
    if raw is None:
        return None
    name, _, image = raw.partition(b"\n")
    return name.decode(), image


def keep(token, name, image):
    try:
        redis_store.set(cache_key(token), name.encode() + b"\n" + image,
                        ex=current_app.config["PAPER_LINK_TTL_SECONDS"])
    except REDIS_ERRORS as exc:
        log.warning("page cache unavailable", extra={"error": str(exc)})
