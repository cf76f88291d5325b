"""Thin adapters for sending: one paho-mqtt connection per sending round, and signed POSTs.

Webhooks are signed exactly as our own receiver checks them
(vigil/integrations/webhooks/client.py): HMAC-SHA256 over ``timestamp + "." + body`` in
``X-Vigil-Signature``, the Unix time in ``X-Vigil-Timestamp``. Each attempt is signed afresh, so
a retry is not refused as a replay of the first.
"""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid
from types import TracebackType
from typing import Self

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from vigil.integrations.outbound.config import OutboundSettings
from vigil.integrations.webhooks.client import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

DELIVERY_HEADER = "X-Vigil-Delivery"
USER_AGENT = "Vigil-Outbound/1"


class DeliveryError(Exception):
    """Why one attempt failed (kept as the delivery's last error; never contains a secret)."""


def post_webhook(
    url: str, *, secret: str, body: bytes, timestamp: int, delivery_id: int, timeout: float
) -> int:
    """POST ``body`` signed with ``secret``; return the HTTP status. Raise on anything but 2xx."""
    if not url.startswith(("http://", "https://")):
        raise DeliveryError("the URL must start with http:// or https://")
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(secret, timestamp, body),
            DELIVERY_HEADER: str(delivery_id),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"the receiver answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"cannot reach the receiver: {reason}") from exc


class MqttPublisher:
    """A clean-session connection that publishes with QoS 1 and waits for each PUBACK."""

    def __init__(self, settings: OutboundSettings, timeout: float = 5.0) -> None:
        self.settings = settings
        self.timeout = timeout
        self.client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=f"{settings.mqtt_client_id}-{uuid.uuid4().hex[:8]}",
            clean_session=True,
        )
        if settings.mqtt_username:
            self.client.username_pw_set(settings.mqtt_username, settings.mqtt_password or None)

    def __enter__(self) -> Self:
        try:
            self.client.connect(self.settings.mqtt_host, self.settings.mqtt_port, keepalive=30)
        except OSError as exc:
            raise DeliveryError(
                f"cannot reach the MQTT broker at {self.settings.mqtt_host}:"
                f"{self.settings.mqtt_port}: {exc}"
            ) from exc
        self.client.loop_start()
        return self

    def publish(self, topic: str, body: bytes) -> None:
        info = self.client.publish(topic, body, qos=1, retain=False)
        if info.rc != mqtt.MQTT_ERR_SUCCESS:
            raise DeliveryError(f"publish refused: {mqtt.error_string(info.rc)}")
        try:
            info.wait_for_publish(timeout=self.timeout)
        except (RuntimeError, ValueError) as exc:
            raise DeliveryError(f"publish failed: {exc}") from exc
        if not info.is_published():
            raise DeliveryError(f"the broker did not acknowledge within {self.timeout:g} s")

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.client.disconnect()
        self.client.loop_stop()
