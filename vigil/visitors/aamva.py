"""Read the PDF417 text on a North American driver's licence or state ID.

The AAMVA DL/ID Card Design Standard (Annex D) encodes a card as::

    @ LF RS CR  "ANSI " IIN(6) version(2) [jurisdiction version(2)] entries(2)
    designator * entries          type(2) offset(4) length(4), e.g. DL00410278
    DL DAQ... LF DCS... LF ... CR  the DL or ID subfile: element id(3) + value
    ZC ZCA... LF ... CR            jurisdiction-specific subfiles

Version 1 (AAMVA DL/ID-2000) has no jurisdiction version in the header, names the holder in
one DAA element and writes dates CCYYMMDD. Versions 2 and later split the name (DCS family,
DCT given names in 2-3, DAC/DAD first/middle from 4) and write dates MMDDCCYY in the United
States and CCYYMMDD in Canada. Cards made before the 2000 standard carry an "AAMVA" file
type instead of "ANSI ".

What reaches us is rarely the clean byte string: a keyboard-wedge scanner types it into a
form, which drops the control characters, turns CR into LF or CRLF, spells them as "<LF>",
loses the header or prefixes a symbology identifier. `parse` repairs what it can, says what
it repaired in the warnings, and refuses with an `AamvaError` naming the element otherwise.

Only what a visit needs leaves this module: no address, no full ID number, no raw text
(version 1 cards may even carry a Social Security number in DBK).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

__all__ = ["JURISDICTIONS", "AamvaError", "ParsedId", "parse"]

# The newest edition of the standard this parser was written against (AAMVA DL/ID-2020).
NEWEST_KNOWN_VERSION = 10

US_JURISDICTIONS = frozenset(
    (
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL",
        "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE",
        "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
        "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI",
    )
)  # fmt: skip
CANADIAN_JURISDICTIONS = frozenset(
    (
        "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT",
    )
)  # fmt: skip
JURISDICTIONS = US_JURISDICTIONS | CANADIAN_JURISDICTIONS

# Issuer identification numbers assigned by AAMVA to each jurisdiction's DMV. The State
# Department (636027) and the Mexican states are left out on purpose: they are not a US
# state, territory or Canadian province, so such a card falls back to its DAJ element.
_IIN_TO_JURISDICTION: dict[str, str] = {
    "604426": "PE", "604427": "AS", "604428": "QC", "604429": "YT", "604430": "MP",
    "604431": "PR", "604432": "AB", "604433": "NU", "604434": "NT",
    "636000": "VA", "636001": "NY", "636002": "MA", "636003": "MD", "636004": "NC",
    "636005": "SC", "636006": "CT", "636007": "LA", "636008": "MT", "636009": "NM",
    "636010": "FL", "636011": "DE", "636012": "ON", "636013": "NS", "636014": "CA",
    "636015": "TX", "636016": "NL", "636017": "NB", "636018": "IA", "636019": "GU",
    "636020": "CO", "636021": "AR", "636022": "KS", "636023": "OH", "636024": "VT",
    "636025": "PA", "636026": "AZ", "636028": "BC", "636029": "OR", "636030": "MO",
    "636031": "WI", "636032": "MI", "636033": "AL", "636034": "ND", "636035": "IL",
    "636036": "NJ", "636037": "IN", "636038": "MN", "636039": "NH", "636040": "UT",
    "636041": "ME", "636042": "SD", "636043": "DC", "636044": "SK", "636045": "WA",
    "636046": "KY", "636047": "HI", "636048": "MB", "636049": "NV", "636050": "ID",
    "636051": "MS", "636052": "RI", "636053": "TN", "636054": "NE", "636055": "GA",
    "636058": "OK", "636059": "AK", "636060": "WY", "636061": "WV", "636062": "VI",
}  # fmt: skip

# Every element id of the DL/ID subfile across editions 1-10. Knowing them is what lets us
# cut a line whose separators a scanner stripped back into elements.
_ELEMENT_IDS = frozenset(
    (  # editions 1 (2000) to 10 (2020)
        "DAA", "DAB", "DAC", "DAD", "DAE", "DAF", "DAG", "DAH", "DAI", "DAJ", "DAK", "DAL", "DAM",
        "DAN", "DAO", "DAP", "DAQ", "DAR", "DAS", "DAT", "DAU", "DAV", "DAW", "DAX", "DAY", "DAZ",
        "DBA", "DBB", "DBC", "DBD", "DBE", "DBF", "DBG", "DBH", "DBI", "DBJ", "DBK", "DBL", "DBM",
        "DBN", "DBO", "DBP", "DBQ", "DBR", "DBS", "DCA", "DCB", "DCD", "DCE", "DCF", "DCG", "DCH",
        "DCI", "DCJ", "DCK", "DCL", "DCM", "DCN", "DCO", "DCP", "DCQ", "DCR", "DCS", "DCT", "DCU",
        "DDA", "DDB", "DDC", "DDD", "DDE", "DDF", "DDG", "DDH", "DDI", "DDJ", "DDK", "DDL",
    )
)  # fmt: skip

# Values whose shape is fixed. When separators are gone, these say exactly where the next
# element starts, and they veto a false boundary: "DAVID" is not the height element DAV.
_DATE = (8, r"\d{8}")
_FIXED_SHAPES: dict[str, tuple[int, re.Pattern[str]]] = {
    eid: (width, re.compile(pattern))
    for eid, (width, pattern) in {
        "DBA": _DATE, "DBB": _DATE, "DBD": _DATE, "DDB": _DATE, "DDC": _DATE,
        "DDH": _DATE, "DDI": _DATE, "DDJ": _DATE, "DBL": _DATE,
        "DBC": (1, r"[0-9MFX]"), "DAY": (3, r"[A-Z]{3}"), "DCG": (3, r"[A-Z]{3}"),
        "DDE": (1, r"[TNU]"), "DDF": (1, r"[TNU]"), "DDG": (1, r"[TNU]"),
        "DDA": (1, r"[FN ]"), "DDK": (1, r"[01]"), "DDL": (1, r"[01]"), "DCE": (1, r"\d"),
        "DAV": (3, r"\d{3}"), "DAW": (3, r"\d{3}"), "DAX": (3, r"\d{3}"),
    }.items()
}  # fmt: skip

# How scanners and the programs in between spell the control characters in text.
_CONTROL_SPELLINGS: tuple[tuple[str, str], ...] = (
    ("<LF>", "\n"), ("[LF]", "\n"), ("<CR>", "\r"), ("[CR]", "\r"),
    ("<RS>", "\x1e"), ("[RS]", "\x1e"), ("\\n", "\n"), ("\\r", "\r"), ("^J", "\n"),
    ("^M", "\r"), ("<0x0A>", "\n"), ("<0x0D>", "\r"), ("<0x1E>", "\x1e"),
)  # fmt: skip

_HEADER = re.compile(r"(ANSI ?|AAMVA)(\d{6})(\d{2})")
_DESIGNATOR = re.compile(r"([A-Z]{2})([0-9A-Za-z]{4})(\d{4})")
_FILE_TYPE_HINT = re.compile(r"ANSI|AAMVA")
_ELEMENT_START = re.compile(r"(?:DL|ID)?(D[A-Z]{2})")
_NAME_PLACEHOLDERS = frozenset({"NONE", "UNAVL", "UNAVAILABLE", "N/A", "NMN", "NFN", "NLN"})
_NAME_SUFFIXES = frozenset({"JR", "SR", "II", "III", "IV", "V", "2ND", "3RD", "ESQ"})
_NO_EXPIRY = frozenset({"", "00000000", "99999999"})
_OLDEST_AGE_YEARS = 125


class AamvaError(ValueError):
    """The text cannot be read as a card; `field` names the element or part at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class ParsedId:
    """What a visit keeps from an ID card, and nothing more."""

    family_name: str
    given_names: str
    date_of_birth: date
    id_last4: str
    expiry: date | None
    jurisdiction: str
    document_type: str
    aamva_version: int | None
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "family_name": self.family_name,
            "given_names": self.given_names,
            "date_of_birth": self.date_of_birth.isoformat(),
            "id_last4": self.id_last4,
            "expiry": self.expiry.isoformat() if self.expiry else None,
            "jurisdiction": self.jurisdiction,
            "document_type": self.document_type,
            "aamva_version": self.aamva_version,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True, slots=True)
