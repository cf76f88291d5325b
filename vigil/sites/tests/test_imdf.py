"""IMDF import and export: the round trip, and every kind of bad input refused by name."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from shapely.geometry import Point, shape

from vigil.core import context
from vigil.core.models import AuditEntry
from vigil.sites import exporters, imdf, importers
from vigil.sites.choices import AreaType, AssetKind, SchoolLevel
from vigil.sites.imdf_mapping import AREA_TO_UNIT, UNIT_TO_AREA, categories
from vigil.sites.models import Area, Asset, Building, District, Level, School

pytestmark = pytest.mark.django_db

CREATED = "2026-09-01T08:00:00+00:00"
LNG, LAT = -121.70, 38.50
D = 0.0001  # about 9 m north-south, 8.7 m east-west here


def _sq(x0: float, y0: float, x1: float, y1: float) -> dict[str, Any]:
    ring = [[LNG + x0 * D, LAT + y0 * D], [LNG + x1 * D, LAT + y0 * D]]
    ring += [[LNG + x1 * D, LAT + y1 * D], [LNG + x0 * D, LAT + y1 * D]]
    ring = [[round(x, 7), round(y, 7)] for x, y in ring]
    return {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}


def _pt(x: float, y: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(LNG + x * D, 7), round(LAT + y * D, 7)]}


def _f(feature_type: str, n: int, geometry: Any, **props: Any) -> dict[str, Any]:
    return {
        "id": f"00000000-0000-4000-8000-{n:012d}",
        "type": "Feature",
        "feature_type": feature_type,
        "geometry": geometry,
        "properties": props,
    }


def _id(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def sample_features() -> dict[str, list[dict[str, Any]]]:
    """A small campus in IMDF as Vigil writes it: one two-storey building and a field."""
    en = imdf.label
    level = {"category": "unspecified", "restriction": None, "display_point": None}
    level |= {"address_id": None}
    unit = {"accessibility": None, "display_point": None}
    return {
        "address": [
            _f(
                "address",
                1,
                None,
                address="12 Test Lane",
                unit=None,
                locality="Testville",
                province=None,
                country="US",
                postal_code=None,
                postal_code_ext=None,
                postal_code_vanity=None,
            )
        ],
        "venue": [
            _f(
                "venue",
                2,
                _sq(0, 0, 30, 20),
                category="university",
                restriction=None,
                name=en("Test Campus"),
                alt_name=None,
                hours=None,
                phone="+15305550199",
                website=None,
                display_point=_pt(10, 1),
                address_id=_id(1),
            )
        ],
        "building": [
            _f(
                "building",
                3,
                None,
                name=en("Hall"),
                alt_name=en("H"),
                category="unspecified",
                restriction=None,
                display_point=None,
                address_id=None,
            )
        ],
        "footprint": [
            _f(
                "footprint",
                4,
                _sq(2, 2, 12, 8),
                category="ground",
                name=None,
                building_ids=[_id(3)],
            )
        ],
        "level": [
            _f(
                "level",
                5,
                _sq(2, 2, 12, 8),
                **level,
                outdoor=False,
                ordinal=0,
                name=en("Ground floor"),
                short_name=en("1"),
                building_ids=[_id(3)],
            ),
            _f(
                "level",
                6,
                _sq(2, 2, 12, 8),
                **level,
                outdoor=False,
                ordinal=1,
                name=en("Floor 2"),
                short_name=en("2"),
                building_ids=[_id(3)],
            ),
            _f(
                "level",
                7,
                _sq(0, 0, 30, 20),
                **level,
                outdoor=True,
                ordinal=0,
                name=en("Grounds"),
                short_name=en("G"),
                building_ids=None,
            ),
        ],
        "unit": [
            _f(
                "unit",
                8,
                _sq(2, 2, 7, 8),
                **unit,
                category="classroom",
                restriction=None,
                name=en("Room 1"),
                alt_name=en("H101"),
                level_id=_id(5),
            ),
            _f(
                "unit",
                9,
                _sq(7, 2, 12, 8),
                **unit,
                category="restroom",
                restriction="employeesonly",
                name=en("Staff restroom"),
                alt_name=en("H1RS"),
                level_id=_id(5),
            ),
            _f(
                "unit",
                10,
                _sq(2, 2, 12, 8),
                **unit,
                category="stairs",
                restriction=None,
                name=en("Stairway"),
                alt_name=en("H-S2"),
                level_id=_id(6),
            ),
            _f(
                "unit",
                11,
                _sq(15, 2, 28, 18),
                **unit,
                category="fieldofplay",
                restriction=None,
                name=en("Field"),
                alt_name=None,
                level_id=_id(7),
            ),
        ],
        "opening": [
            _f(
                "opening",
                12,
                {
                    "type": "LineString",
                    "coordinates": [_pt(5, 2)["coordinates"], _pt(6, 2)["coordinates"]],
                },
                category="pedestrian.principal",
                accessibility=None,
                access_control=None,
                door=None,
                name=en("Main entrance"),
                alt_name=en("Door 1"),
                display_point=None,
                level_id=_id(5),
            )
        ],
        "anchor": [_f("anchor", 13, _pt(4, 4), address_id=None, unit_id=_id(8))],
        "amenity": [
            _f(
                "amenity",
                14,
                _pt(4, 5),
                category="defibrillator",
                accessibility=None,
                name=en("AED – Hall"),
                alt_name=None,
                hours=None,
                phone=None,
                website=None,
                unit_ids=[_id(8)],
                address_id=None,
                correlation_id=None,
            )
        ],
        "fixture": [
            _f(
                "fixture",
                15,
                _sq(14.9, 10, 15.1, 10.2),
                category="securityequipment",
                name=en("Camera – Field"),
                alt_name=None,
                anchor_id=None,
                level_id=_id(7),
                display_point=_pt(15, 10.1),
            )
        ],
    }


def _zip(features: dict[str, list[dict[str, Any]]], **extra: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("manifest.json", json.dumps(imdf.manifest(CREATED)))
        for name, items in features.items():
            zf.writestr(
                f"{name}.geojson", json.dumps({"type": "FeatureCollection", "features": items})
            )
        for name, content in extra.items():
            zf.writestr(name, content)
    return buffer.getvalue()


def _empty_school(slug: str, name: str = "") -> School:
    # An import never renames the school, so the round trip uses the venue's name.
    return School.objects.create(
        district=District.objects.get(),
        name=name or f"School {slug}",
        slug=slug,
        level=SchoolLevel.HIGH,
        latitude=LAT,
        longitude=LNG,
    )


def _canonical(archive: imdf.Archive) -> list[str]:
    """Features with ids replaced by what they name, minus what Vigil derives (see docs)."""
    names: dict[str, str] = {}
    for f in archive:
        names[f.id] = f"{f.feature_type}:{f.label('name')}:{f.properties.get('ordinal', '')}"
    out = []
    for f in archive:
        if f.feature_type == "anchor":
            continue  # Vigil keeps no anchors
        props = dict(f.properties)
        for key, value in props.items():
            if key.endswith("_id") and isinstance(value, str):
                props[key] = names[value]
            if key.endswith("_ids") and isinstance(value, list):
                props[key] = [names[v] for v in value]
        geometry = f.geometry
        if f.feature_type == "building":
            props.pop("display_point")
        if f.feature_type == "opening":
            geometry = {"start": f.geometry["coordinates"][0]} if f.geometry else None
        if f.feature_type == "fixture":
            geometry = None  # drawn from the display point
        out.append(json.dumps([f.feature_type, geometry, props], sort_keys=True))
    return sorted(out)


def _snapshot(school: School) -> dict[str, list[tuple[Any, ...]]]:
    return {
        "school": [
            (school.boundary, school.address, school.phone, school.latitude, school.longitude)
        ],
        "buildings": sorted(
            (b.code, b.name, json.dumps(b.footprint))
            for b in Building.objects.filter(school=school)
        ),
        "levels": sorted(
            (lv.building.code, lv.ordinal, lv.name)
            for lv in Level.objects.filter(building__school=school)
        ),
        "areas": sorted(
            (
                a.building.code if a.building else "",
                a.level.ordinal if a.level else -99,
                a.code,
                a.name,
                a.area_type,
                a.risk,
                json.dumps(a.geometry),
            )
            for a in Area.objects.filter(school=school)
        ),
        "assets": sorted(
            (
                a.kind,
                a.building.code if a.building else "",
                a.level.ordinal if a.level else -99,
                a.area.code if a.area else "",
                a.name,
                a.number or 0,
                a.door_use,
                json.dumps(a.location),
            )
            for a in Asset.objects.filter(school=school)
        ),
    }


def _import(
    archive: imdf.Archive, school: School, *, dry_run: bool = False
) -> importers.ImportReport:
    with context.acting(None, via="cli"):
        return importers.import_imdf(archive, school=school, dry_run=dry_run)


def test_mapping_covers_every_imdf_unit_category_and_area_type() -> None:
    assert set(UNIT_TO_AREA) == categories()["unit"]
    assert set(AREA_TO_UNIT) == set(AreaType.values)
    assert {category for category, _ in AREA_TO_UNIT.values()} <= categories()["unit"]


def test_round_trip_gives_the_same_features_and_geometry() -> None:
    read = imdf.read(_zip(sample_features()))
    assert read.problems == []
    assert read.archive is not None
    first = _empty_school("imdf-first", "Test Campus")
    report = _import(read.archive, first)
    assert report.problems == []
    # 1 building, 2 levels, 4 areas, a door, an AED and a camera; the school is updated.
    assert len(report.created) == 10
    assert report.updated == ["school Test Campus (address, boundary, latitude, longitude, phone)"]
    first.refresh_from_db()
    exported = exporters.export_imdf(first, created=CREATED)
    assert exported.notes == []
    assert _canonical(exported.archive) == _canonical(read.archive)
    again = imdf.read(imdf.write(exported.archive))
    assert again.archive is not None
    # Importing the export into the same school changes nothing…
    unchanged = _import(again.archive, first)
    assert (unchanged.created, unchanged.updated) == ([], [])
    # …and into another school gives exactly the same records and coordinates.
    second = _empty_school("imdf-second", "Test Campus")
    _import(again.archive, second)
    second.refresh_from_db()
    assert _snapshot(second) == _snapshot(first)
    assert imdf.write(exporters.export_imdf(first, created=CREATED).archive) == imdf.write(
        exported.archive
    )


def test_import_creates_what_the_archive_describes() -> None:
    read = imdf.read(_zip(sample_features()))
    assert read.archive is not None
    school = _empty_school("imdf-check")
    report = _import(read.archive, school)
    school.refresh_from_db()
    assert school.address == "12 Test Lane, Testville"
    assert school.phone == "(530) 555-0199"
    staff = Area.objects.get(school=school, code="H1RS")
    assert staff.level is not None
    assert (staff.area_type, staff.level.ordinal) == (AreaType.RESTROOM_STAFF, 0)
    field = Area.objects.get(school=school, name="Field")
    assert (field.building, field.level, field.risk) == (None, None, "high")
    door = Asset.objects.get(school=school, kind=AssetKind.EXTERIOR_DOOR)
    assert (door.number, door.door_use, door.location) == (1, "public", _pt(5, 2))
    camera = Asset.objects.get(school=school, kind=AssetKind.CAMERA)
    assert camera.location == _pt(15, 10.1)
    aed = Asset.objects.get(school=school, kind=AssetKind.AED)
    assert aed.area == Area.objects.get(school=school, code="H101")
    assert report.notes == ["1 anchor(s) read; Vigil keeps no anchors."]


def test_demo_high_school_export_reimports_unchanged() -> None:
    hs = School.objects.get(slug="cedar-hollow-hs")
    exported = exporters.export_imdf(hs, created=CREATED)
    counts = {ft: len(fs) for ft, fs in exported.archive.features.items()}
    assert counts == {
        "address": 1,
        "venue": 1,
        "building": 10,
        "footprint": 10,
        "level": 14,
        "unit": 91,
        "opening": 36,
        "anchor": 0,
        "amenity": 33,
        "fixture": 30,
    }
    read = imdf.read(imdf.write(exported.archive))
    assert read.problems == []
    assert read.archive is not None
    report = _import(read.archive, hs)
    assert (report.created, report.updated, report.unchanged) == ([], [], 214)
    # Openings start at the door and run along the wall of the footprint.
    for opening in exported.archive.of("opening"):
        assert opening.geometry is not None
        level = next(
            f for f in exported.archive.of("level") if f.id == opening.properties["level_id"]
        )
        assert level.geometry is not None
        wall = shape(level.geometry).exterior
        assert wall.distance(Point(opening.geometry["coordinates"][1])) < 1e-6


def test_dry_run_reports_everything_and_writes_nothing() -> None:
    read = imdf.read(_zip(sample_features()))
    assert read.archive is not None
    school = _empty_school("imdf-dry")
    audit_rows = AuditEntry.objects.count()
    report = _import(read.archive, school, dry_run=True)
    assert len(report.created) == 10
    assert "would create 10" in report.summary()
    assert Area.objects.filter(school=school).count() == 0
    assert Asset.objects.filter(school=school).count() == 0
    assert AuditEntry.objects.count() == audit_rows


def _mutate(change: Any) -> dict[str, list[dict[str, Any]]]:
    features = copy.deepcopy(sample_features())
    change(features)
    return features


def _unit(features: dict[str, Any], n: int = 0) -> dict[str, Any]:
    result: dict[str, Any] = features["unit"][n]
    return result


BAD: list[tuple[str, Any, str]] = [
    (
        "wrong geometry type",
        lambda fs: _unit(fs).update(geometry=_pt(3, 3)),
        f"unit.geojson, {_id(8)}, geometry: must be Polygon or MultiPolygon, not Point",
    ),
    (
        "self-intersecting polygon",
        lambda fs: _unit(fs).update(
            geometry={
                "type": "Polygon",
                "coordinates": [
                    [
                        _pt(2, 2)["coordinates"],
                        _pt(7, 8)["coordinates"],
                        _pt(7, 2)["coordinates"],
                        _pt(2, 8)["coordinates"],
                        _pt(2, 2)["coordinates"],
                    ]
                ],
            }
        ),
        f"unit.geojson, {_id(8)}, geometry: is not a valid Polygon: Self-intersection",
    ),
    (
        "coordinates out of range",
        lambda fs: fs["amenity"][0].update(geometry={"type": "Point", "coordinates": [LNG, 95.0]}),
        f"amenity.geojson, {_id(14)}, geometry: position [{LNG}, 95.0] is out of range",
    ),
    (
        "far from the venue",
        lambda fs: fs["amenity"][0].update(geometry=_pt(400, 0)),
        f"amenity.geojson, {_id(14)}, geometry: lies 3.2 km from the venue (at most 2 km)",
    ),
    (
        "unknown category",
        lambda fs: _unit(fs).update(
            properties={**_unit(fs)["properties"], "category": "lockerroom"}
        ),
        f"unit.geojson, {_id(8)}, category: 'lockerroom' is not an IMDF unit category",
    ),
    (
        "duplicate id",
        lambda fs: _unit(fs, 1).update(id=_id(8)),
        f"unit.geojson, {_id(8)}, id: the same id is used in unit.geojson",
    ),
    (
        "dangling reference",
        lambda fs: _unit(fs).update(properties={**_unit(fs)["properties"], "level_id": _id(99)}),
        f"unit.geojson, {_id(8)}, level_id: level {_id(99)} is missing from the archive",
    ),
    (
        "reference to the wrong type",
        lambda fs: fs["level"][0]["properties"].update(building_ids=[_id(1)]),
        f"level.geojson, {_id(5)}, building_ids: building {_id(1)} is a address",
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"), [(c, e) for _, c, e in BAD], ids=[n for n, _, _ in BAD]
)
def test_bad_feature_is_refused_by_file_feature_and_field(change: Any, expected: str) -> None:
    read = imdf.read(_zip(_mutate(change)))
    assert read.archive is None
    assert any(str(p).startswith(expected) for p in read.problems), read.problems


BAD_FILES: list[tuple[str, bytes, str]] = [
    (
        "not a zip",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 20,
        "upload.zip: this is a PNG image, not a ZIP archive",
    ),
    (
        "broken zip",
        b"PK\x03\x04 this is not really a zip",
        "upload.zip: cannot read the ZIP archive",
    ),
    (
        "malformed json",
        _zip({}, **{"unit.geojson": b'{"type": "FeatureCollection", "features": [}'}),
        "unit.geojson: not valid JSON: Expecting value at line 1, column 44",
    ),
    (
        "geojson that is an image",
        _zip({}, **{"unit.geojson": b"\xff\xd8\xff\xe0 JFIF"}),
        "unit.geojson: this is a JPEG image, not text",
    ),
    (
        "no venue",
        _zip({}),
        "venue.geojson: an archive holds exactly 1 venue, not 0",
    ),
]


@pytest.mark.parametrize(
    ("data", "expected"), [(d, e) for _, d, e in BAD_FILES], ids=[n for n, _, _ in BAD_FILES]
)
def test_bad_file_is_refused_naming_the_file(data: bytes, expected: str) -> None:
    read = imdf.read(data, name="upload.zip")
    assert read.archive is None
    assert any(str(p).startswith(expected) for p in read.problems), read.problems


def _fingerprint() -> dict[str, Any]:
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (School, Building, Level, Area, Asset)
    } | {"audit": AuditEntry.objects.count()}


@pytest.mark.parametrize(
    ("change", "expected"), [(c, e) for _, c, e in BAD], ids=[n for n, _, _ in BAD]
)
def test_refused_cli_import_leaves_the_database_as_it_was(
    change: Any, expected: str, tmp_path: Path
) -> None:
    path = tmp_path / "campus.zip"
    path.write_bytes(_zip(_mutate(change)))
    before = _fingerprint()
    with pytest.raises(CommandError) as refused:
        call_command("import", "imdf", str(path), "--school", "willow-creek-es")
    assert expected in str(refused.value)
    assert "refused" in str(refused.value)
    assert _fingerprint() == before


def test_problem_found_while_applying_rolls_everything_back(tmp_path: Path) -> None:
    """A unit of two polygons passes IMDF validation but Vigil keeps one polygon per area: the
    buildings and levels already written in the transaction are rolled back."""

    def two_polygons(fs: dict[str, Any]) -> None:
        a, b = _sq(2, 2, 4, 4), _sq(5, 5, 6, 6)
        _unit(fs)["geometry"] = {
            "type": "MultiPolygon",
            "coordinates": [a["coordinates"], b["coordinates"]],
        }

    path = tmp_path / "campus.zip"
    path.write_bytes(_zip(_mutate(two_polygons)))
    _empty_school("imdf-multi")
    before = _fingerprint()
    with pytest.raises(CommandError) as refused:
        call_command("import", "imdf", str(path), "--school", "imdf-multi")
    assert (
        f"unit.geojson, {_id(8)}, geometry: Vigil keeps one polygon per area; "
        "this MultiPolygon has 2" in str(refused.value)
    )
    assert _fingerprint() == before


def test_cli_round_trip_and_dry_run(tmp_path: Path) -> None:
    out = tmp_path / "hs.zip"
    stdout = io.StringIO()
    call_command("export", "imdf", "--school", "cedar-hollow-hs", str(out), stdout=stdout)
    assert stdout.getvalue().startswith("Wrote imdf of Cedar Hollow High School")
    assert zipfile.ZipFile(out).namelist() == [
        "manifest.json",
        *(f"{t}.geojson" for t in imdf.FEATURE_TYPES),
    ]
    _empty_school("imdf-cli")
    before = _fingerprint()
    stdout = io.StringIO()
    call_command("import", "imdf", str(out), "--school", "imdf-cli", "--dry-run", stdout=stdout)
    lines = stdout.getvalue().splitlines()
    # 10 buildings, 13 levels, 91 areas, 36 doors, 31 amenities and 30 cameras; the two alarm
    # panels ("security" amenities) are not invented in a school that has none.
    assert lines[0] == (
        "IMDF import into School imdf-cli: would create 211, would update 1, 0 unchanged "
        "(dry run: nothing was written)."
    )
    assert sum("(security) skipped: not a known alarm panel" in line for line in lines) == 2
    assert _fingerprint() == before
