"""Outbound: normalised Vigil events published to MQTT topics and signed webhooks, and any
event exported as a CAP 1.2 alert for responders."""

NAME = "outbound"
TRANSPORT = "push"  # we push to the broker and to the receivers' URLs
LIBRARY = "paho-mqtt 2 (MQTT), Python standard library (urllib, hmac, xml.etree)"
QUALITY = (
    "outbox rows written after commit, delivered by a background task with retries and "
    "backoff; QoS 1 publishes; HMAC-SHA256 signed webhooks; CAP 1.2 alerts"
)
