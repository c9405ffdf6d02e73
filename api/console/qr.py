"""Binding codes as QR codes, drawn on the server with segno (no script, no other host).

The QR code holds the binding code itself, exactly as the office reads it out ("ABCD-EFGH"): what the
mini-program's binding page (pages/login) takes in its code field, and the server ignores the dash.
"""
import io

import segno

SCALE = 8  # pixels per module: about 3 cm on screen or paper, easy for a phone camera
BORDER = 4  # the quiet zone the QR standard asks for


def binding_qr(code):
    # A full QR code (not Micro QR, which phone cameras do not read), medium error correction for print.
    return segno.make_qr(code, error="m")


def png_data_uri(code):
    """For an <img> on the page (CSP allows data: images)."""
    return binding_qr(code).png_data_uri(scale=SCALE, border=BORDER)


def png_bytes(code):
    buffer = io.BytesIO()
    binding_qr(code).save(buffer, kind="png", scale=SCALE, border=BORDER)
    return buffer.getvalue()
