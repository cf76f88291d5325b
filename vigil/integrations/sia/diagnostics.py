"""The SIA DC-09 receiver as an operator sees it: accounts and their supervision state, the
receiver's refusals (NAK, DUH) and the frames that could not be made into events.

AES keys are never shown: only whether an account has one, and its length (which says AES-128,
-192 or -256, as the panel's programming sheet does).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.utils import timezone

from vigil.integrations import diagnostics
from vigil.integrations.sia.models import SiaAccount
from vigil.integrations.sia.runner import SOURCE

AES_BITS = {16: 128, 24: 192, 32: 256}


def key_state(key: str) -> str:
    if not key:
        return "none (clear text)"
    bits = AES_BITS.get(len(key))
    return f"set (hidden), AES-{bits}" if bits else "set (hidden), invalid length"


def supervision_state(account: SiaAccount, now: datetime) -> str:
    if not account.active:
        return "inactive"
    if account.last_seen_at is None:
        return "never heard"
    deadline = account.last_seen_at + timedelta(seconds=account.supervision_seconds)
    return "communication lost" if deadline <= now else "reporting"


def account_rows(accounts: Iterable[SiaAccount], now: datetime) -> list[dict[str, str]]:
    return [
        {
            "account": a.account_id,
            "school": str(a.school),
            "panel": str(a.panel) if a.panel_id else "",
            "key": key_state(a.key),
            "supervision": f"{a.supervision_seconds} s",
            "last_seen": diagnostics.when(a.last_seen_at, now),
            "state": supervision_state(a, now),
        }
        for a in accounts
    ]


def snapshot(
    accounts: Iterable[SiaAccount],
    *,
    now: datetime | None = None,
    last: int = diagnostics.LAST_REJECTED,
) -> diagnostics.Snapshot:
    now = now or timezone.now()
    rows = account_rows(accounts, now)
    last_at = diagnostics.last_message_at([SOURCE])
    lost = [r["account"] for r in rows if r["state"] == "communication lost"]
    return diagnostics.Snapshot(
        title="Alarm panels (SIA DC-09)",
        settings=[
            diagnostics.Setting("Receiver", "vigil ingest sia --port N [--udp]"),
            diagnostics.Setting("Protocols", "SIA-DCS and ADM-CID, clear or AES-encrypted"),
            diagnostics.Setting("Accounts", str(len(rows))),
            diagnostics.Setting(
                "Encrypted accounts", str(sum(1 for r in rows if r["key"].startswith("set")))
            ),
            diagnostics.Setting("Counted as", SOURCE),
        ],
        state=[
            diagnostics.Setting("Last frame", diagnostics.when(last_at, now)),
            diagnostics.Setting(
                "Panels silent past their interval", ", ".join(lost) if lost else "none"
            ),
        ],
        problems=[f"Communication lost with panel {a}." for a in lost],
        counters=diagnostics.counters([SOURCE]),
        rejected=diagnostics.rejected([SOURCE], last=last),
        last_message_at=last_at,
        extra={"accounts": rows},
    )
