"""The printable visitor badge (PDF) and the signed token its QR code carries for sign-out.

Two sizes: the common 2.25" × 4" label and A7, both landscape. The date of the visit is
printed large with the weekday, and "valid until" with the time, so a badge kept from an
earlier day is stale at a glance.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Literal

import segno
from django.core import signing
from fpdf import FPDF
from PIL import Image

from vigil.visitors.models import Visit

BadgeSize = Literal["label", "a7"]
# Landscape page sizes in millimetres.
SIZES: dict[str, tuple[float, float]] = {"label": (101.6, 57.15), "a7": (105.0, 74.0)}
_SALT = "vigil.visitors.badge-sign-out"
_LATIN1 = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "·": "-"})


def sign_out_token(visit: Visit) -> str:
    """A token naming the visit, signed with the server's key: it cannot be guessed or forged."""
    return signing.dumps(visit.pk, salt=_SALT, compress=False)


def visit_id_from_token(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def _text(value: str) -> str:
    return value.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def _photo_png(visit: Visit) -> io.BytesIO | None:
    if not visit.photo:
        return None
    try:
        with visit.photo.open("rb") as handle, Image.open(handle) as original:
            image = original.convert("RGB")
        image.thumbnail((600, 600))
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=85)
    except (OSError, ValueError):
        return None
    out.seek(0)
    return out


def render(
    visit: Visit,
    *,
    school_name: str,
    sign_out_url: str,
    checked_in_local: datetime,
    expires_local: datetime,
    size: BadgeSize = "label",
) -> bytes:
    width, height = SIZES[size]
    # A7 is taller than the label but hardly wider: text grows with the width, boxes with both.
    scale = min(width / SIZES["label"][0], height / SIZES["label"][1])
    pdf = FPDF(orientation="L", unit="mm", format=(height, width))
    pdf.set_title(_text(f"Visitor badge - {visit.full_name}"))
    pdf.set_creator("Vigil")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(0, 0, 0)
    pdf.add_page()
    margin = 3.0 * scale

    # The band: what the person is, readable across a hallway.
    band = 10.0 * scale
    pdf.set_fill_color(31, 111, 235)
    pdf.rect(0, 0, width, band, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("Helvetica", "B", 15 * scale)
    pdf.set_xy(margin, 0)
    pdf.cell(width / 2, band, _text(visit.get_kind_display().upper()))
    pdf.set_font("Helvetica", "", 7.5 * scale)
    pdf.set_xy(width / 2, 0)
    pdf.cell(width / 2 - margin, band, _text(school_name), align="R")
    pdf.set_text_color(0, 0, 0)

    # Photo on the left.
    top = band + margin
    photo_w, photo_h = 24.0 * scale, 30.0 * scale
    photo = _photo_png(visit)
    if photo is not None:
        pdf.image(photo, x=margin, y=top, w=photo_w, h=photo_h, keep_aspect_ratio=True)
    else:
        pdf.set_draw_color(160, 160, 160)
        pdf.rect(margin, top, photo_w, photo_h)
        pdf.set_font("Helvetica", "", 6.5 * scale)
        pdf.set_xy(margin, top + photo_h / 2 - 2)
        pdf.cell(photo_w, 4, "no photo", align="C")

    # QR for sign-out on the right.
    qr_size = 25.0 * scale
    qr = segno.make(sign_out_url, error="m")
    qr_png = io.BytesIO()
    qr.save(qr_png, kind="png", scale=6, border=1)
    qr_png.seek(0)
    qr_x = width - margin - qr_size
    pdf.image(qr_png, x=qr_x, y=top, w=qr_size, h=qr_size)
    pdf.set_font("Helvetica", "", 5.5 * scale)
    pdf.set_xy(qr_x, top + qr_size)
    pdf.cell(qr_size, 3 * scale, "Scan to sign out", align="C")

    # Name, destination, date in the middle.
    text_x = margin * 2 + photo_w
    text_w = qr_x - text_x - margin
    pdf.set_xy(text_x, top)
    name = _text(visit.full_name.title())
    name_size = 12 * scale
    pdf.set_font("Helvetica", "B", name_size)
    # Shrink a long name until it fits on two lines and no word is wider than the column.
    while name_size > 7 and (
        pdf.get_string_width(name) > 1.8 * text_w
        or max(pdf.get_string_width(word) for word in name.split()) > text_w - 2 * pdf.c_margin
    ):
        name_size -= 0.5
        pdf.set_font("Helvetica", "B", name_size)
    pdf.multi_cell(text_w, name_size * 0.45, name, align="L", new_x="LEFT")
    pdf.set_font("Helvetica", "", 8 * scale)
    pdf.multi_cell(text_w, 4 * scale, _text(f"To: {visit.destination}"), align="L", new_x="LEFT")
    pdf.set_font("Helvetica", "B", 13 * scale)
    pdf.set_text_color(190, 30, 45)
    pdf.cell(text_w, 7 * scale, _text(checked_in_local.strftime("%a %d %b").upper()))
    pdf.set_text_color(0, 0, 0)

    # The expiry line along the bottom.
    pdf.set_font("Helvetica", "B", 8 * scale)
    pdf.set_xy(margin, height - margin - 5 * scale)
    pdf.cell(
        width - 2 * margin,
        5 * scale,
        _text(
            f"VALID {checked_in_local:%d %b %Y} {checked_in_local:%H:%M}"
            f" UNTIL {expires_local:%H:%M}"
            + ("" if expires_local.date() == checked_in_local.date() else f" {expires_local:%d %b}")
            + f"  -  #{visit.pk}"
        ),
    )
    return bytes(pdf.output())
