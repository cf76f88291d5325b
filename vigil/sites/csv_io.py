"""CSV import and export of contacts and assets.

One row per record, columns named like the model fields (schools, buildings, levels and areas by
their slug, code, ordinal and room code). An import checks every line before writing anything
and lists every bad line at once, naming the line and the column; then it applies all rows in
one transaction, matching existing records by natural key (so importing an export changes
nothing). A column left out of the file leaves that field as it is; an empty cell empties it.
Photos are not part of the CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q

from vigil.sites.choices import AssetKind
from vigil.sites.geometry import farthest_m
from vigil.sites.importers import ImportReport, all_or_nothing, save_changes
from vigil.sites.models import Area, Asset, Building, Contact, Level, School
from vigil.sites.validation import Problem, decode_text

CONTACT_COLUMNS: tuple[str, ...] = (
    "school",
    "kind",
    "organisation",
    "name",
    "title",
    "phone",
    "phone_after_hours",
    "email",
    "availability",
    "call_for",
    "response_notes",
)
ASSET_COLUMNS: tuple[str, ...] = (
    "school",
    "building",
    "level",
    "area",
    "kind",
    "name",
    "number",
    "door_use",
    "utility",
    "operating_steps",
    "heading_deg",
    "field_of_view_deg",
    "height_m",
    "tag_id",
    "longitude",
    "latitude",
    "notes",
)
REQUIRED = {"contacts": ("kind", "organisation"), "assets": ("kind", "name")}
_NUMBERS = {"number": int, "heading_deg": float, "field_of_view_deg": float, "height_m": float}
MAX_DISTANCE_FROM_CAMPUS_M = 2_000.0
MAX_ROWS = 20_000


@dataclass
class _Row:
    line: int
    values: dict[str, Any]  # model field → value
    key: tuple[Any, ...]


def _rows(
    data: bytes, filename: str, columns: tuple[str, ...], table: str, problems: list[Problem]
) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    try:
        text = decode_text(data)
    except ValueError as exc:
        problems.append(Problem(filename, "", "", str(exc)))
        return [], []
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        header = [h.strip() for h in (reader.fieldnames or [])]
        if not header:
            problems.append(Problem(filename, "line 1", "", "the file is empty: no header row"))
            return [], []
        for name in header:
            if name not in columns:
                problems.append(
                    Problem(filename, "line 1", name, f"unknown column; use {', '.join(columns)}")
                )
        for name in REQUIRED[table]:
            if name not in header:
                problems.append(Problem(filename, "line 1", name, "this column is required"))
        if problems:
            return header, []  # rows read against a wrong header would only repeat the problem
        reader.fieldnames = header
        rows: list[tuple[int, dict[str, str]]] = []
        for record in reader:
            if len(rows) >= MAX_ROWS:
                problems.append(Problem(filename, "", "", f"more than {MAX_ROWS} rows"))
                break
            line = reader.line_num
            if None in record:
                problems.append(Problem(filename, f"line {line}", "", "more cells than columns"))
                continue
            if not any((v or "").strip() for v in record.values()):
                continue  # blank lines at the end of spreadsheets
            rows.append((line, {k: (v or "").strip() for k, v in record.items()}))
        return header, rows
    except csv.Error as exc:
        problems.append(Problem(filename, "", "", f"not a readable CSV file: {exc}"))
        return [], []


def _school_of(
    cell: str,
    *,
    blank: School | None,
    only: School | None,
    schools: dict[str, School],
    problem: Callable[[str, str], None],
) -> tuple[bool, School | None]:
    """(ok, school) of a row: ``blank`` for an empty cell; ``only`` limits the import."""
    if not cell:
        return True, blank
    found = schools.get(cell)
    if found is None:
        problem("school", f"no school with the slug {cell!r}")
        return False, None
    if only is not None and found.pk != only.pk:
        problem("school", f"this import is for {only.slug}; {cell!r} is another school")
        return False, None
    return True, found


def _check_model(obj: Any, exclude: list[str], problem: Callable[[str, str], None]) -> None:
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                problem(field, message)


# --- contacts ---
def import_contacts(
    data: bytes,
    *,
    filename: str = "contacts.csv",
    school: School | None = None,
    allow_district: bool = True,
    dry_run: bool = False,
) -> ImportReport:
    """Import contacts. With ``school``, rows may only be that school's or district-wide; an
    empty ``school`` cell is district-wide, which needs ``allow_district``."""
    report = ImportReport(f"Contacts from {filename}", dry_run=dry_run)
    header, raw = _rows(data, filename, CONTACT_COLUMNS, "contacts", report.problems)
    schools = {s.slug: s for s in School.objects.all()}
    rows: list[_Row] = []
    seen: dict[tuple[Any, ...], int] = {}
    for line, cells in raw:
        where = f"line {line}"
        before = len(report.problems)

        def problem(field: str, message: str, where: str = where) -> None:
            report.problems.append(Problem(filename, where, field, message))

        # Without a school column every row is the import's school; an empty cell in the
        # column means district-wide (as the export writes them).
        ok, row_school = _school_of(
            cells.get("school", ""),
            blank=None if "school" in header else school,
            only=school,
            schools=schools,
            problem=problem,
        )
        if not ok:
            continue
        if row_school is None and not allow_district:
            problem("school", "district-wide contacts need a district-wide permission")
            continue
        values: dict[str, Any] = {c: cells[c] for c in CONTACT_COLUMNS[1:] if c in header}
        _check_model(Contact(school=row_school, **values), ["school"], problem)
        key = (
            row_school.pk if row_school else None,
            cells.get("kind"),
            cells.get("organisation"),
            cells.get("name", ""),
        )
        if key in seen:
            problem("organisation", f"the same contact is on line {seen[key]}")
        seen.setdefault(key, line)
        if len(report.problems) == before:
            rows.append(_Row(line, {"school": row_school, **values}, key))
    if report.problems:
        return report
    with all_or_nothing(report):
        existing: dict[tuple[Any, ...], Contact] = {}
        for contact in Contact.objects.all():
            existing.setdefault(
                (contact.school_id, contact.kind, contact.organisation, contact.name), contact
            )
        for row in rows:
            contact = existing.get(row.key) or Contact()
            save_changes(report, contact, row.values, lambda c: f"contact {c}")
    return report


def export_contacts(school: School) -> str:
    """The school's contacts and the district-wide ones (empty ``school`` cell)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CONTACT_COLUMNS)
    contacts = Contact.objects.filter(Q(school=school) | Q(school__isnull=True)).select_related(
        "school"
    )
    for c in contacts.order_by("school_id", "kind", "organisation", "name", "pk"):
        writer.writerow(
            [c.school.slug if c.school else "", *(getattr(c, f) for f in CONTACT_COLUMNS[1:])]
        )
    return buffer.getvalue()


