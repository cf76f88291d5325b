"""Encryption of secrets at rest (alarm codes, integration keys, personal contact details).

The key comes from ``VIGIL_ENCRYPTION_KEY`` (or the key file), never from the database, so a
stolen database dump alone reveals no secret. Any string works as the key: it is stretched to a
Fernet key with HKDF. Fernet (AES-128-CBC + HMAC-SHA256) detects any tampering on decrypt.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class DecryptionError(Exception):
    """The ciphertext was altered or was made with another key."""


@lru_cache(maxsize=4)
def _fernet(key_material: str) -> Fernet:
    if not key_material:
        raise ImproperlyConfigured("VIGIL_ENCRYPTION_KEY (or VIGIL_ENCRYPTION_KEY_FILE) is not set")
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"vigil-secrets-v1", info=b"fernet"
    ).derive(key_material.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(plaintext: str) -> str:
    return _fernet(settings.VIGIL_ENCRYPTION_KEY).encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    try:
        return _fernet(settings.VIGIL_ENCRYPTION_KEY).decrypt(ciphertext.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("cannot decrypt: wrong key or altered ciphertext") from exc


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text column stored encrypted; Python code sees the plaintext.

    Encrypted values cannot be searched or compared in SQL, which is the point.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
