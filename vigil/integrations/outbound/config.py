"""Outbound settings (environment) and the checks behind a target's "problems" list.

The broker is the one the MQTT receiver uses (``VIGIL_MQTT_URL``) unless
``VIGIL_OUTBOUND_MQTT_URL`` names another. Credentials in the URL are never shown: the
diagnostics page gets ``redacted()``.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from vigil.integrations.outbound.models import OutboundTarget, TargetKind

MIN_SECRET_LENGTH = 32
MAX_TOPIC_PREFIX = 200


@dataclass(frozen=True)
class OutboundSettings:
    mqtt_host: str
    mqtt_port: int
    mqtt_username: str
    mqtt_password: str
    mqtt_client_id: str
    webhook_timeout_s: float  # per request: a slow receiver must not hold the sender
    max_attempts: int  # after this many failures a delivery is marked failed
    backoff_base_s: float  # wait before retry n: base * 2**(n-1), capped at backoff_max_s
    backoff_max_s: float
    cap_sender: str  # CAP <sender>: unique to this installation, e.g. its host name

    def backoff(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failed try."""
        return float(min(self.backoff_max_s, self.backoff_base_s * 2 ** max(0, attempts - 1)))

    def redacted(self) -> dict[str, str]:
        user = f"{self.mqtt_username}:***@" if self.mqtt_username else ""
        return {
            "MQTT broker": f"mqtt://{user}{self.mqtt_host}:{self.mqtt_port}",
            "MQTT client id": self.mqtt_client_id,
            "Webhook timeout": f"{self.webhook_timeout_s:g} s",
            "Attempts before failing": str(self.max_attempts),
            "Backoff": f"{self.backoff_base_s:g} s doubling, at most {self.backoff_max_s:g} s",
            "CAP sender": self.cap_sender,
        }


def load() -> OutboundSettings:
    url = urlsplit(
        os.environ.get("VIGIL_OUTBOUND_MQTT_URL")
        or os.environ.get("VIGIL_MQTT_URL", "mqtt://127.0.0.1:1883")
    )
    return OutboundSettings(
        mqtt_host=url.hostname or "127.0.0.1",
        mqtt_port=url.port or 1883,
        mqtt_username=url.username or "",
        mqtt_password=url.password or "",
        mqtt_client_id=os.environ.get("VIGIL_OUTBOUND_MQTT_CLIENT_ID", "vigil-outbound"),
        webhook_timeout_s=float(os.environ.get("VIGIL_OUTBOUND_TIMEOUT_S", "5")),
        max_attempts=int(os.environ.get("VIGIL_OUTBOUND_MAX_ATTEMPTS", "8")),
        backoff_base_s=float(os.environ.get("VIGIL_OUTBOUND_BACKOFF_S", "5")),
        backoff_max_s=float(os.environ.get("VIGIL_OUTBOUND_BACKOFF_MAX_S", "900")),
        cap_sender=os.environ.get("VIGIL_CAP_SENDER", "") or socket.getfqdn() or "vigil",
    )


def check(target: OutboundTarget) -> list[str]:
    """Problems that would make deliveries to this target fail or unsafe; empty when fine."""
    problems = []
    if not target.active:
        problems.append("The target is inactive: no deliveries are written for it.")
    if target.kind == TargetKind.MQTT:
        prefix = target.topic_prefix
        if not prefix:
            problems.append("The topic prefix is empty.")
        elif any(c in prefix for c in "#+\0") or prefix.startswith("$") or prefix.endswith("/"):
            problems.append("The topic prefix must not contain # or +, start with $ or end in /.")
    else:
        scheme = urlsplit(target.url).scheme
        if scheme not in {"http", "https"}:
            problems.append("The URL must start with http:// or https://.")
        elif scheme == "http":
            problems.append("The URL is plain http: event details cross the network unencrypted.")
        if len(target.secret) < MIN_SECRET_LENGTH:
            problems.append(f"The secret is shorter than {MIN_SECRET_LENGTH} characters.")
    return problems
