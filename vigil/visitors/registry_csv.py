"""Reading a registry CSV: every line checked, every problem reported, nothing half-read.

Columns (header row, any order, case-insensitive): ``family_name``, ``given_names`` and
``date_of_birth`` are required; ``aliases`` ("Family, Given" pairs separated by ``|``),
``jurisdiction`` (two letters), ``photo_url`` (http/https) and ``photo`` (the name of a photo
uploaded with the CSV) are optional. Dates are YYYY-MM-DD or MM/DD/YYYY.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.validators import URLValidator

from vigil.visitors.aamva import JURISDICTIONS
from vigil.visitors.services import RegistryRow

REQUIRED = ("family_name", "given_names", "date_of_birth")
OPTIONAL = ("aliases", "jurisdiction", "photo_url", "photo")
MAX_LINES = 2_000_000
_url = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class LineError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


def _date(text: str) -> date:
    for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (YYYY-MM-DD or MM/DD/YYYY)")


def _aliases(text: str) -> tuple[tuple[str, str], ...]:
    pairs = []
    for part in text.split("|"):
        part = part.strip()
        if not part:
            continue
        if "," not in part:
            raise ValueError(f"{part!r} is not “Family, Given”")
        family, given = (p.strip() for p in part.split(",", 1))
        if not family or not given:
            raise ValueError(f"{part!r} is not “Family, Given”")
        pairs.append((family, given))
    return tuple(pairs)


def read(
    data: bytes, *, today: date, photos: Mapping[str, File[Any]] | None = None
) -> tuple[list[RegistryRow], list[LineError]]:
    """All the rows, or the errors of every bad line (line 1 is the header)."""
    photos = photos or {}
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [LineError(1, "file", f"not UTF-8 text (byte {exc.start})")]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in REQUIRED + OPTIONAL]
    errors = [LineError(1, name, "missing column") for name in missing]
    errors += [LineError(1, name, "unknown column") for name in unknown]
    if errors:
        return [], errors
    rows: list[RegistryRow] = []
    for number, values in enumerate(reader, start=2):
        if number > MAX_LINES:
            return [], [LineError(number, "file", f"more than {MAX_LINES - 1} lines")]
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            errors.append(
                LineError(number, "line", f"{len(values)} values for {len(header)} columns")
            )
            continue
        cell = {name: value.strip() for name, value in zip(header, values, strict=True)}
        line_errors: list[LineError] = []
        for name in ("family_name", "given_names"):
            if not cell[name]:
                line_errors.append(LineError(number, name, "empty"))
            elif len(cell[name]) > 100:
                line_errors.append(LineError(number, name, "longer than 100 characters"))
        born: date | None = None
        try:
            born = _date(cell["date_of_birth"])
            if born > today:
                line_errors.append(
                    LineError(number, "date_of_birth", f"{born.isoformat()} is in the future")
                )
        except ValueError as exc:
            line_errors.append(LineError(number, "date_of_birth", str(exc)))
        aliases: tuple[tuple[str, str], ...] = ()
        try:
            aliases = _aliases(cell.get("aliases", ""))
        except ValueError as exc:
            line_errors.append(LineError(number, "aliases", str(exc)))
        jurisdiction = cell.get("jurisdiction", "").upper()
        if jurisdiction and jurisdiction not in JURISDICTIONS:
            line_errors.append(
                LineError(number, "jurisdiction", f"unknown jurisdiction {jurisdiction!r}")
            )
        photo_url = cell.get("photo_url", "")
        if photo_url:
            try:
                _url(photo_url)
            except ValidationError:
                line_errors.append(LineError(number, "photo_url", "not an http(s) URL"))
        photo_name = cell.get("photo", "")
        if photo_name and photo_name not in photos:
            line_errors.append(
                LineError(number, "photo", f"no photo named {photo_name!r} was uploaded")
            )
        if line_errors or born is None:
            errors.extend(line_errors)
            continue
        rows.append(
            RegistryRow(
                line=number,
                family_name=cell["family_name"],
                given_names=cell["given_names"],
                date_of_birth=born,
                aliases=aliases,
                jurisdiction=jurisdiction,
                photo_url=photo_url,
                photo=photos.get(photo_name) if photo_name else None,
            )
        )
    if not rows and not errors:
        errors.append(LineError(2, "file", "no lines after the header"))
    return ([] if errors else rows), errors
