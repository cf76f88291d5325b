"""MQTT settings (environment) and the "test connection" check."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

FRIGATE_EVENTS = "frigate/events"
FRIGATE_REVIEWS = "frigate/reviews"


@dataclass(frozen=True)
class MqttSettings:
    host: str
    port: int
    username: str
    password: str
    client_id: str
    share_group: str  # several ingest workers with the same group split the messages
    frigate_prefix: str

    def subscription(self, topic: str) -> str:
        return f"$share/{self.share_group}/{topic}" if self.share_group else topic


def load(worker: int = 1) -> MqttSettings:
    """The settings of ingest worker ``worker``: workers after the first add ``-N`` to the
    client id, since the broker keeps one session per client id and they share one group."""
    url = urlsplit(os.environ.get("VIGIL_MQTT_URL", "mqtt://127.0.0.1:1883"))
    client_id = os.environ.get("VIGIL_MQTT_CLIENT_ID", "vigil-ingest")
    return MqttSettings(
        host=url.hostname or "127.0.0.1",
        port=url.port or 1883,
        username=url.username or "",
        password=url.password or "",
        client_id=client_id if worker == 1 else f"{client_id}-{worker}",
        share_group=os.environ.get("VIGIL_MQTT_SHARE_GROUP", "vigil"),
        frigate_prefix=os.environ.get("VIGIL_FRIGATE_TOPIC_PREFIX", "frigate"),
    )


def check(settings: MqttSettings, timeout: float = 3.0) -> list[str]:
    """Problems reaching the broker; empty when a TCP connection opens."""
    try:
        with socket.create_connection((settings.host, settings.port), timeout=timeout):
            return []
    except OSError as exc:
        return [f"Cannot reach the MQTT broker at {settings.host}:{settings.port}: {exc}"]
