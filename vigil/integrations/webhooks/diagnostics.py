"""What an operator needs to see when a webhook source misbehaves: counters and last refusals.

The secret is never part of it (only whether one is set); payloads are shortened.
"""

from __future__ import annotations

from django.urls import reverse

from vigil.integrations import diagnostics
from vigil.integrations.webhooks import config
from vigil.integrations.webhooks.models import WebhookSource
from vigil.integrations.webhooks.runner import source_name


def snapshot(
    source: WebhookSource, *, last: int = diagnostics.LAST_REJECTED
) -> diagnostics.Snapshot:
    name = source_name(source.slug)
    last_at = diagnostics.last_message_at([name])
    return diagnostics.Snapshot(
        title=f"Webhook: {source.name}",
        settings=[
            diagnostics.Setting(
                "Address to post to", reverse("webhooks:receive", args=[source.slug])
            ),
            diagnostics.Setting("School", str(source.school)),
            diagnostics.Setting("Secret", diagnostics.secret_state(source.secret), secret=True),
            diagnostics.Setting("Clock tolerance", f"{source.tolerance_seconds} s"),
            diagnostics.Setting("Counted as", name),
        ],
        state=[
            diagnostics.Setting("Active", "yes" if source.active else "no (requests get 404)"),
            diagnostics.Setting("Last message", diagnostics.when(last_at)),
        ],
        problems=config.check(source),
        counters=diagnostics.counters([name]),
        rejected=diagnostics.rejected([name], last=last),
        last_message_at=last_at,
    )