class _Header:
    iin: str
    version: int
    document_type: str
    declared_length: int
    body_search_from: int
    other_types: tuple[str, ...]


def parse(text: str, *, today: date) -> ParsedId:
    """Parse the AAMVA text of a card as typed by a scanner; `today` decides expiry and age.

    Raises `AamvaError` naming the element (``DBB``, ``DCS``...) or ``header`` at fault.
    """
    warnings: list[str] = []
    clean = _normalise_separators(text)
    header = _read_header(clean)
    if header is None:
        body, document_type = _headerless_body(clean, warnings)
        version: int | None = None
        iin: str | None = None
    else:
        body = _subfile_body(clean, header)
        document_type = header.document_type
        version = header.version
        iin = header.iin
        if version > NEWEST_KNOWN_VERSION:
            warnings.append(
                f"AAMVA version {version} is newer than {NEWEST_KNOWN_VERSION}; "
                f"read with the version {NEWEST_KNOWN_VERSION} rules"
            )
    elements, glued = _split_elements(body, warnings)
    if header is not None:
        _check_not_truncated(body, header, len(elements), glued)
    return _interpret(elements, version, iin, document_type, today, warnings)


# --- the text --------------------------------------------------------------------------------


def _normalise_separators(text: str) -> str:
    """Make every element separator a LF and drop the other control characters.

    CR, CRLF and LF all end an element once a scanner has been through the text, so the
    line is the unit; RS and stray controls (STX, ETX, NUL) carry no data.
    """
    for spelling, control in _CONTROL_SPELLINGS:
        text = text.replace(spelling, control)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch == "\n" or ch >= " ").lstrip("\ufeff")


