"""Reading, validating and writing IMDF 1.0 archives (Apple's Indoor Mapping Data Format).

An archive is a ZIP (or a directory) of ``manifest.json`` and one GeoJSON FeatureCollection per
feature type (``venue.geojson``, ``unit.geojson``, …). This module is pure: bytes in, typed
features and problems out, and back. It checks everything an import must refuse — malformed
ZIP or JSON, files that are not what their name says, wrong geometry types, self-intersecting
polygons, positions out of range or far from the venue, unknown categories, duplicate and
dangling ids — and names the file, the feature and the field of each problem.
What the features mean for Vigil's records is ``vigil.sites.importers``' business.
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vigil.sites.geometry import farthest_m
from vigil.sites.geometry import problems as geometry_problems
from vigil.sites.imdf_mapping import categories
from vigil.sites.validation import Problem, decode_text, is_zip, sniff

VERSION = "1.0.0"

# The feature types Vigil reads and writes, in dependency order (a type refers only to earlier
# ones, except fixture → anchor which is optional).
FEATURE_TYPES: tuple[str, ...] = (
    "address",
    "venue",
    "building",
    "footprint",
    "level",
    "unit",
    "opening",
    "anchor",
    "amenity",
    "fixture",
)
_POLYGONAL = ("Polygon", "MultiPolygon")
GEOMETRY: dict[str, tuple[str, ...] | None] = {
    "address": None,
    "venue": _POLYGONAL,
    "building": None,
    "footprint": _POLYGONAL,
    "level": _POLYGONAL,
    "unit": _POLYGONAL,
    "opening": ("LineString",),
    "anchor": ("Point",),
    "amenity": ("Point",),
    "fixture": _POLYGONAL,
}
# property → (referenced feature type, is a list, required)
REFERENCES: dict[str, dict[str, tuple[str, bool, bool]]] = {
    "address": {},
    "venue": {"address_id": ("address", False, True)},
    "building": {"address_id": ("address", False, False)},
    "footprint": {"building_ids": ("building", True, True)},
    "level": {"building_ids": ("building", True, False), "address_id": ("address", False, False)},
    "unit": {"level_id": ("level", False, True)},
    "opening": {"level_id": ("level", False, True)},
    "anchor": {"unit_id": ("unit", False, True), "address_id": ("address", False, False)},
    "amenity": {"unit_ids": ("unit", True, True), "address_id": ("address", False, False)},
    "fixture": {"level_id": ("level", False, True), "anchor_id": ("anchor", False, False)},
}
LABELS: dict[str, tuple[str, ...]] = {
    "venue": ("name", "alt_name"),
    "building": ("name", "alt_name"),
    "footprint": ("name",),
    "level": ("name", "short_name"),
    "unit": ("name", "alt_name"),
    "opening": ("name", "alt_name"),
    "amenity": ("name", "alt_name"),
    "fixture": ("name", "alt_name"),
}
REQUIRED_LABELS: dict[str, tuple[str, ...]] = {"venue": ("name",), "level": ("name", "short_name")}
# Other IMDF feature types: valid in an archive, but nothing in Vigil corresponds to them.
IGNORED_TYPES = frozenset({"detail", "geofence", "kiosk", "occupant", "relationship", "section"})

# Everything of a venue lies on or near its campus; a position further than this from the
# venue polygon is a mistake (a swapped latitude/longitude, the wrong venue).
MAX_DISTANCE_FROM_VENUE_M = 2_000.0
MAX_ARCHIVE_BYTES = 100 * 1024 * 1024
MAX_ARCHIVE_ENTRIES = 200


@dataclass(frozen=True)
class Feature:
    """One validated IMDF feature."""

    feature_type: str
    id: str
    geometry: dict[str, Any] | None
    properties: Mapping[str, Any]

    def label(self, name: str) -> str:
        """A label property in English (or its first language), "" when absent."""
        return label_text(self.properties.get(name))

    def as_geojson(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": "Feature",
            "feature_type": self.feature_type,
            "geometry": self.geometry,
            "properties": dict(self.properties),
        }


@dataclass(frozen=True)
class Archive:
    """The features of one venue, by type, plus the manifest."""

    manifest: Mapping[str, Any]
    features: Mapping[str, tuple[Feature, ...]]

    def of(self, feature_type: str) -> tuple[Feature, ...]:
        return self.features.get(feature_type, ())

    def by_id(self) -> dict[str, Feature]:
        return {f.id: f for ft in FEATURE_TYPES for f in self.of(ft)}

    @property
    def venue(self) -> Feature:
        return self.of("venue")[0]

    def __iter__(self) -> Iterator[Feature]:
        for feature_type in FEATURE_TYPES:
            yield from self.of(feature_type)


@dataclass
class ReadResult:
    archive: Archive | None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # harmless things worth saying


def label_text(value: Any) -> str:
    if isinstance(value, dict) and value:
        text = value.get("en", next(iter(value.values())))
        return text if isinstance(text, str) else ""
    return ""


def label(text: str) -> dict[str, str] | None:
    return {"en": text} if text else None


def feature_id(*parts: object) -> str:
    """A stable UUID for a record, so exporting twice gives the same ids."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "vigil:imdf:" + ":".join(map(str, parts))))


