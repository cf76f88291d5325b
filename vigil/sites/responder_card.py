"""The responder card: one printable page per building for police and fire.

``collect()`` reads what a responder needs (through ``restrict()``, like every read);
``render()`` draws it with fpdf2: the ground floor from the footprint and area geometry, the
numbered exterior doors around it, utility shutoffs, alarm panels, pull stations, stairways and
hazards as symbols, a legend, key contacts (police, fire and utilities first), the address and
when it was generated. It must survive a black-and-white office printer and a photocopy, so
meaning is carried by shape, fill and hatching, never by colour.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from django.db.models import Q
from fpdf import FPDF
from shapely.geometry import LineString, MultiLineString, Polygon

from vigil.core.permissions import Action
from vigil.sites.choices import AreaType, AssetKind, ContactKind, SurroundingKind, Utility
from vigil.sites.geojson import UTILITY_SYMBOL
from vigil.sites.geometry import METRES_PER_DEGREE
from vigil.sites.models import Area, Asset, Building, Contact, Surrounding

# Who a responder calls first.
CONTACT_ORDER: tuple[str, ...] = (
    ContactKind.LAW_ENFORCEMENT,
    ContactKind.FIRE,
    ContactKind.EMS,
    ContactKind.UTILITY,
    ContactKind.SECURITY_OFFICER,
    ContactKind.FACILITIES,
    ContactKind.ADMINISTRATION,
    ContactKind.CONTRACT_SERVICE,
    ContactKind.OTHER_DISTRICT,
    ContactKind.OTHER,
)
HAZARD_SURROUNDINGS = (SurroundingKind.NATURAL_HAZARD, SurroundingKind.MANMADE_HAZARD)
DRAWN_KINDS = (
    AssetKind.EXTERIOR_DOOR,
    AssetKind.UTILITY_SHUTOFF,
    AssetKind.ALARM_PANEL,
    AssetKind.PULL_STATION,
    AssetKind.HAZMAT,
    AssetKind.KNOX_BOX,
    AssetKind.AED,
)


@dataclass(frozen=True)
class CardArea:
    name: str
    code: str
    area_type: str
    ring: tuple[tuple[float, float], ...]  # local metres, x east, y north


@dataclass(frozen=True)
class CardAsset:
    kind: str
    name: str
    number: int | None
    utility: str
    where: str
    steps: str
    notes: str
    point: tuple[float, float] | None  # local metres; None when not on the drawn floor


@dataclass(frozen=True)
class CardContact:
    kind: str
    organisation: str
    name: str
    phone: str
    phone_after_hours: str
    call_for: str


@dataclass(frozen=True)
class ResponderCard:
    district: str
    fictional: bool
    security_phone: str
    school: str
    school_phone: str
    address: str
    building: str
    code: str
    notes: str
    floor: str
    footprint: tuple[tuple[float, float], ...]
    areas: tuple[CardArea, ...]
    assets: tuple[CardAsset, ...]
    stairways: tuple[str, ...]
    nearby_hazards: tuple[str, ...]
    contacts: tuple[CardContact, ...]
    generated_at: datetime
    time_zone: str

    def of_kind(self, kind: str) -> list[CardAsset]:
        return [a for a in self.assets if a.kind == kind]


class _Projection:
    """WGS84 → local metres around an origin (equirectangular: exact enough for a campus)."""

    def __init__(self, lng: float, lat: float) -> None:
        self.lng, self.lat = lng, lat
        self.kx = METRES_PER_DEGREE * math.cos(math.radians(lat))

    def __call__(self, coordinate: Sequence[float]) -> tuple[float, float]:
        return (
            (coordinate[0] - self.lng) * self.kx,
            (coordinate[1] - self.lat) * METRES_PER_DEGREE,
        )


def _outer_ring(geometry: Any) -> list[Sequence[float]]:
    if isinstance(geometry, dict) and geometry.get("type") == "Polygon":
        coordinates = geometry.get("coordinates") or [[]]
        return list(coordinates[0])
    return []


def _point(geometry: Any) -> Sequence[float] | None:
    if isinstance(geometry, dict) and geometry.get("type") == "Point":
        return list(geometry["coordinates"])
    return None


def collect(user: Any, building: Building, *, now: datetime) -> ResponderCard:
    """Everything on the card, read through restrict(); five queries."""
    school = building.school
    district = school.district
    ring = _outer_ring(building.footprint)
    if ring:
        project = _Projection(
            sum(c[0] for c in ring) / len(ring), sum(c[1] for c in ring) / len(ring)
        )
    else:
        project = _Projection(school.longitude, school.latitude)
    areas = list(
        Area.objects.restrict(user, Action.SITES_VIEW)
        .filter(building=building)
        .select_related("level")
        .order_by("level__ordinal", "code", "name")
    )
    ground = [a for a in areas if a.level is None or a.level.ordinal == 0]
    assets = list(
        Asset.objects.restrict(user, Action.SITES_VIEW)
        .filter(building=building, kind__in=DRAWN_KINDS)
        .select_related("level", "area")
        .order_by("kind", "number", "name")
    )
    contacts = list(
        Contact.objects.restrict(user, Action.SITES_VIEW).filter(
            Q(school=school) | Q(school__isnull=True)
        )
    )
    contacts.sort(key=lambda c: (CONTACT_ORDER.index(c.kind), c.school_id is None, c.organisation))
    hazards = (
        Surrounding.objects.restrict(user, Action.SITES_VIEW)
        .filter(school=school, kind__in=HAZARD_SURROUNDINGS)
        .order_by("name")
        .values_list("name", "notes")
    )
    return ResponderCard(
        district=district.name,
        fictional=district.fictional,
        security_phone=district.security_phone,
        school=school.name,
        school_phone=school.phone,
        address=school.address,
        building=building.name,
        code=building.code,
        notes=building.notes,
        floor=next((a.level.name for a in ground if a.level is not None), "Ground floor"),
        footprint=tuple(project(c) for c in ring),
        areas=tuple(
            CardArea(
                a.name, a.code, a.area_type, tuple(project(c) for c in _outer_ring(a.geometry))
            )
            for a in ground
        ),
        assets=tuple(_card_asset(a, project) for a in assets),
        stairways=tuple(
            dict.fromkeys(
                a.name + (f" ({a.level.name})" if a.level else "")
                for a in areas
                if a.area_type == AreaType.STAIRWAY
            )
        ),
        nearby_hazards=tuple(f"{name}: {notes}" if notes else name for name, notes in hazards),
        contacts=tuple(
            CardContact(c.kind, c.organisation, c.name, c.phone, c.phone_after_hours, c.call_for)
            for c in contacts
        ),
        generated_at=now,
        time_zone=district.time_zone,
    )


def _card_asset(asset: Asset, project: _Projection) -> CardAsset:
    on_ground = asset.level is None or asset.level.ordinal == 0
    point = _point(asset.location)
    where = ", ".join(
        part
        for part in (
            asset.area.name if asset.area else "",
            asset.level.name if asset.level and not on_ground else "",
        )
        if part
    )
    return CardAsset(
        kind=asset.kind,
        name=asset.name,
        number=asset.number,
        utility=asset.utility,
        where=where,
        steps=asset.operating_steps,
        notes=asset.notes,
        point=project(point) if point is not None and on_ground else None,
    )


# --- Drawing ---------------------------------------------------------------------------

PAGE_W, PAGE_H = 215.9, 279.4  # US Letter, mm
CONTACTS_SHOWN = 7
MARGIN = 10.0
_LATIN1 = str.maketrans(
    {
        "–": "-",
        "—": "-",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "…": "...",
        "•": "-",
        "×": "x",
        "→": "->",
    }
)


def _text(value: str) -> str:
    """The core PDF fonts speak Latin-1; fold typographic punctuation, replace the rest."""
    return value.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")


def _clip(pdf: FPDF, value: str, width: float) -> str:
    value = _text(value)
    if pdf.get_string_width(value) <= width:
        return value
    while value and pdf.get_string_width(value + "...") > width:
        value = value[:-1]
    return value.rstrip() + "..."


class _Frame:
    """Maps local metres into a box on the page, north up, aspect kept."""

    def __init__(
        self, points: Iterable[tuple[float, float]], box: tuple[float, float, float, float]
    ):
        xs, ys = zip(*points, strict=True) if points else ((0.0, 1.0), (0.0, 1.0))
        self.x0, self.x1, self.y0, self.y1 = min(xs), max(xs), min(ys), max(ys)
        bx, by, bw, bh = box
        span_x = max(self.x1 - self.x0, 1.0)
        span_y = max(self.y1 - self.y0, 1.0)
        self.scale = min(bw / span_x, bh / span_y)  # mm per metre
        self.ox = bx + (bw - span_x * self.scale) / 2
        self.oy = by + (bh - span_y * self.scale) / 2 + span_y * self.scale

    def __call__(self, p: tuple[float, float]) -> tuple[float, float]:
        return (self.ox + (p[0] - self.x0) * self.scale, self.oy - (p[1] - self.y0) * self.scale)


def _hatch(
    pdf: FPDF, ring: Sequence[tuple[float, float]], spacing: float, angle: float = 45
) -> None:
    """Parallel lines clipped to a page-space polygon: stairways read as stairs in grey-scale."""
    if len(ring) < 3:
        return
    polygon = Polygon(ring)
    if not polygon.is_valid or polygon.area <= 0:
        return
    minx, miny, maxx, maxy = polygon.bounds
    diagonal = math.hypot(maxx - minx, maxy - miny)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    dx, dy = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    nx, ny = -dy, dx
    steps = int(diagonal / spacing) + 1
    for i in range(-steps, steps + 1):
        ox, oy = cx + nx * i * spacing, cy + ny * i * spacing
        line = LineString(
            [(ox - dx * diagonal, oy - dy * diagonal), (ox + dx * diagonal, oy + dy * diagonal)]
        )
        cut = polygon.intersection(line)
        parts = cut.geoms if isinstance(cut, MultiLineString) else [cut]
        for part in parts:
            if isinstance(part, LineString) and not part.is_empty:
                (x1, y1), (x2, y2) = part.coords[0], part.coords[-1]
                pdf.line(x1, y1, x2, y2)


# Symbols: (x, y) is the centre on the page, s the size in mm.
def _door(pdf: FPDF, x: float, y: float, number: int | None, s: float = 5.0) -> None:
    pdf.set_fill_color(255)
    pdf.set_line_width(0.5)
    pdf.circle(x, y, s / 2, style="DF")
    _label(pdf, x, y, str(number) if number is not None else "D", s * 1.6, bold=True)


def _shutoff(pdf: FPDF, x: float, y: float, utility: str, s: float = 4.6) -> None:
    pdf.set_fill_color(0)
    pdf.rect(x - s / 2, y - s / 2, s, s, style="F")
    _label(pdf, x, y, UTILITY_SYMBOL.get(utility, "U"), s * 1.7, bold=True, white=True)


def _panel(pdf: FPDF, x: float, y: float, s: float = 4.6) -> None:
    pdf.set_fill_color(255)
    pdf.set_line_width(0.35)
    pdf.rect(x - s / 2, y - s / 2, s, s, style="DF")
    pdf.rect(x - s / 2 + 0.7, y - s / 2 + 0.7, s - 1.4, s - 1.4, style="D")
    _label(pdf, x, y, "A", s * 1.5, bold=True)


def _pull(pdf: FPDF, x: float, y: float, s: float = 4.4) -> None:
    pdf.set_fill_color(255)
    pdf.set_line_width(0.35)
    pdf.polygon([(x, y - s / 2), (x + s / 2, y + s / 2), (x - s / 2, y + s / 2)], style="DF")
    _label(pdf, x, y + s * 0.12, "P", s * 1.35, bold=True)


def _hazard(pdf: FPDF, x: float, y: float, s: float = 5.0) -> None:
    pdf.set_fill_color(0)
    pdf.polygon([(x, y - s / 2), (x + s / 2, y), (x, y + s / 2), (x - s / 2, y)], style="F")
    _label(pdf, x, y, "!", s * 1.6, bold=True, white=True)


def _knox(pdf: FPDF, x: float, y: float, s: float = 4.4) -> None:
    pdf.set_fill_color(255)
    pdf.set_line_width(0.35)
    pdf.set_dash_pattern(dash=0.6, gap=0.4)
    pdf.rect(x - s / 2, y - s / 2, s, s, style="DF")
    pdf.set_dash_pattern()
    _label(pdf, x, y, "K", s * 1.6, bold=True)


def _aed(pdf: FPDF, x: float, y: float, s: float = 4.6) -> None:
    pdf.set_fill_color(0)
    t = s / 6
    pdf.rect(x - t, y - s / 2, 2 * t, s, style="F")
    pdf.rect(x - s / 2, y - t, s, 2 * t, style="F")


def _label(
    pdf: FPDF,
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    bold: bool = False,
    white: bool = False,
) -> None:
    pdf.set_font("Helvetica", "B" if bold else "", size)
    pdf.set_text_color(255 if white else 0)
    width = pdf.get_string_width(text)
    pdf.text(x - width / 2, y + size * 0.3528 * 0.35, text)  # 1 pt = 0.3528 mm
    pdf.set_text_color(0)


def _symbol(pdf: FPDF, asset: CardAsset, x: float, y: float) -> None:
    match asset.kind:
        case AssetKind.EXTERIOR_DOOR:
            _door(pdf, x, y, asset.number)
        case AssetKind.UTILITY_SHUTOFF:
            _shutoff(pdf, x, y, asset.utility)
        case AssetKind.ALARM_PANEL:
            _panel(pdf, x, y)
        case AssetKind.PULL_STATION:
            _pull(pdf, x, y)
        case AssetKind.HAZMAT:
            _hazard(pdf, x, y)
        case AssetKind.KNOX_BOX:
            _knox(pdf, x, y)
        case AssetKind.AED:
            _aed(pdf, x, y)


class _Writer:
    """Writes lines into a column and stops at its bottom, saying how many did not fit."""

    def __init__(self, pdf: FPDF, x: float, y: float, w: float, bottom: float) -> None:
        self.pdf, self.x, self.y, self.w, self.bottom = pdf, x, y, w, bottom

    def heading(self, text: str) -> None:
        if self.y + 9 > self.bottom:
            return
        self.y += 1.5
        self.pdf.set_font("Helvetica", "B", 9.5)
        self.pdf.set_xy(self.x, self.y)
        self.pdf.cell(self.w, 5, _text(text.upper()), border="B")
        self.y += 6

    def rows(self, rows: Sequence[str], *, size: float = 8.0, bold_prefix: int = 0) -> None:
        line_h = size * 0.3528 * 1.3
        for n, row in enumerate(rows):
            if self.y + 2 * line_h > self.bottom and n < len(rows) - 1:
                self.line(f"... and {len(rows) - n} more (see Vigil)", size, italic=True)
                return
            self.line(row, size)

    def line(
        self,
        text: str,
        size: float = 8.0,
        *,
        italic: bool = False,
        bold: bool = False,
        max_lines: int = 3,
    ) -> None:
        line_h = size * 0.3528 * 1.3
        if self.y + line_h > self.bottom:
            return
        self.pdf.set_font("Helvetica", ("B" if bold else "") + ("I" if italic else ""), size)
        self.pdf.set_xy(self.x, self.y)
        lines = cast(
            list[str],
            self.pdf.multi_cell(
                self.w, line_h, _text(text), align="L", dry_run=True, output="LINES"
            ),
        )
        if len(lines) > max_lines:  # a long entry is cut, and says so
            last = _clip(self.pdf, lines[max_lines - 1].rstrip() + " ...", self.w)
            lines = [*lines[: max_lines - 1], last]
        for piece in lines:
            if self.y + line_h > self.bottom:
                return
            self.pdf.set_xy(self.x, self.y)
            self.pdf.cell(self.w, line_h, piece)
            self.y += line_h
        self.y += 0.6


def render(card: ResponderCard) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format="Letter")
    pdf.set_auto_page_break(False)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_title(_text(f"Responder card - {card.school} - {card.building}"))
    pdf.set_author("Vigil")
    pdf.set_creator("Vigil")
    pdf.set_creation_date(card.generated_at)
    pdf.add_page()
    _header(pdf, card)
    drawing_bottom = _drawing(pdf, card, (MARGIN, 36.0, 128.0, _drawing_height(card)))
    right = _Writer(pdf, 143.0, 34.0, PAGE_W - MARGIN - 143.0, 150.0)
    _legend(right)
    _doors(right, card)
    # The lists start under whichever is longer: a wide, shallow building leaves room.
    top = max(drawing_bottom, right.y) + 2
    left = _Writer(pdf, MARGIN, top, 96.0, 262.0)
    _shutoffs(left, card)
    _panels(left, card)
    _hazards(left, card)
    _fire_keys_aed(left, card)
    column = _Writer(pdf, 110.0, top, PAGE_W - MARGIN - 110.0, 262.0)
    _contacts(column, card)
    _stairs_and_notes(column, card)
    _footer(pdf, card)
    return bytes(pdf.output())


def _header(pdf: FPDF, card: ResponderCard) -> None:
    pdf.set_fill_color(0)
    pdf.rect(MARGIN, MARGIN, PAGE_W - 2 * MARGIN, 14, style="F")
    pdf.set_text_color(255)
    pdf.set_font("Helvetica", "B", 15)
    pdf.set_xy(MARGIN + 3, MARGIN + 1.5)
    pdf.cell(0, 7, _clip(pdf, f"RESPONDER CARD  {card.building} ({card.code})", 150))
    pdf.set_font("Helvetica", "", 9)
    pdf.set_xy(MARGIN + 3, MARGIN + 8)
    pdf.cell(0, 5, _clip(pdf, f"{card.school} - {card.address}", 185))
    if card.security_phone:
        pdf.set_font("Helvetica", "B", 10)
        label = _text(f"Security dispatch {card.security_phone}")
        pdf.set_xy(PAGE_W - MARGIN - 3 - pdf.get_string_width(label), MARGIN + 2)
        pdf.cell(pdf.get_string_width(label), 6, label)
    pdf.set_text_color(0)
    pdf.set_font("Helvetica", "", 8.5)
    pdf.set_xy(MARGIN, MARGIN + 15.5)
    office = f"Main office {card.school_phone}. " if card.school_phone else ""
    pdf.cell(
        0,
        5,
        _clip(
            pdf,
            f"{office}Drawing: {card.floor}, north up. Doors are numbered clockwise "
            "from the main entrance (door 1).",
            PAGE_W - 2 * MARGIN,
        ),
    )


def _extent(card: ResponderCard) -> list[tuple[float, float]]:
    located = [a.point for a in card.assets if a.point is not None]
    return list(card.footprint) + located or [p for area in card.areas for p in area.ring]


def _drawing_height(card: ResponderCard) -> float:
    """As tall as the building's shape needs at full width, between 70 and 112 mm."""
    extent = _extent(card)
    if not extent:
        return 70.0
    xs, ys = zip(*extent, strict=True)
    span_x, span_y = max(max(xs) - min(xs), 1.0), max(max(ys) - min(ys), 1.0)
    return float(min(112.0, max(70.0, 108.0 * span_y / span_x + 16)))


