"""After-commit fan-out of changed events: the last step of the one pipeline.

Whatever changes an event (the ingest pipeline, a person acknowledging or resolving it, a rule)
calls ``events_changed(ids)`` inside its transaction. Once that transaction commits, every
consumer in ``CONSUMERS`` is called with the ids, in order: the live console stream, officer
phones, outbound MQTT and webhooks. A consumer must not raise for a single bad event; if one
raises anyway, the others still run and the error is logged (the events are already stored).

Consumers are named here, not registered by signals, so the whole fan-out reads in one place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence

from django.db import transaction
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)

# Dotted paths of functions taking the sorted list of changed event ids.
CONSUMERS: list[str] = [
    "vigil.integrations.outbound.runner.on_events_changed",
]


def events_changed(ids: Iterable[int]) -> None:
    """Schedule the fan-out of ``ids`` for when the current transaction commits."""
    changed = sorted({int(i) for i in ids})
    if changed:
        transaction.on_commit(lambda: deliver(changed))


def deliver(ids: Sequence[int]) -> None:
    for path in CONSUMERS:
        consumer: Callable[[Sequence[int]], None] = import_string(path)
        try:
            consumer(ids)
        except Exception:  # one consumer's failure must not starve the others
            log.exception("event fan-out consumer %s failed for %d events", path, len(ids))