# --- reading ---
def read(source: bytes | Path, *, name: str = "archive") -> ReadResult:
    """Read and validate an archive: ZIP bytes, a ZIP file or a directory of GeoJSON files."""
    if isinstance(source, Path):
        name = source.name
        if source.is_dir():
            files = {
                p.name: p.read_bytes()
                for p in sorted(source.iterdir())
                if p.is_file() and p.suffix in (".geojson", ".json")
            }
            return _read_files(files)
        source = source.read_bytes()
    if not is_zip(source):
        what = sniff(source) or "not a ZIP archive"
        message = f"this is {what}, not a ZIP archive" if sniff(source) else f"{what}"
        return ReadResult(None, [Problem(name, "", "", message)])
    try:
        files = _unzip(source)
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        return ReadResult(None, [Problem(name, "", "", f"cannot read the ZIP archive: {exc}")])
    return _read_files(files)


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = [i for i in archive.infolist() if not i.is_dir()]
        entries = [i for i in entries if not i.filename.startswith("__MACOSX/")]
        if len(entries) > MAX_ARCHIVE_ENTRIES:
            raise ValueError(f"{len(entries)} files; at most {MAX_ARCHIVE_ENTRIES} are read")
        if sum(i.file_size for i in entries) > MAX_ARCHIVE_BYTES:
            raise ValueError("it unpacks to more than 100 MB")
        files: dict[str, bytes] = {}
        for info in entries:
            # Archives are often zipped with their folder; only the file name matters.
            base = info.filename.rsplit("/", 1)[-1]
            if base in files:
                raise ValueError(f"{base} appears twice")
            files[base] = archive.read(info)
        return files


def _read_files(files: dict[str, bytes]) -> ReadResult:
    result = ReadResult(None)
    manifest: dict[str, Any] = {}
    if "manifest.json" not in files:
        result.problems.append(Problem("manifest.json", "", "", "the archive has no manifest"))
    else:
        parsed = _parse_json("manifest.json", files["manifest.json"], result.problems)
        if parsed is not None:
            manifest = _check_manifest(parsed, result.problems)
    collections: dict[str, tuple[Feature, ...]] = {}
    for filename in sorted(files):
        if filename == "manifest.json":
            continue
        stem, _, extension = filename.rpartition(".")
        if extension != "geojson" or stem not in FEATURE_TYPES:
            why = "Vigil keeps nothing of this type" if stem in IGNORED_TYPES else "not IMDF"
            result.notes.append(f"{filename}: ignored ({why}).")
            continue
        parsed = _parse_json(filename, files[filename], result.problems)
        if parsed is not None:
            collections[stem] = tuple(_read_collection(filename, stem, parsed, result.problems))
    archive = Archive(manifest, collections)
    _check_archive(archive, result.problems)
    result.problems.sort(key=_problem_order)
    result.archive = None if result.problems else archive
    return result


