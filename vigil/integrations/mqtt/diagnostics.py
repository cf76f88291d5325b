"""The MQTT ingest as an operator sees it: broker settings (password redacted), whether the
broker answers, Frigate's and each generic topic's counters and last refused messages.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Max
from django.utils import timezone

from vigil.events.models import RawMessage
from vigil.integrations import diagnostics
from vigil.integrations.mqtt import config
from vigil.integrations.mqtt.models import MqttTopic

FRIGATE_SOURCE = "frigate"
TOPIC_PREFIX = "mqtt:"


def topic_source(topic: MqttTopic) -> str:
    return f"{TOPIC_PREFIX}{topic.name}"


def topic_rows(topics: Iterable[MqttTopic], now: datetime) -> list[dict[str, object]]:
    topics = list(topics)
    last = dict(
        RawMessage.objects.filter(source__in=[topic_source(t) for t in topics])
        .values("source")
        .annotate(at=Max("received_at"))
        .values_list("source", "at")
    )
    return [
        {
            "pk": t.pk,
            "name": t.name,
            "topic": t.topic,
            "school": str(t.school),
            "active": t.active,
            "last_message": diagnostics.when(last.get(topic_source(t)), now),
        }
        for t in topics
    ]


def snapshot(
    settings: config.MqttSettings,
    topics: Iterable[MqttTopic],
    *,
    check: bool = False,
    now: datetime | None = None,
    last: int = diagnostics.LAST_REJECTED,
) -> diagnostics.Snapshot:
    """``check`` opens a TCP connection to the broker (the "Test connection" button)."""
    now = now or timezone.now()
    rows = topic_rows(topics, now)
    sources = [FRIGATE_SOURCE, *(f"{TOPIC_PREFIX}{r['name']}" for r in rows)]
    last_at = diagnostics.last_message_at(sources)
    problems = config.check(settings, timeout=2.0) if check else []
    reachable = "not tested" if not check else ("no" if problems else "yes")
    return diagnostics.Snapshot(
        title="MQTT (Frigate and generic JSON topics)",
        settings=[
            diagnostics.Setting("Broker", f"{settings.host}:{settings.port}"),
            diagnostics.Setting("User name", settings.username or "(none)"),
            diagnostics.Setting(
                "Password", diagnostics.secret_state(settings.password), secret=True
            ),
            diagnostics.Setting("Client id", settings.client_id),
            diagnostics.Setting("Shared subscription group", settings.share_group or "(none)"),
            diagnostics.Setting("Frigate topics", f"{settings.frigate_prefix}/events, /reviews"),
        ],
        state=[
            diagnostics.Setting("Broker reachable from this server", reachable),
            diagnostics.Setting("Last message", diagnostics.when(last_at, now)),
        ],
        problems=problems,
        counters=diagnostics.counters(sources),
        rejected=diagnostics.rejected(sources, last=last),
        last_message_at=last_at,
        extra={"topics": rows},
    )