# --- assets ---
def _asset_key(
    school_id: int, kind: str, building_id: int | None, level_id: int | None, number: Any, name: str
) -> tuple[Any, ...]:
    """Doors are known by their number in the building; everything else by kind, place, name."""
    if kind == AssetKind.EXTERIOR_DOOR:
        return (school_id, kind, building_id, number)
    return (school_id, kind, building_id, level_id, name)


def import_assets(
    data: bytes,
    *,
    filename: str = "assets.csv",
    school: School | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import assets; every row names its school, or ``school`` is given for all rows."""
    report = ImportReport(f"Assets from {filename}", dry_run=dry_run)
    header, raw = _rows(data, filename, ASSET_COLUMNS, "assets", report.problems)
    schools = {s.slug: s for s in School.objects.all()}
    buildings = {(b.school_id, b.code): b for b in Building.objects.all()}
    levels = {(lv.building_id, lv.ordinal): lv for lv in Level.objects.all()}
    areas: dict[tuple[int, int | None, str], Area] = {}
    # Areas by room code, or by name when they have none (grounds rarely have codes).
    for a in Area.objects.all():
        areas.setdefault((a.school_id, a.building_id, a.code or a.name), a)
    rows: list[_Row] = []
    seen: dict[tuple[Any, ...], int] = {}
    for line, cells in raw:
        where = f"line {line}"
        before = len(report.problems)

        def problem(field: str, message: str, where: str = where) -> None:
            report.problems.append(Problem(filename, where, field, message))

        ok, row_school = _school_of(
            cells.get("school", ""), blank=school, only=school, schools=schools, problem=problem
        )
        if not ok:
            continue
        if row_school is None:
            problem("school", "give the school's slug (or import with --school)")
            continue
        values: dict[str, Any] = {
            c: cells[c]
            for c in ASSET_COLUMNS
            if c in header
            and c not in ("school", "building", "level", "area", "longitude", "latitude")
            and c not in _NUMBERS
        }
        for column, convert in _NUMBERS.items():
            if column in header:
                try:
                    values[column] = convert(cells[column]) if cells[column] else None
                except ValueError:
                    problem(column, f"{cells[column]!r} is not a number")
        building = None
        if cells.get("building"):
            building = buildings.get((row_school.pk, cells["building"]))
            if building is None:
                problem("building", f"{row_school.slug} has no building {cells['building']!r}")
        if "building" in header:
            values["building"] = building
        if cells.get("level"):
            level = None
            try:
                ordinal = int(cells["level"])
            except ValueError:
                problem("level", f"{cells['level']!r} is not a level ordinal (0 = ground floor)")
            else:
                level = levels.get((building.pk, ordinal)) if building else None
                if level is None:
                    problem("level", f"no level {ordinal} in building {cells.get('building')!r}")
            values["level"] = level
        elif "level" in header:
            values["level"] = None
        if cells.get("area"):
            area = areas.get((row_school.pk, building.pk if building else None, cells["area"]))
            if area is None:
                problem("area", f"no area with the code or name {cells['area']!r} there")
            values["area"] = area
        elif "area" in header:
            values["area"] = None
        if "longitude" in header or "latitude" in header:
            lng, lat = cells.get("longitude", ""), cells.get("latitude", "")
            if bool(lng) != bool(lat):
                problem("longitude" if not lng else "latitude", "give both longitude and latitude")
            elif lng:
                try:
                    point = {"type": "Point", "coordinates": [float(lng), float(lat)]}
                except ValueError:
                    problem("longitude", "longitude and latitude must be numbers")
                else:
                    if not (-180 <= float(lng) <= 180 and -90 <= float(lat) <= 90):
                        problem("latitude", "out of range (longitude ±180, latitude ±90)")
                    else:
                        campus = row_school.boundary or {
                            "type": "Point",
                            "coordinates": [row_school.longitude, row_school.latitude],
                        }
                        far = farthest_m(point, campus)
                        if far > MAX_DISTANCE_FROM_CAMPUS_M:
                            problem("longitude", f"lies {far / 1000:.1f} km from the campus")
                        values["location"] = point
            else:
                values["location"] = None
        if len(report.problems) > before:
            continue
        candidate = Asset(school=row_school, **values)
        _check_model(candidate, ["school", "building", "level", "area", "photo"], problem)
        key = _asset_key(
            row_school.pk,
            cells.get("kind", ""),
            building.pk if building else None,
            values["level"].pk if values.get("level") else None,
            values.get("number"),
            cells.get("name", ""),
        )
        if key in seen:
            problem("name", f"the same asset is on line {seen[key]}")
        seen.setdefault(key, line)
        if len(report.problems) == before:
            rows.append(_Row(line, {"school": row_school, **values}, key))
    if report.problems:
        return report
    with all_or_nothing(report):
        existing: dict[tuple[Any, ...], Asset] = {}
        ids = sorted({row.values["school"].pk for row in rows})
        for asset in Asset.objects.filter(school_id__in=ids).order_by("pk"):
            existing.setdefault(
                _asset_key(
                    asset.school_id,
                    asset.kind,
                    asset.building_id,
                    asset.level_id,
                    asset.number,
                    asset.name,
                ),
                asset,
            )
        for row in rows:
            asset = existing.get(row.key) or Asset()
            save_changes(report, asset, row.values, lambda a: f"{a.get_kind_display().lower()} {a}")
    return report


def export_assets(school: School) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ASSET_COLUMNS)
    assets = Asset.objects.filter(school=school).select_related("building", "level", "area")
    for a in assets.order_by("kind", "building__code", "number", "name", "pk"):
        lng, lat = a.location["coordinates"][:2] if a.location else ("", "")
        writer.writerow(
            [
                school.slug,
                a.building.code if a.building else "",
                a.level.ordinal if a.level else "",
                (a.area.code or a.area.name) if a.area else "",
                a.kind,
                a.name,
                "" if a.number is None else a.number,
                a.door_use,
                a.utility,
                a.operating_steps,
                "" if a.heading_deg is None else a.heading_deg,
                "" if a.field_of_view_deg is None else a.field_of_view_deg,
                "" if a.height_m is None else a.height_m,
                a.tag_id,
                lng,
                lat,
                a.notes,
            ]
        )
    return buffer.getvalue()