def _drawing(pdf: FPDF, card: ResponderCard, box: tuple[float, float, float, float]) -> float:
    """Draw the ground floor in the box; return the bottom of the drawing on the page."""
    bx, by, bw, bh = box
    pdf.set_line_width(0.2)
    pdf.rect(bx, by - 4, bw, bh + 8, style="D")
    extent = _extent(card)
    if not extent:
        _label(pdf, bx + bw / 2, by + bh / 2, "No footprint recorded for this building.", 10)
        return by + bh + 4
    # The right-hand strip holds the north arrow, clear of the plan.
    frame = _Frame(extent, (bx + 6, by + 4, bw - 20, bh - 8))
    for area in card.areas:
        ring = [frame(p) for p in area.ring]
        if len(ring) < 3:
            continue
        pdf.set_line_width(0.15)
        pdf.set_draw_color(110)
        pdf.polygon(ring, style="D")
        if area.area_type == AreaType.STAIRWAY:
            pdf.set_line_width(0.12)
            _hatch(pdf, ring, 1.0, 45)
            _hatch(pdf, ring, 1.0, 135)
        pdf.set_draw_color(0)
        if area.code and len(ring) >= 3:
            xs, ys = zip(*ring, strict=True)
            width = max(xs) - min(xs)
            if width > 7:
                pdf.set_font("Helvetica", "", 5.5)
                pdf.set_text_color(60)
                code = _clip(pdf, area.code, width - 1)
                pdf.text(min(xs) + 0.6, min(ys) + 2.3, code)
                pdf.set_text_color(0)
    if card.footprint:
        pdf.set_line_width(0.8)
        pdf.polygon([frame(p) for p in card.footprint], style="D")
    pdf.set_line_width(0.2)
    order: dict[str, int] = {
        AssetKind.EXTERIOR_DOOR: 9
    }  # doors on top: they are what responders look for
    for asset in sorted(card.assets, key=lambda a: order.get(a.kind, 0)):
        if asset.point is not None:
            _symbol(pdf, asset, *frame(asset.point))
    _north_arrow(pdf, bx + bw - 6, by + 1)
    _scale_bar(pdf, frame, bx + 4, by + bh + 1.5)
    return by + bh + 4


