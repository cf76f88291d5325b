"""A parsed SIA DC-09 event (pysiaalarm's SIAEvent) → a normalised Vigil event. Pure.

Both SIA-DCS codes and Contact ID (ADM-CID, which pysiaalarm maps to the equivalent SIA code
using the table in ../shared/reference/) land here as a two-letter SIA code. Automatic tests
(RP) are the panel's heartbeat: they prove the link and show nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from vigil.events.choices import EventType, Severity
from vigil.events.pipeline import Inbound, NormalizationError, Normalized

HEARTBEAT_CODES = frozenset({"RP"})

CODE_TYPES: dict[str, EventType] = {
    "BA": EventType.BURGLARY,
    "BV": EventType.BURGLARY,
    "FA": EventType.FIRE,
    "PA": EventType.PANIC,
    "HA": EventType.PANIC,  # holdup / duress
    "MA": EventType.MEDICAL,
    "DF": EventType.DOOR_FORCED,
    "DL": EventType.DOOR_HELD,
    "TA": EventType.TAMPER,
    "OP": EventType.OPENING,
    "OA": EventType.OPENING,
    "CL": EventType.CLOSING,
    "CA": EventType.CLOSING,
    "BB": EventType.BYPASS,
    "UB": EventType.BYPASS,
    "FT": EventType.TROUBLE,
    "AT": EventType.TROUBLE,
    "YT": EventType.TROUBLE,
    "YS": EventType.TROUBLE,
    "YC": EventType.COMMUNICATION_LOST,
}
# Restorals end a condition: shown, but never as an alarm.
RESTORAL_CODES = frozenset({"BR", "FR", "TR", "DR", "DH"})


def normalize_sia(message: Inbound, event: Any) -> Normalized | None:
    """``event`` is a valid, account-matched pysiaalarm SIAEvent for ``message``."""
    code = (event.code or "").upper()
    if not code:
        raise NormalizationError("code", "the message carries no event code")
    if code in HEARTBEAT_CODES:
        return None
    account = str(event.account or "").upper()
    # "Nri1/BA501": partition (ri) 1, code BA, zone or point 501 (pysiaalarm's "message").
    zone = str(event.message or "")
    partition = str(event.ri or "")
    restoral = code in RESTORAL_CODES
    event_type = CODE_TYPES.get(code, EventType.OTHER)
    described = event.sia_code.type if getattr(event, "sia_code", None) else code
    occurred_at = event.timestamp if isinstance(event.timestamp, datetime) else message.received_at
    return Normalized(
        # Each frame is its own event: the panel's sequence number repeats across days.
        source_event_id=message.dedupe_key,
        event_type=event_type,
        title=f"{described} – zone {zone}" if zone else str(described),
        occurred_at=occurred_at,
        device=account,
        severity=Severity.INFO if restoral else None,
        data={
            "code": code,
            "zone": zone,
            "partition": partition,
            "account": account,
            "message_type": str(getattr(event.message_type, "value", event.message_type)),
            "restoral": restoral,
        },
    )
