"""A thin adapter over paho-mqtt: a persistent QoS 1 session whose messages are acknowledged
only when our handler says they are safely stored.

paho's ``manual_ack`` holds back the PUBACK; the broker keeps an unacknowledged message in the
session (``clean_session=False``) and delivers it again after a reconnect, so a crash between
receipt and commit loses nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from vigil.integrations.mqtt.config import MqttSettings

log = logging.getLogger("vigil.mqtt")

# (topic, payload) -> True when the message is stored and may be acknowledged.
Handler = Callable[[str, bytes], bool]


class IngestClient:
    def __init__(self, settings: MqttSettings, topics: Sequence[str], handler: Handler) -> None:
        self.settings = settings
        self.topics = list(topics)
        self.handler = handler
        self.client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=settings.client_id,
            clean_session=False,
            manual_ack=True,
        )
        if settings.username:
            self.client.username_pw_set(settings.username, settings.password or None)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message

    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any
    ) -> None:
        if reason.is_failure:
            log.error("MQTT connection refused: %s", reason)
            return
        # Subscribing again on every connect is harmless and covers a broker that lost state.
        client.subscribe([(self.settings.subscription(t), 1) for t in self.topics])

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        if self.handler(message.topic, bytes(message.payload)):
            client.ack(message.mid, message.qos)

    def run_forever(self) -> None:
        self.client.connect(self.settings.host, self.settings.port, keepalive=30)
        self.client.loop_forever(retry_first_connection=True)

    def stop(self) -> None:
        self.client.disconnect()
