from __future__ import annotations

import pytest
from django.core.management import CommandError

from vigil.core.management.commands.run import receiver_commands


def test_receivers_start_only_when_enabled() -> None:
    assert receiver_commands({}) == []
    assert receiver_commands({"VIGIL_INGEST_MQTT": "1", "VIGIL_INGEST_SIA_PORT": "9000"}) == [
        ["ingest", "mqtt"],
        ["ingest", "sia", "--port", "9000"],
    ]


def test_a_bad_sia_port_is_named() -> None:
    with pytest.raises(CommandError, match="VIGIL_INGEST_SIA_PORT: 'ninety' is not a port"):
        receiver_commands({"VIGIL_INGEST_SIA_PORT": "ninety"})


def test_several_mqtt_workers_split_the_stream() -> None:
    assert receiver_commands({"VIGIL_INGEST_MQTT": "3"}) == [
        ["ingest", "mqtt"],
        ["ingest", "mqtt", "--worker", "2"],
        ["ingest", "mqtt", "--worker", "3"],
    ]
    assert receiver_commands({"VIGIL_INGEST_MQTT": "off"}) == []
    with pytest.raises(CommandError, match="VIGIL_INGEST_MQTT: 'many' is not on/off"):
        receiver_commands({"VIGIL_INGEST_MQTT": "many"})
