"""Signing and checking webhook requests.

The signature is HMAC-SHA256, keyed with the source's secret, over ``timestamp + "." + body``,
sent as ``X-Vigil-Signature: sha256=<hex>`` with ``X-Vigil-Timestamp: <unix seconds>``. Signing
the timestamp with the body stops an attacker from replaying an old body with a fresh time; the
tolerance window bounds how long a captured request stays usable, and the receiver refuses the
same signature twice inside it.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Vigil-Signature"
TIMESTAMP_HEADER = "X-Vigil-Timestamp"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class SignatureError(ValueError):
    """Why a request was refused (said to the sender; it contains no secret)."""


def verify(secret: str, *, timestamp_header: str, signature_header: str, body: bytes) -> int:
    """Check the signature; return the signed timestamp. Raise SignatureError otherwise."""
    if not timestamp_header:
        raise SignatureError(f"{TIMESTAMP_HEADER} is missing")
    try:
        timestamp = int(timestamp_header)
    except ValueError as exc:
        raise SignatureError(f"{TIMESTAMP_HEADER} must be whole Unix seconds") from exc
    if not signature_header:
        raise SignatureError(f"{SIGNATURE_HEADER} is missing")
    expected = sign(secret, timestamp, body)
    if not hmac.compare_digest(expected, signature_header.strip()):
        raise SignatureError(f"{SIGNATURE_HEADER} does not match the body")
    return timestamp


def check_time(timestamp: int, *, now: float, tolerance_seconds: int) -> None:
    """Refuse a correctly signed request whose time is too far from ours (a replayed capture)."""
    if abs(now - timestamp) > tolerance_seconds:
        raise SignatureError(
            f"{TIMESTAMP_HEADER} is {int(now - timestamp)} s from our clock "
            f"(tolerance {tolerance_seconds} s)"
        )
