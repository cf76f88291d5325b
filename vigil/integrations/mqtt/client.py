"""A thin adapter over paho-mqtt: a persistent QoS 1 session whose messages are acknowledged
only when our handler says they are safely stored.

paho's ``manual_ack`` holds back the PUBACK; the broker keeps an unacknowledged message in the
session (MQTT 5, ``clean_start=False`` with a session expiry) and delivers it again after a
reconnect, so a crash between receipt and commit loses nothing. Messages are handed over in
batches (up to ``BATCH_SIZE``, or whatever arrived within ``BATCH_WAIT_S``) so one transaction
stores many; the network loop and the handler run in one thread, so nothing is acknowledged
before its batch is committed.

Why MQTT 5: a broker sends an MQTT 3.1.1 client at most ``max_inflight_messages``
unacknowledged QoS 1 messages (Mosquitto's default is 20), so acknowledging after commit capped
every batch at 20 messages and the worker at a few hundred a second. An MQTT 5 client states
its own Receive Maximum, which lets a whole batch be in flight.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from vigil.integrations.mqtt.config import MqttSettings

log = logging.getLogger("vigil.mqtt")

BATCH_SIZE = 500
BATCH_WAIT_S = 0.05
RECONNECT_WAIT_S = 2.0
# Unacknowledged messages the broker may send us: several batches, so the broker keeps sending
# while a batch is being committed instead of queueing (and, past its queue limit, dropping).
RECEIVE_MAXIMUM = 5 * BATCH_SIZE
# How long the broker keeps our session (subscriptions, unacknowledged messages) while we are
# away: a week covers a worker down over a long weekend.
SESSION_EXPIRY_S = 7 * 24 * 3600

# [(topic, payload), ...] -> True when all are stored and may be acknowledged.
BatchHandler = Callable[[list[tuple[str, bytes]]], bool]


class IngestClient:
    def __init__(
        self, settings: MqttSettings, topics: Sequence[str], handler: BatchHandler
    ) -> None:
        self.settings = settings
        self.topics = list(topics)
        self.handler = handler
        self.pending: list[mqtt.MQTTMessage] = []
        self.oldest = 0.0
        self.stopped = False
        self.client = mqtt.Client(
            callback_api_version=CallbackAPIVersion.VERSION2,
            client_id=settings.client_id,
            protocol=mqtt.MQTTv5,
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
        if not self.pending:
            self.oldest = time.monotonic()
        self.pending.append(message)

    def _flush(self) -> None:
        batch, self.pending = self.pending, []
        if self.handler([(m.topic, bytes(m.payload)) for m in batch]):
            for message in batch:
                self.client.ack(message.mid, message.qos)

    def run_forever(self) -> None:
        properties = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        properties.ReceiveMaximum = RECEIVE_MAXIMUM
        properties.SessionExpiryInterval = SESSION_EXPIRY_S
        # clean_start=False on every connect, reconnects included: resume the stored session.
        self.client.connect(
            self.settings.host,
            self.settings.port,
            keepalive=30,
            clean_start=False,
            properties=properties,
        )
        while not self.stopped:
            status = self.client.loop(timeout=BATCH_WAIT_S)
            if self.pending and (
                len(self.pending) >= BATCH_SIZE or time.monotonic() - self.oldest >= BATCH_WAIT_S
            ):
                self._flush()
            if status != mqtt.MQTT_ERR_SUCCESS and not self.stopped:
                # Unacknowledged messages come back after the reconnect; the dedupe key makes
                # any that were already stored a duplicate, not a second event.
                self.pending = []
                time.sleep(RECONNECT_WAIT_S)
                try:
                    self.client.reconnect()
                except OSError as exc:
                    log.warning("MQTT reconnect failed: %s", exc)

    def stop(self) -> None:
        self.stopped = True
        self.client.disconnect()