def _problem_order(p: Problem) -> tuple[int, str, str, str]:
    stem = p.file.rpartition(".")[0]
    rank = FEATURE_TYPES.index(stem) if stem in FEATURE_TYPES else -1
    return (rank, p.feature, p.field, p.message)


def _parse_json(filename: str, data: bytes, problems: list[Problem]) -> Any:
    try:
        text = decode_text(data)
    except ValueError as exc:
        problems.append(Problem(filename, "", "", str(exc)))
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        problems.append(Problem(filename, "", "", message))
        return None


def _check_manifest(parsed: Any, problems: list[Problem]) -> dict[str, Any]:
    if not isinstance(parsed, dict):
        problems.append(Problem("manifest.json", "", "", "must be a JSON object"))
        return {}
    if parsed.get("version") != VERSION:
        problems.append(
            Problem(
                "manifest.json",
                "",
                "version",
                f"must be {VERSION!r}, not {parsed.get('version')!r}",
            )
        )
    if not isinstance(parsed.get("language"), str) or not parsed.get("language"):
        problems.append(Problem("manifest.json", "", "language", "a language tag is required"))
    return parsed


def _read_collection(
    filename: str, feature_type: str, parsed: Any, problems: list[Problem]
) -> Iterator[Feature]:
    if not isinstance(parsed, dict) or parsed.get("type") != "FeatureCollection":
        problems.append(Problem(filename, "", "type", "must be a GeoJSON FeatureCollection"))
        return
    features = parsed.get("features")
    if not isinstance(features, list):
        problems.append(Problem(filename, "", "features", "must be a list of features"))
        return
    for index, raw in enumerate(features):
        feature = _read_feature(filename, feature_type, index, raw, problems)
        if feature is not None:
            yield feature


def _read_feature(
    filename: str, feature_type: str, index: int, raw: Any, problems: list[Problem]
) -> Feature | None:
    where = f"feature #{index + 1}"
    if not isinstance(raw, dict) or raw.get("type") != "Feature":
        problems.append(Problem(filename, where, "type", "must be a GeoJSON Feature"))
        return None
    fid = raw.get("id")
    if not isinstance(fid, str) or not _is_uuid(fid):
        problems.append(Problem(filename, where, "id", f"must be a UUID, not {fid!r}"))
        return None
    before = len(problems)

    def problem(field_name: str, message: str) -> None:
        problems.append(Problem(filename, fid, field_name, message))

    if raw.get("feature_type") != feature_type:
        problem("feature_type", f"must be {feature_type!r} in {filename}")
    geometry = raw.get("geometry")
    allowed = GEOMETRY[feature_type]
    if allowed is None:
        if geometry is not None:
            problem("geometry", f"a {feature_type} has no geometry (null)")
    else:
        for message in geometry_problems(geometry, allowed):
            problem("geometry", message)
    properties = raw.get("properties")
    if not isinstance(properties, dict):
        problem("properties", "must be an object")
        return None
    _check_properties(feature_type, properties, problem)
    if len(problems) > before:
        return None
    return Feature(feature_type, fid, geometry, properties)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _check_properties(feature_type: str, props: dict[str, Any], problem: Any) -> None:
    table = categories()
    category = props.get("category")
    if feature_type in table and feature_type not in ("address", "anchor"):
        if not isinstance(category, str):
            problem("category", "is required")
        elif category not in table[feature_type]:
            problem("category", f"{category!r} is not an IMDF {feature_type} category")
    restriction = props.get("restriction")
    if restriction is not None and restriction not in table["restriction"]:
        problem("restriction", f"{restriction!r} is not an IMDF restriction")
    for name in LABELS.get(feature_type, ()):
        value = props.get(name)
        required = name in REQUIRED_LABELS.get(feature_type, ())
        if value is None and not required:
            continue
        if (
            not isinstance(value, dict)
            or not value
            or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
        ):
            problem(name, 'must be a label such as {"en": "Main Building"}')
    if "display_point" in props and props["display_point"] is not None:
        for message in geometry_problems(props["display_point"], ("Point",)):
            problem("display_point", message)
    for name, (_, many, required) in REFERENCES[feature_type].items():
        value = props.get(name)
        if value is None:
            if required:
                problem(name, "is required")
        elif many and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
            problem(name, "must be a list of feature ids")
        elif many and required and not value:
            problem(name, "must name at least one feature")
        elif not many and not isinstance(value, str):
            problem(name, "must be a feature id")
    if feature_type == "level":
        ordinal = props.get("ordinal")
        if not isinstance(ordinal, int) or isinstance(ordinal, bool):
            problem("ordinal", "must be an integer")
        if not isinstance(props.get("outdoor"), bool):
            problem("outdoor", "must be true or false")
    if feature_type == "address":
        for name in ("locality", "country"):
            if not isinstance(props.get(name), str) or not props.get(name):
                problem(name, "is required")
    if feature_type == "opening":
        for name, table_name in (("access_control", "access_control"),):
            for value in props.get(name) or []:
                if value not in table[table_name]:
                    problem(name, f"{value!r} is not an IMDF {table_name} category")


