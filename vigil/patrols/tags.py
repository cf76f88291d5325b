"""Checkpoint tags: the signed id a QR code or NFC tag carries.

A tag names a school and a patrol-graph node, signed with a key derived from the deployment's
secret, so a printed code cannot be edited into another checkpoint or copied from another
school without the signature failing. The URL is what a phone camera or NFC reader opens.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse

_SALT = "vigil.patrols.tag.v1"


class TagError(ValueError):
    """The tag was altered, forged or is not a Vigil tag."""


def sign(school_id: int, node: str) -> str:
    return signing.Signer(salt=_SALT).sign(f"{school_id}.{node}")


def read(token: str) -> tuple[int, str]:
    """The (school id, node) a tag names; ``TagError`` when it is not a genuine tag."""
    try:
        value = signing.Signer(salt=_SALT).unsign(token)
    except signing.BadSignature as exc:
        raise TagError("This code is not a Vigil checkpoint tag, or it was altered.") from exc
    school, _, node = value.partition(".")
    if not school.isdigit() or not node:
        raise TagError("This code is not a Vigil checkpoint tag.")
    return int(school), node


def url(school_id: int, node: str) -> str:
    return reverse("patrols:tag", kwargs={"token": sign(school_id, node)})
