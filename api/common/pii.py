"""Personal data at rest: AES-GCM ciphertext plus a keyed hash for exact-match lookup; masking for display."""
import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from peewee import TextField

VERSION = b"v1"


def _aead():
    key = base64.b64decode(current_app.config["PII_ENCRYPTION_KEY"])
    if len(key) not in (16, 24, 32):
        raise RuntimeError("PII_ENCRYPTION_KEY must be base64 of 16, 24 or 32 bytes")
    return AESGCM(key)


def encrypt(plaintext):
    if plaintext is None:
        return None
    nonce = os.urandom(12)
    sealed = _aead().encrypt(nonce, plaintext.encode(), VERSION)
    return VERSION.decode() + ":" + base64.b64encode(nonce + sealed).decode()


def decrypt(token):
    if token is None:
        return None
    version, _, body = token.partition(":")
    raw = base64.b64decode(body)
    return _aead().decrypt(raw[:12], raw[12:], version.encode()).decode()


def blind_index(value):
    """Keyed hash of a normalised value: lets us find a phone number without storing it in clear."""
    if value is None:
        return None
    key = current_app.config["PII_HASH_KEY"].encode()
    return hmac.new(key, normalise(value).encode(), hashlib.sha256).hexdigest()


def normalise(value):
    return "".join(ch for ch in value if ch.isalnum()).upper()


class EncryptedTextField(TextField):
    """Holds ciphertext in the database; Python code sees the clear value."""

    def db_value(self, value):
        return encrypt(value)

    def python_value(self, value):
        return decrypt(value)


def mask_phone(phone):
    if not phone:
        return phone
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "*" * len(phone)



def mask_name(name):
    """张三 → 张*, 欧阳修文 → 欧***: the family name stays, enough to tell two cases apart."""
    if not name:
        return name
    return name[0] + "*" * max(1, len(name) - 1)
