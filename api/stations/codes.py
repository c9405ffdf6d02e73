"""A station's codes: a plain QR code (PNG and SVG, made here with segno) and WeChat's mini-program code.

The plain code encodes a link (STATION_QR_BASE_URL + the station page + "?id=<id>") that the
mini-program's "scan a plain link QR code" rule opens on that station's page; it needs no call to
WeChat and is public, like the station's address. The mini-program code (wxacode.getUnlimited) needs
WeChat, so it is for staff, who print it; when WeChat cannot make one, they get 503 and the plain code.
"""
import hashlib
import io
import logging

import segno
from flask import current_app

from api.common.errors import Unavailable
from api.stations.services import public_station, station_for_staff
from api.wechat import get_client
from api.wechat.errors import Disposition, WeChatError, WeChatUnavailable

log = logging.getLogger("deputyhub.stations")

# Error correction M (15 %): survives a smudged or partly covered print without a dense symbol.
ERROR_CORRECTION = "m"
WXACODE_RETRY_AFTER_SECONDS = 30


def station_link(station_id):
    config = current_app.config
    return f"{config['STATION_QR_BASE_URL']}{config['MINIPROGRAM_STATION_PAGE']}?id={int(station_id)}"


def qr_code(station_id, kind, scale, border):
    """(bytes, ETag) of the station's QR code as "png" or "svg"."""
    public_station(station_id)
    code = segno.make(station_link(station_id), error=ERROR_CORRECTION, micro=False)
    out = io.BytesIO()
    if kind == "svg":
        # A title for screen readers; no XML declaration, so it can be inlined in HTML as well.
        code.save(out, kind="svg", scale=scale, border=border, xmldecl=False, title="联络站二维码", nl=False)
    else:
        code.save(out, kind="png", scale=scale, border=border)
    image = out.getvalue()
    return image, hashlib.sha256(image).hexdigest()[:32]


def wxacode(principal, station_id, width, env_version):
    """The WeChat mini-program code opening the station page: {"image", "content_type"}."""
    station = station_for_staff(principal, station_id)
    config = current_app.config
    env_version = env_version or config["WECHAT_WXACODE_ENV_VERSION"]
    try:
        return get_client().get_unlimited_wxacode(
            # The page reads the id from `scene` (decodeURIComponent(options.scene)): "id=<id>", 32 characters at most.
            scene=f"id={station.id}",
            page=config["MINIPROGRAM_STATION_PAGE"],
            check_path=env_version == "release",  # trial and develop builds may have pages not released yet
            env_version=env_version,
            width=width,
        )
    except WeChatError as exc:
        raise _unavailable(station.id, exc) from None


def _unavailable(station_id, exc):
    """503 in the error shape, saying why and pointing at the plain QR code, which needs no WeChat."""
    fallback = f"可改用普通二维码：/api/v1/stations/{station_id}/qrcode.png"
    log.warning("wxacode not made", extra={"errcode": exc.errcode, "errmsg": exc.errmsg, "station_id": station_id})
    if isinstance(exc, WeChatUnavailable) or exc.disposition in (Disposition.RETRY, Disposition.RATE_LIMITED):
        message = f"微信小程序码服务暂时不可用，请稍后再试；{fallback}"
        return Unavailable(message, retry_after=WXACODE_RETRY_AFTER_SECONDS)
    if exc.errcode == 41030:
        return Unavailable(f"小程序尚未发布联络站页面，微信无法生成小程序码；{fallback}")
    return Unavailable(f"微信拒绝生成小程序码（错误码 {exc.errcode}）；{fallback}")
