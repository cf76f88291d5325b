from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from vigil.events.choices import EventType, Severity
from vigil.events.pipeline import Inbound, NormalizationError
from vigil.integrations.mqtt import normalize

PAYLOADS = Path(__file__).parent / "payloads"
START = datetime.fromtimestamp(1733152597.08157, tz=UTC)


def _inbound(payload: bytes, topic: str = "frigate/events") -> Inbound:
    return Inbound(
        source="frigate", payload=payload, received_at=START, dedupe_key="k", topic=topic
    )


def _file(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def test_frigate_new_update_end_are_one_event() -> None:
    new, update, end = (
        normalize.frigate_event(_inbound(_file(f"frigate_event_{k}.json")))
        for k in ("new", "update", "end")
    )
    assert new is not None
    assert update is not None
    assert end is not None
    assert new.source_event_id == update.source_event_id == end.source_event_id
    assert (new.event_type, new.device, new.occurred_at, new.ended) == (
        EventType.PERSON_DETECTED,
        "gym_back_door",
        START,
        False,
    )
    assert new.title == "Person on camera gym_back_door in behind_gym"
    assert dict(new.data) == {
        "label": "person",
        "top_score": 0.83984375,
        "zones": ["behind_gym"],
        "has_clip": True,
        "has_snapshot": True,
    }
    assert end.ended is True
    assert update.data["top_score"] == 0.91


def test_frigate_unknown_fields_are_ignored() -> None:
    document = json.loads(_file("frigate_event_new.json"))
    document["after"]["a_field_from_frigate_0_99"] = {"nested": [1, 2]}
    document["brand_new_top_level"] = True
    assert normalize.frigate_event(_inbound(json.dumps(document).encode())) is not None


def test_frigate_false_positive_shows_nothing() -> None:
    document = json.loads(_file("frigate_event_new.json"))
    document["after"]["false_positive"] = True
    assert normalize.frigate_event(_inbound(json.dumps(document).encode())) is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["after"].pop("id"), "after.id"),
        (lambda d: d["after"].pop("camera"), "after.camera"),
        (lambda d: d.update(type="moved"), "type"),
        (lambda d: d["after"].update(start_time="yesterday"), "after.start_time"),
        (lambda d: d.update(after=[]), "after"),
    ],
)
def test_frigate_bad_messages_name_the_field(change: object, field: str) -> None:
    document = json.loads(_file("frigate_event_new.json"))
    change(document)  # type: ignore[operator]
    with pytest.raises(NormalizationError) as excinfo:
        normalize.frigate_event(_inbound(json.dumps(document).encode()))
    assert excinfo.value.field == field


def test_malformed_json_names_the_payload() -> None:
    with pytest.raises(NormalizationError, match="payload: is not valid JSON"):
        normalize.frigate_event(_inbound(b"{oops"))


def test_frigate_review_alert_is_high() -> None:
    review = normalize.frigate_review(_inbound(_file("frigate_review_new.json"), "frigate/reviews"))
    assert review is not None
    assert (review.source_event_id, review.severity, review.title) == (
        "review:1733152597.1-abc123",
        Severity.HIGH,
        "Alert on camera gym_back_door: person",
    )


def test_generic_topic_follows_its_field_map() -> None:
    payload = json.dumps(
        {
            "evt": {"uid": "v-99", "kind": "VAPE", "at": "2026-11-28T10:15:00+00:00"},
            "sensors": [{"name": "B2-restroom-halo"}],
            "battery": 87,
        }
    ).encode()
    event = normalize.generic(
        _inbound(payload, "sensors/halo"),
        field_map={
            "id": "evt.uid",
            "type": "evt.kind",
            "occurred_at": "evt.at",
            "device": "sensors[0].name",
        },
        type_map={"VAPE": "vape", "AGGRESSION": "sound"},
        default_type="other",
    )
    assert (event.source_event_id, event.event_type, event.device, event.title) == (
        "v-99",
        EventType.VAPE_DETECTED,
        "B2-restroom-halo",
        "Vape / smoke detected",
    )
    assert event.occurred_at == datetime(2026, 11, 28, 10, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"ts": 1733152597}, "id"),
        ({"uid": "x"}, "occurred_at"),
        ({"uid": "x", "ts": "2026-11-28T10:15:00"}, "occurred_at"),
    ],
)
def test_generic_bad_message_names_the_field(payload: dict[str, object], field: str) -> None:
    with pytest.raises(NormalizationError) as excinfo:
        normalize.generic(
            _inbound(json.dumps(payload).encode(), "sensors/x"),
            field_map={"id": "uid", "occurred_at": "ts"},
            type_map={},
            default_type="other",
        )
    assert excinfo.value.field == field


def test_extract_paths() -> None:
    document = {"a": {"b": [{"c": 1}, {"c": 2}]}}
    assert normalize.extract(document, "a.b[1].c") == 2
    assert normalize.extract(document, "a.b[5].c") is None
    assert normalize.extract(document, "a.x") is None
