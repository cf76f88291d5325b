"""GeoJSON import and export of a school's surroundings (streets, creeks, hangouts, hazards).

The file is one FeatureCollection; each feature is a Point, LineString or Polygon with the
properties ``kind`` (a ``SurroundingKind`` value), ``name`` and optionally ``contact_name``,
``contact_phone`` and ``notes``. Every feature is checked before anything is written; a
surrounding with the same kind and name is updated rather than duplicated.
"""

from __future__ import annotations

import json
from typing import Any

from vigil.sites.choices import SurroundingKind
from vigil.sites.geometry import farthest_m
from vigil.sites.geometry import problems as geometry_problems
from vigil.sites.importers import ImportReport, all_or_nothing, save_changes
from vigil.sites.models import School, Surrounding
from vigil.sites.validation import Problem, decode_text

GEOMETRY_TYPES = ("Point", "LineString", "Polygon")
PROPERTIES = ("kind", "name", "contact_name", "contact_phone", "notes")
# Surroundings are what an officer can walk or drive to from the campus.
MAX_DISTANCE_FROM_CAMPUS_M = 5_000.0
MAX_FEATURES = 5_000
_LENGTHS = {"name": 200, "contact_name": 200, "contact_phone": 40}


def _campus(school: School) -> dict[str, Any]:
    return school.boundary or {"type": "Point", "coordinates": [school.longitude, school.latitude]}


def import_surroundings(
    data: bytes, *, school: School, filename: str = "surroundings.geojson", dry_run: bool = False
) -> ImportReport:
    report = ImportReport(f"Surroundings from {filename}", dry_run=dry_run)
    rows = _read(data, filename, school, report.problems)
    if report.problems:
        return report
    with all_or_nothing(report):
        existing = {(s.kind, s.name): s for s in Surrounding.objects.filter(school=school)}
        for values in rows:
            record = existing.get((values["kind"], values["name"])) or Surrounding(school=school)
            save_changes(
                report,
                record,
                values,
                lambda s: f"{s.get_kind_display().lower()} {s.name}",
            )
    return report


def _read(
    data: bytes, filename: str, school: School, problems: list[Problem]
) -> list[dict[str, Any]]:
    try:
        parsed = json.loads(decode_text(data))
    except ValueError as exc:  # JSONDecodeError is a ValueError
        problems.append(Problem(filename, "", "", f"not GeoJSON: {exc}"))
        return []
    if not isinstance(parsed, dict) or parsed.get("type") != "FeatureCollection":
        problems.append(Problem(filename, "", "type", "must be a GeoJSON FeatureCollection"))
        return []
    features = parsed.get("features")
    if not isinstance(features, list):
        problems.append(Problem(filename, "", "features", "must be a list of features"))
        return []
    if len(features) > MAX_FEATURES:
        problems.append(Problem(filename, "", "features", f"more than {MAX_FEATURES} features"))
        return []
    kinds = set(SurroundingKind.values)
    campus = _campus(school)
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], str] = {}
    for index, feature in enumerate(features):
        fid = f"feature #{index + 1}"
        if isinstance(feature, dict) and isinstance(feature.get("id"), str | int):
            fid = f"feature {feature['id']}"

        def problem(field: str, message: str, fid: str = fid) -> None:
            problems.append(Problem(filename, fid, field, message))

        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problem("type", "must be a GeoJSON Feature")
            continue
        props = feature.get("properties")
        if not isinstance(props, dict):
            problem("properties", "must be an object")
            continue
        before = len(problems)
        for name in props:
            if name not in PROPERTIES and name != "id":
                problem(name, f"unknown property; use {', '.join(PROPERTIES)}")
        values: dict[str, Any] = {}
        for name in PROPERTIES:
            value = props.get(name, "")
            if value is None:
                value = ""
            if not isinstance(value, str):
                problem(name, "must be text")
                continue
            if name in _LENGTHS and len(value) > _LENGTHS[name]:
                problem(name, f"at most {_LENGTHS[name]} characters")
            values[name] = value.strip()
        if values.get("kind") not in kinds:
            problem("kind", f"{values.get('kind')!r} is not one of {', '.join(sorted(kinds))}")
        if not values.get("name"):
            problem("name", "is required")
        geometry = feature.get("geometry")
        messages = geometry_problems(geometry, GEOMETRY_TYPES)
        for message in messages:
            problem("geometry", message)
        if not messages and isinstance(geometry, dict):
            far = farthest_m(geometry, campus)
            if far > MAX_DISTANCE_FROM_CAMPUS_M:
                problem(
                    "geometry",
                    f"lies {far / 1000:.1f} km from the campus (at most "
                    f"{MAX_DISTANCE_FROM_CAMPUS_M / 1000:.0f} km)",
                )
        key = (values.get("kind", ""), values.get("name", ""))
        if len(problems) == before and key in seen:
            problem("name", f"the same {key[0]} is also {seen[key]}")
        seen.setdefault(key, fid)
        if len(problems) == before:
            rows.append({**values, "geometry": geometry})
    return rows


def export_surroundings(school: School) -> str:
    features = [
        {
            "type": "Feature",
            "id": s.pk,
            "geometry": s.geometry,
            "properties": {name: getattr(s, name) for name in PROPERTIES},
        }
        for s in Surrounding.objects.filter(school=school).order_by("kind", "name", "pk")
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, indent=1) + "\n"