def _north_arrow(pdf: FPDF, x: float, y: float) -> None:
    pdf.set_fill_color(0)
    pdf.polygon([(x, y - 1), (x + 2.2, y + 5), (x, y + 3.8), (x - 2.2, y + 5)], style="F")
    _label(pdf, x, y + 7.8, "N", 8, bold=True)


def _scale_bar(pdf: FPDF, frame: _Frame, x: float, y: float) -> None:
    metres = next((m for m in (5, 10, 20, 25, 50, 100, 200) if m * frame.scale >= 15), 500)
    length = metres * frame.scale
    pdf.set_line_width(0.4)
    pdf.line(x, y, x + length, y)
    pdf.line(x, y - 1, x, y + 1)
    pdf.line(x + length, y - 1, x + length, y + 1)
    pdf.set_font("Helvetica", "", 7)
    pdf.text(x + length + 1.5, y + 1, f"{metres} m")


def _legend(w: _Writer) -> None:
    w.heading("Legend")
    pdf = w.pdf
    entries: list[tuple[str, Any]] = [
        ("Exterior door (number)", lambda x, y: _door(pdf, x, y, 1, 4.4)),
        (
            "Utility shutoff: G gas, W water, E electric, H HVAC, S sprinkler",
            lambda x, y: _shutoff(pdf, x, y, Utility.GAS, 4.0),
        ),
        ("Alarm panel", lambda x, y: _panel(pdf, x, y, 4.0)),
        ("Fire-alarm pull station", lambda x, y: _pull(pdf, x, y, 4.0)),
        ("Hazardous materials", lambda x, y: _hazard(pdf, x, y, 4.4)),
        ("Key box (Knox box)", lambda x, y: _knox(pdf, x, y, 4.0)),
        ("AED", lambda x, y: _aed(pdf, x, y, 4.0)),
    ]
    for text, draw in entries:
        draw(w.x + 2.5, w.y + 2.2)
        save_x, save_w = w.x, w.w
        w.x, w.w = w.x + 7, w.w - 7
        w.line(text, 7.5)
        w.x, w.w = save_x, save_w
        w.y = max(w.y, w.y + 0.4)
    y = w.y
    pdf.set_line_width(0.12)
    _hatch(pdf, [(w.x, y), (w.x + 5, y), (w.x + 5, y + 4), (w.x, y + 4)], 1.0, 45)
    _hatch(pdf, [(w.x, y), (w.x + 5, y), (w.x + 5, y + 4), (w.x, y + 4)], 1.0, 135)
    pdf.set_line_width(0.2)
    pdf.rect(w.x, y, 5, 4)
    w.x, w.w = w.x + 7, w.w - 7
    w.line("Stairway (cross-hatched)", 7.5)
    w.x, w.w = w.x - 7, w.w + 7
    pdf.set_line_width(0.8)
    pdf.line(w.x, w.y + 1.2, w.x + 5, w.y + 1.2)
    pdf.set_line_width(0.2)
    w.x, w.w = w.x + 7, w.w - 7
    w.line("Building outline", 7.5)
    w.x, w.w = w.x - 7, w.w + 7


