"""The CAP 1.2 structure (OASIS CAP v1.2, section 3 and its XML schema), checked explicitly.

No CAP XSD (nor lxml/xmlschema) is available offline here, so this module encodes what the
schema says: for each element, its children in order with their cardinality, the enumerated
values, the dateTime pattern, and the rules the specification adds in prose (restriction with
scope Restricted, references with Update/Cancel, closed polygons of at least four points).
``problems(xml)`` returns every violation; an empty list means the alert is valid.
"""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

NS = "urn:oasis:names:tc:emergency:cap:1.2"
MANY = 10**9

# element → [(child, min, max)], in the order the schema's <sequence> requires.
SEQUENCES: dict[str, list[tuple[str, int, int]]] = {
    "alert": [
        ("identifier", 1, 1),
        ("sender", 1, 1),
        ("sent", 1, 1),
        ("status", 1, 1),
        ("msgType", 1, 1),
        ("source", 0, 1),
        ("scope", 1, 1),
        ("restriction", 0, 1),
        ("addresses", 0, 1),
        ("code", 0, MANY),
        ("note", 0, 1),
        ("references", 0, 1),
        ("incidents", 0, 1),
        ("info", 0, MANY),
    ],
    "info": [
        ("language", 0, 1),
        ("category", 1, MANY),
        ("event", 1, 1),
        ("responseType", 0, MANY),
        ("urgency", 1, 1),
        ("severity", 1, 1),
        ("certainty", 1, 1),
        ("audience", 0, 1),
        ("eventCode", 0, MANY),
        ("effective", 0, 1),
        ("onset", 0, 1),
        ("expires", 0, 1),
        ("senderName", 0, 1),
        ("headline", 0, 1),
        ("description", 0, 1),
        ("instruction", 0, 1),
        ("web", 0, 1),
        ("contact", 0, 1),
        ("parameter", 0, MANY),
        ("resource", 0, MANY),
        ("area", 0, MANY),
    ],
    "eventCode": [("valueName", 1, 1), ("value", 1, 1)],
    "parameter": [("valueName", 1, 1), ("value", 1, 1)],
    "geocode": [("valueName", 1, 1), ("value", 1, 1)],
    "area": [
        ("areaDesc", 1, 1),
        ("polygon", 0, MANY),
        ("circle", 0, MANY),
        ("geocode", 0, MANY),
        ("altitude", 0, 1),
        ("ceiling", 0, 1),
    ],
}
ENUMS: dict[str, set[str]] = {
    "status": {"Actual", "Exercise", "System", "Test", "Draft"},
    "msgType": {"Alert", "Update", "Cancel", "Ack", "Error"},
    "scope": {"Public", "Restricted", "Private"},
    "category": {
        "Geo",
        "Met",
        "Safety",
        "Security",
        "Rescue",
        "Fire",
        "Health",
        "Env",
        "Transport",
        "Infra",
        "CBRNE",
        "Other",
    },
    "responseType": {
        "Shelter",
        "Evacuate",
        "Prepare",
        "Execute",
        "Avoid",
        "Monitor",
        "Assess",
        "AllClear",
        "None",
    },
    "urgency": {"Immediate", "Expected", "Future", "Past", "Unknown"},
    "severity": {"Extreme", "Severe", "Moderate", "Minor", "Unknown"},
    "certainty": {"Observed", "Likely", "Possible", "Unlikely", "Unknown"},
}
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[-+]\d{2}:\d{2}$")
DATETIMES = {"sent", "effective", "onset", "expires"}
NO_SPECIALS = re.compile(r"^[^\s,<&]+$")
POINT = r"-?\d+(\.\d+)?,-?\d+(\.\d+)?"
CIRCLE = re.compile(rf"^{POINT} \d+(\.\d+)?$")


def _local(element: ET.Element) -> str:
    tag = element.tag
    if not tag.startswith(f"{{{NS}}}"):
        return f"(wrong namespace) {tag}"
    return tag.split("}", 1)[1]


def _check_sequence(element: ET.Element, path: str, problems: list[str]) -> None:
    name = _local(element)
    sequence = SEQUENCES.get(name)
    children = list(element)
    if sequence is None:
        if children:
            problems.append(f"{path}: <{name}> must not have child elements")
        return
    position = 0
    for child_name, low, high in sequence:
        seen = 0
        while position < len(children) and _local(children[position]) == child_name:
            seen += 1
            position += 1
        if seen < low:
            problems.append(f"{path}: <{child_name}> is required (in order)")
        if seen > high:
            problems.append(f"{path}: <{child_name}> appears {seen} times (at most {high})")
    if position < len(children):
        problems.append(f"{path}: <{_local(children[position])}> is unexpected or out of order")
    for child in children:
        _check_sequence(child, f"{path}/{_local(child)}", problems)


def problems(xml: bytes) -> list[str]:
    found: list[str] = []
    root = ET.fromstring(xml)  # noqa: S314 - our own output, in a test
    if _local(root) != "alert":
        return [f"the root is <{_local(root)}>, not <alert> in {NS}"]
    _check_sequence(root, "alert", found)
    for element in root.iter():
        name = _local(element)
        text = element.text or ""
        if name in ENUMS and text not in ENUMS[name]:
            found.append(f"<{name}> {text!r} is not one of {sorted(ENUMS[name])}")
        if name in DATETIMES and not DATETIME.match(text):
            found.append(f"<{name}> {text!r} is not a CAP dateTime")
        if name in {"identifier", "sender"} and not NO_SPECIALS.match(text):
            found.append(f"<{name}> {text!r} has spaces, commas, < or &")
        if name == "polygon":
            pairs = text.split(" ")
            if len(pairs) < 4 or pairs[0] != pairs[-1]:
                found.append(f"<polygon> must be closed with at least 4 points: {text!r}")
            if not all(re.fullmatch(POINT, p) for p in pairs):
                found.append(f"<polygon> {text!r} is not lat,lon pairs")
        if name == "circle" and not CIRCLE.match(text):
            found.append(f"<circle> {text!r} is not 'lat,lon radius'")
    scope = root.findtext(f"{{{NS}}}scope")
    if scope == "Restricted" and not root.findtext(f"{{{NS}}}restriction"):
        found.append("scope Restricted needs <restriction>")
    message_type = root.findtext(f"{{{NS}}}msgType")
    references = root.findtext(f"{{{NS}}}references") or ""
    if message_type in {"Update", "Cancel"}:
        if not references:
            found.append(f"msgType {message_type} needs <references>")
        for reference in references.split(" "):
            if reference and len(reference.split(",")) != 3:
                found.append(f"<references> entry {reference!r} is not sender,identifier,sent")
    return found
