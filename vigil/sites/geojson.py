"""GeoJSON serialisers for the campus map: one FeatureCollection per layer.

The server decides what a feature looks like (fill colour by area type, outline by risk,
asset symbol by kind) so the map script, the legend and the responder card agree. The
serialisers read ``values()`` rows, not model instances: a campus has hundreds of features
and the map must stay fast (docs/benchmarks-kb.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from vigil.sites.choices import (
    RISK_COLOURS,
    AreaType,
    AssetKind,
    DoorUse,
    RiskClass,
    SurroundingKind,
    Utility,
)

# Fill colour of an area by type, in families: teaching (blue), circulation (grey), wet and
# changing rooms (teal), sport (green), assembly (purple), service (brown), grounds (pale).
AREA_FILL: dict[str, str] = {
    AreaType.CLASSROOM: "#9ec5fe",
    AreaType.PORTABLE: "#6ea8fe",
    AreaType.HALLWAY: "#dee2e6",
    AreaType.STAIRWAY: "#adb5bd",
    AreaType.RESTROOM_STUDENT: "#8fd3d0",
    AreaType.RESTROOM_STAFF: "#b8e4e2",
    AreaType.LOCKER_ROOM: "#5fbfba",
    AreaType.GYM: "#a3cfbb",
    AreaType.POOL: "#7cc4e8",
    AreaType.THEATER: "#c5b3e6",
    AreaType.CAFETERIA: "#e2c6f0",
    AreaType.OFFICE: "#ffe69c",
    AreaType.STAFF_ROOM: "#fff3c4",
    AreaType.STORAGE: "#d3b99f",
    AreaType.CUSTODIAL: "#c19a74",
    AreaType.COURTYARD: "#e9f5db",
    AreaType.PARKING_LOT: "#ced4da",
    AreaType.PLAYING_FIELD: "#b7e4a7",
    AreaType.OUTBUILDING: "#bfa58a",
    AreaType.OTHER: "#e9ecef",
}

# Short symbol text of an asset marker; doors show their number instead.
ASSET_SYMBOL: dict[str, str] = {
    AssetKind.EXTERIOR_DOOR: "D",
    AssetKind.WINDOW: "W",
    AssetKind.PULL_STATION: "PS",
    AssetKind.ALARM_PANEL: "AP",
    AssetKind.UTILITY_SHUTOFF: "U",
    AssetKind.CAMERA: "C",
    AssetKind.CHECKPOINT: "CP",
    AssetKind.AED: "AED",
    AssetKind.FIRST_AID: "+",
    AssetKind.FIRE_EXTINGUISHER: "FE",
    AssetKind.HAZMAT: "!",
    AssetKind.KNOX_BOX: "K",
}
UTILITY_SYMBOL: dict[str, str] = {
    Utility.GAS: "G",
    Utility.WATER: "W",
    Utility.ELECTRIC: "E",
    Utility.HVAC: "H",
    Utility.FIRE_SPRINKLER: "S",
}

_AREA_LABELS = dict(AreaType.choices)
_RISK_LABELS = dict(RiskClass.choices)
_KIND_LABELS = dict(AssetKind.choices)
_DOOR_LABELS = dict(DoorUse.choices)
_UTILITY_LABELS = dict(Utility.choices)
_SURROUNDING_LABELS = dict(SurroundingKind.choices)


def feature(geometry: Mapping[str, Any] | None, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def collection(features: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [f for f in features if f["geometry"]]}


def area_style(area_type: str, risk: str) -> dict[str, Any]:
    """Fill by type; outline colour and weight by risk (high risk is thick and red)."""
    return {
        "fill": AREA_FILL.get(area_type, AREA_FILL[AreaType.OTHER]),
        "stroke": RISK_COLOURS.get(RiskClass(risk), "#495057") if risk else "#495057",
        "weight": {"high": 3, "medium": 1.5}.get(risk, 1),
    }


def asset_symbol(kind: str, utility: str, number: int | None) -> str:
    if kind == AssetKind.EXTERIOR_DOOR and number is not None:
        return str(number)
    if kind == AssetKind.UTILITY_SHUTOFF and utility:
        return UTILITY_SYMBOL.get(utility, "U")
    return ASSET_SYMBOL.get(kind, "?")


def asset_label(kind: str, name: str, number: int | None) -> str:
    if kind == AssetKind.EXTERIOR_DOOR and number is not None:
        return f"Door {number} – {name}"
    return name


def boundary_feature(school: Mapping[str, Any]) -> dict[str, Any]:
    return feature(school["boundary"], {"id": school["id"], "name": school["name"]})


def building_feature(row: Mapping[str, Any], *, card_url: str, page_url: str) -> dict[str, Any]:
    return feature(
        row["footprint"],
        {
            "id": row["id"],
            "name": row["name"],
            "code": row["code"],
            "notes": row["notes"],
            "url": page_url,
            "card_url": card_url,
        },
    )


def area_feature(row: Mapping[str, Any]) -> dict[str, Any]:
    return feature(
        row["geometry"],
        {
            "id": row["id"],
            "name": row["name"],
            "code": row["code"],
            "area_type": row["area_type"],
            "type_label": _AREA_LABELS.get(row["area_type"], row["area_type"]),
            "risk": row["risk"],
            "risk_label": _RISK_LABELS.get(row["risk"], row["risk"]),
            "isolated": row["isolated"],
            "notes": row["notes"],
            "building": row["building__code"],
            "level": row["level__ordinal"],
            **area_style(row["area_type"], row["risk"]),
        },
    )


def asset_feature(row: Mapping[str, Any], *, photo_url: str | None) -> dict[str, Any]:
    kind, number, utility = row["kind"], row["number"], row["utility"]
    return feature(
        row["location"],
        {
            "id": row["id"],
            "kind": kind,
            "kind_label": _KIND_LABELS.get(kind, kind),
            "label": asset_label(kind, row["name"], number),
            "symbol": asset_symbol(kind, utility, number),
            "number": number,
            "door_use": _DOOR_LABELS.get(row["door_use"], ""),
            "utility": utility,
            "utility_label": _UTILITY_LABELS.get(utility, ""),
            "operating_steps": row["operating_steps"],
            "heading_deg": row["heading_deg"],
            "field_of_view_deg": row["field_of_view_deg"],
            "tag_id": row["tag_id"],
            "notes": row["notes"],
            "building": row["building__code"],
            "level": row["level__ordinal"],
            "area": row["area__name"] or "",
            "photo_url": photo_url,
        },
    )


def surrounding_feature(row: Mapping[str, Any]) -> dict[str, Any]:
    return feature(
        row["geometry"],
        {
            "id": row["id"],
            "kind": row["kind"],
            "kind_label": _SURROUNDING_LABELS.get(row["kind"], row["kind"]),
            "name": row["name"],
            "contact_name": row["contact_name"],
            "contact_phone": row["contact_phone"],
            "notes": row["notes"],
        },
    )


def legend() -> dict[str, list[dict[str, str]]]:
    """What the map's legend shows, from the same tables the features use."""
    return {
        "areas": [
            {"label": str(label), "colour": AREA_FILL[value]} for value, label in AreaType.choices
        ],
        "risks": [
            {"label": f"{label} risk", "colour": RISK_COLOURS[RiskClass(value)], "value": value}
            for value, label in RiskClass.choices
        ],
        "assets": [
            {"label": str(label), "symbol": ASSET_SYMBOL[value], "kind": value}
            for value, label in AssetKind.choices
        ],
        "utilities": [
            {"label": f"{label} shutoff", "symbol": UTILITY_SYMBOL[value]}
            for value, label in Utility.choices
        ],
    }
