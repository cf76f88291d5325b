"""MQTT: Frigate NVR events and reviews, and generic JSON topics (vape/sound sensors, door
controllers, panic buttons)."""

NAME = "mqtt"
TRANSPORT = "push"  # the broker pushes to our subscription; `vigil ingest mqtt` holds it
LIBRARY = "paho-mqtt 2"
QUALITY = "QoS 1, persistent session, shared subscription, acknowledged after commit"