def _read_header(clean: str) -> _Header | None:
    match = _HEADER.search(clean)
    if match is None:
        hint = _FILE_TYPE_HINT.search(clean)
        if hint is not None and hint.start() < 40:
            raise AamvaError("header", "file type found but not followed by a 6-digit IIN")
        return None
    file_type, iin, version_text = match.groups()
    version = int(version_text)
    after = match.end()
    # Edition 1 and the pre-standard header have no jurisdiction version: try the layout the
    # version implies first, then the other, because some issuers got it wrong.
    layouts = (0, 2) if version <= 1 or file_type == "AAMVA" else (2, 0)
    for skip in layouts:
        entries_text = clean[after + skip : after + skip + 2]
        table_start = after + skip + 2
        if not entries_text.isdigit() or _DESIGNATOR.match(clean, table_start) is None:
            continue
        designators: list[tuple[str, int]] = []
        position = table_start
        for _ in range(max(int(entries_text), 1)):
            designator = _DESIGNATOR.match(clean, position)
            if designator is None:
                break
            length = int(designator.group(3))
            designators.append((designator.group(1), length))
            position = designator.end()
        card = [(kind, length) for kind, length in designators if kind in ("DL", "ID")]
        if not card:
            raise AamvaError("header", "no DL or ID subfile designator")
        kind, length = card[0]
        return _Header(
            iin=iin,
            version=version,
            document_type=kind,
            declared_length=length,
            body_search_from=position,
            other_types=tuple(k for k, _ in designators if k != kind),
        )
    if len(clean) - after < 12:
        raise AamvaError("header", "truncated: the input ends inside the header")
    raise AamvaError("header", "corrupted: no subfile designator after the version number")


def _subfile_body(clean: str, header: _Header) -> str:
    """The DL or ID subfile from its type marker to the next subfile or the end of text."""
    marker = re.compile(header.document_type + r"(?=D[A-Z]{2})")
    start_match = marker.search(clean, header.body_search_from)
    if start_match is None:
        raise AamvaError(header.document_type, "subfile not found after the header")
    start = start_match.start()
    end = len(clean)
    for other in header.other_types:
        # A jurisdiction subfile starts with its type and its first element (ZCZCA...).
        other_start = re.compile(re.escape(other) + r"(?=" + other[0] + r"[A-Z]{2})")
        found = other_start.search(clean, start + 2)
        if found is not None:
            end = min(end, found.start())
    return clean[start:end]


def _headerless_body(clean: str, warnings: list[str]) -> tuple[str, str]:
    for match in _ELEMENT_START.finditer(clean):
        if match.group(1) in _ELEMENT_IDS:
            body = clean[match.start() :]
            warnings.append("no AAMVA header: version unknown")
            if body.startswith(("DL", "ID")) and body[2:5] in _ELEMENT_IDS:
                return body, body[:2]
            # Without a header only a licence's vehicle class tells a DL from an ID card.
            kind = "DL" if re.search(r"(?:^|\n)(?:DCA|DAR)", body) else "ID"
            warnings.append(f"no subfile designator: document type {kind} inferred")
            return body, kind
    raise AamvaError("header", "neither an AAMVA header nor any AAMVA element found")