def _doors(w: _Writer, card: ResponderCard) -> None:
    doors = card.of_kind(AssetKind.EXTERIOR_DOOR)
    w.heading(f"Exterior doors ({len(doors)})")
    if not doors:
        w.line("No exterior doors recorded.", 8, italic=True)
    w.rows([f"{d.number if d.number is not None else '-'}  {d.name}" for d in doors], size=8)


def _shutoffs(w: _Writer, card: ResponderCard) -> None:
    shutoffs = card.of_kind(AssetKind.UTILITY_SHUTOFF)
    w.heading("Utility shutoffs")
    if not shutoffs:
        w.line("No utility shutoffs recorded.", 8, italic=True)
    for s in shutoffs:
        label = (
            f"{UTILITY_SYMBOL.get(s.utility, 'U')}  {Utility(s.utility).label if s.utility else ''}"
        )
        w.line(f"{label.strip()}: {s.name}" + (f" ({s.where})" if s.where else ""), 8, bold=True)
        if s.steps:
            w.line(" ".join(s.steps.split()), 7.5)


def _panels(w: _Writer, card: ResponderCard) -> None:
    panels = card.of_kind(AssetKind.ALARM_PANEL)
    w.heading("Alarm panels")
    if not panels:
        w.line("No alarm panels recorded.", 8, italic=True)
    w.rows([_entry(p.name, p.where, p.notes) for p in panels])