def _check_archive(archive: Archive, problems: list[Problem]) -> None:
    """What only the whole archive shows: one venue, unique ids, references, distances."""
    seen: dict[str, str] = {}
    for feature in archive:
        filename = f"{feature.feature_type}.geojson"
        if feature.id in seen:
            problems.append(
                Problem(filename, feature.id, "id", f"the same id is used in {seen[feature.id]}")
            )
        else:
            seen[feature.id] = filename
    venues = archive.of("venue")
    if len(venues) != 1 and not any(p.file == "venue.geojson" for p in problems):
        problems.append(
            Problem("venue.geojson", "", "", f"an archive holds exactly 1 venue, not {len(venues)}")
        )
    types = {f.id: f.feature_type for f in archive}
    for feature in archive:
        filename = f"{feature.feature_type}.geojson"
        for name, (target, many, _) in REFERENCES[feature.feature_type].items():
            value = feature.properties.get(name)
            for ref in (value or []) if many else ([value] if value else []):
                if types.get(ref) != target:
                    what = f"a {types[ref]}" if ref in types else "missing from the archive"
                    problems.append(
                        Problem(filename, feature.id, name, f"{target} {ref} is {what}")
                    )
    if len(venues) == 1 and venues[0].geometry is not None:
        venue = venues[0].geometry
        for feature in archive:
            for name, geometry in (
                ("geometry", feature.geometry),
                ("display_point", feature.properties.get("display_point")),
            ):
                if geometry is None:
                    continue
                far = farthest_m(geometry, venue)
                if far > MAX_DISTANCE_FROM_VENUE_M:
                    problems.append(
                        Problem(
                            f"{feature.feature_type}.geojson",
                            feature.id,
                            name,
                            f"lies {far / 1000:.1f} km from the venue (at most "
                            f"{MAX_DISTANCE_FROM_VENUE_M / 1000:.0f} km)",
                        )
                    )


# --- writing ---
def manifest(created: str, generated_by: str = "Vigil") -> dict[str, Any]:
    return {
        "version": VERSION,
        "created": created,
        "generated_by": generated_by,
        "language": "en-US",
        "extensions": None,
    }


def write(archive: Archive) -> bytes:
    """The archive as ZIP bytes: manifest.json and one FeatureCollection per feature type.

    Entries carry a fixed timestamp, so the same archive always gives the same bytes.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        _add(zf, "manifest.json", dict(archive.manifest))
        for feature_type in FEATURE_TYPES:
            collection = {
                "type": "FeatureCollection",
                "features": [f.as_geojson() for f in archive.of(feature_type)],
            }
            _add(zf, f"{feature_type}.geojson", collection)
    return buffer.getvalue()


def _add(zf: zipfile.ZipFile, name: str, content: Any) -> None:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, json.dumps(content, ensure_ascii=False, indent=1) + "\n")