def _split_elements(body: str, warnings: list[str]) -> tuple[dict[str, str], bool]:
    """The elements by id, and whether their separators had to be reconstructed."""
    if body.startswith(("DL", "ID")):
        body = body[2:]
    lines = [line for line in body.split("\n") if line.strip()]
    glued = len(lines) < 3
    if glued:
        warnings.append("element separators missing: elements recovered by their ids")
        pairs = [pair for line in lines for pair in _split_glued(line)]
    else:
        pairs = [(line[:3], line[3:]) for line in lines]
    elements: dict[str, str] = {}
    for element_id, value in pairs:
        # The first occurrence wins: a later duplicate comes from a jurisdiction subfile.
        elements.setdefault(element_id, value.strip())
    return elements, glued


def _split_glued(line: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    seen: set[str] = set()
    position = 0
    while position < len(line) - 2:
        element_id = line[position : position + 3]
        start = position + 3
        seen.add(element_id)
        if _fits_shape(line, element_id, start):
            end = start + _FIXED_SHAPES[element_id][0]
        else:
            end = _next_element(line, start, seen)
        pairs.append((element_id, line[start:end]))
        position = end
    return pairs


def _fits_shape(line: str, element_id: str, start: int) -> bool:
    fixed = _FIXED_SHAPES.get(element_id)
    if fixed is None:
        return False
    width, shape = fixed
    return shape.fullmatch(line[start : start + width]) is not None


def _next_element(line: str, start: int, seen: set[str]) -> int:
    """Where the element after a free-text value begins.

    Free text is taken to be non-empty unless a fixed-shape element (a date, a flag) starts
    right away: "DACADADBB01012000" reads as DAC "A", DAD "", DBB 2000-01-01, because a date
    after an empty middle name is likelier than a middle name "DBB01012000".
    """
    for position in range(start, len(line) - 2):
        candidate = line[position : position + 3]
        if candidate not in _ELEMENT_IDS or candidate in seen:
            continue
        fits = _fits_shape(line, candidate, position + 3)
        if candidate in _FIXED_SHAPES and not fits:
            continue
        if position == start and not fits:
            continue
        return position
    return len(line)


def _check_not_truncated(body: str, header: _Header, element_count: int, glued: bool) -> None:
    # Issuers miscount by a character or two; a scanner that stripped the separators also
    # took one character per element. Only a shortfall beyond that means the scan stopped.
    slack = 2 + (element_count + 1 if glued else 0)
    if header.declared_length and len(body) + slack < header.declared_length:
        raise AamvaError(
            header.document_type,
            f"truncated: header declares {header.declared_length} characters, {len(body)} present",
        )


# --- the fields ------------------------------------------------------------------------------


def _interpret(
    elements: dict[str, str],
    version: int | None,
    iin: str | None,
    document_type: str,
    today: date,
    warnings: list[str],
) -> ParsedId:
    jurisdiction = _jurisdiction(elements, iin, warnings)
    country = elements.get("DCG", "").upper()
    if country not in ("USA", "CAN"):
        country = "CAN" if jurisdiction in CANADIAN_JURISDICTIONS else "USA"
    # The digit order the edition prescribes; without a header, validity alone decides.
    order: str | None
    if version is None:
        order = None
    elif version <= 1 or country == "CAN":
        order = "CCYYMMDD"
    else:
        order = "MMDDCCYY"

    family, given = _names(elements, version)
    date_of_birth = _date(elements, "DBB", order, warnings, required=True)
    assert date_of_birth is not None  # required=True never returns None
    if date_of_birth > today:
        raise AamvaError("DBB", f"date of birth {date_of_birth.isoformat()} is in the future")
    if today.year - date_of_birth.year > _OLDEST_AGE_YEARS:
        raise AamvaError(
            "DBB", f"date of birth {date_of_birth.isoformat()} is more than 125 years ago"
        )
    expiry = _date(elements, "DBA", order, warnings, required=False)
    if expiry is None:
        warnings.append("no expiry date on the card")
    elif expiry < date_of_birth:
        raise AamvaError("DBA", f"expiry {expiry.isoformat()} is before the date of birth")
    elif expiry < today:
        warnings.append(f"expired on {expiry.isoformat()}")
    for flag, what in (("DDE", "family name"), ("DDF", "first name"), ("DDG", "middle name")):
        if elements.get(flag) == "T":
            warnings.append(f"{what} truncated on the card")
    return ParsedId(
        family_name=family,
        given_names=given,
        date_of_birth=date_of_birth,
        id_last4=_id_last4(elements),
        expiry=expiry,
        jurisdiction=jurisdiction,
        document_type=document_type,
        aamva_version=version,
        warnings=tuple(warnings),
    )


def _jurisdiction(elements: dict[str, str], iin: str | None, warnings: list[str]) -> str:
    if iin is not None and iin in _IIN_TO_JURISDICTION:
        return _IIN_TO_JURISDICTION[iin]
    address_state = elements.get("DAJ", "").upper()
    if not address_state:
        if iin is not None:
            raise AamvaError("IIN", f"unknown issuer {iin} and no DAJ jurisdiction element")
        raise AamvaError("DAJ", "missing jurisdiction")
    if address_state not in JURISDICTIONS:
        raise AamvaError("DAJ", f"unknown jurisdiction {address_state!r}")
    if iin is not None:
        warnings.append(f"issuer {iin} not recognised: jurisdiction taken from DAJ")
    return address_state


def _names(elements: dict[str, str], version: int | None) -> tuple[str, str]:
    full_family, full_given = _split_full_name(elements.get("DAA", ""))
    family = _clean_name(elements.get("DCS") or elements.get("DAB") or full_family)
    if "DAC" in elements:
        given_parts = [elements["DAC"], elements.get("DAD", "")]
    elif "DCT" in elements:
        given_parts = [elements["DCT"]]
    else:
        given_parts = [full_given]
    given = " ".join(
        part
        for part in (_clean_name(p) for p in given_parts)
        if part and part not in _NAME_PLACEHOLDERS
    )
    # Name the element the edition at hand would have carried the name in.
    edition_one = version is not None and version <= 1
    if edition_one or (version is None and "DAA" in elements and "DCS" not in elements):
        family_field = given_field = "DAA"
    else:
        family_field = "DCS"
        given_field = "DCT" if version in (2, 3) else "DAC"
    if not family or family in _NAME_PLACEHOLDERS:
        raise AamvaError(family_field, "missing family name")
    if not given:
        raise AamvaError(given_field, "missing given name")
    return family, given


def _split_full_name(full: str) -> tuple[str, str]:
    """DAA holds LAST,FIRST,MIDDLE[,SUFFIX] or the same with spaces (edition 1)."""
    full = full.replace("$", ",").strip()
    if not full:
        return "", ""
    parts = [p.strip() for p in full.split(",")] if "," in full else full.split()
    parts = [p for p in parts if p and p.upper().rstrip(".") not in _NAME_SUFFIXES]
    if not parts:
        return "", ""
    return parts[0], " ".join(parts[1:])


def _clean_name(value: str) -> str:
    return " ".join(value.replace(",", " ").split()).upper()


def _date(
    elements: dict[str, str], field: str, order: str | None, warnings: list[str], *, required: bool
) -> date | None:
    raw = elements.get(field)
    if raw is None:
        if required:
            raise AamvaError(field, "missing")
        return None
    raw = raw.strip()
    if not required and raw in _NO_EXPIRY:
        return None
    if not re.fullmatch(r"\d{8}", raw):
        raise AamvaError(field, f"impossible date {raw!r}: expected 8 digits")
    readings = {
        "CCYYMMDD": _date_or_none(int(raw[:4]), int(raw[4:6]), int(raw[6:])),
        "MMDDCCYY": _date_or_none(int(raw[4:]), int(raw[:2]), int(raw[2:4])),
    }
    # The two orders never both give a date in 1880-2200, so validity settles it.
    for name, reading in readings.items():
        if reading is not None:
            if order is not None and name != order:
                warnings.append(f"{field} written {name}, not {order} as the edition requires")
            return reading
    raise AamvaError(field, f"impossible date {raw!r}")


def _date_or_none(year: int, month: int, day: int) -> date | None:
    # Outside these years a "valid" reading is a misreading of the other digit order.
    if not 1880 <= year <= 2200:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _id_last4(elements: dict[str, str]) -> str:
    number = "".join(ch for ch in elements.get("DAQ", "") if ch.isalnum()).upper()
    if not number:
        raise AamvaError("DAQ", "missing customer ID number")
    # Four characters of a number this short would be most of it: refuse rather than keep it.
    if len(number) < 5:
        raise AamvaError("DAQ", f"customer ID number has only {len(number)} characters")
    return number[-4:]