def _hazards(w: _Writer, card: ResponderCard) -> None:
    rows = [_entry(h.name, h.where, h.notes) for h in card.of_kind(AssetKind.HAZMAT)]
    rows += [f"Nearby: {h}" for h in card.nearby_hazards]
    w.heading("Hazards")
    if not rows:
        w.line("No hazards recorded.", 8, italic=True)
    w.rows(rows)


def _fire_keys_aed(w: _Writer, card: ResponderCard) -> None:
    pulls = card.of_kind(AssetKind.PULL_STATION)
    drawn = sum(1 for p in pulls if p.point is not None)
    w.heading("Fire alarm, keys, AED")
    w.line(f"Pull stations: {len(pulls)} in the building, {drawn} on the drawing (triangles)", 8)
    w.rows([_entry(f"Key box: {k.name}", k.where, "") for k in card.of_kind(AssetKind.KNOX_BOX)])
    w.rows([_entry(f"AED: {a.name}", a.where, "") for a in card.of_kind(AssetKind.AED)])


def _entry(name: str, where: str, notes: str) -> str:
    return name + (f" ({where})" if where else "") + (f" - {notes}" if notes else "")


def _contacts(w: _Writer, card: ResponderCard) -> None:
    w.heading("Key contacts")
    if not card.contacts:
        w.line("No contacts recorded.", 8, italic=True)
    labels = dict(ContactKind.choices)
    for c in card.contacts[:CONTACTS_SHOWN]:
        who = c.organisation + (f" - {c.name}" if c.name else "")
        phones = c.phone + (f" / after hours {c.phone_after_hours}" if c.phone_after_hours else "")
        w.line(f"{labels.get(c.kind, c.kind)}: {who}", 8, bold=True)
        if phones:
            w.line(phones, 8)
    if len(card.contacts) > CONTACTS_SHOWN:
        more = len(card.contacts) - CONTACTS_SHOWN
        w.line(f"... and {more} more contacts in Vigil", 7.5, italic=True)


def _stairs_and_notes(w: _Writer, card: ResponderCard) -> None:
    if card.stairways:
        w.heading("Stairways")
        w.line("; ".join(card.stairways), 8)
    if card.notes:
        w.heading("Building notes")
        w.line(card.notes, 8)


def _footer(pdf: FPDF, card: ResponderCard) -> None:
    local = card.generated_at.astimezone(ZoneInfo(card.time_zone))
    pdf.set_line_width(0.2)
    pdf.line(MARGIN, 265, PAGE_W - MARGIN, 265)
    pdf.set_font("Helvetica", "", 7.5)
    pdf.set_xy(MARGIN, 266)
    fictional = " (fictional demo district)" if card.fictional else ""
    pdf.cell(
        0,
        4,
        _clip(
            pdf,
            f"Generated by Vigil on {local:%Y-%m-%d %H:%M %Z} - {card.district}{fictional}",
            PAGE_W - 2 * MARGIN,
        ),
    )
    pdf.set_xy(MARGIN, 270)
    pdf.set_font("Helvetica", "B", 7.5)
    pdf.cell(
        0, 4, "Contains site security information: keep it with responders, not in public view."
    )
