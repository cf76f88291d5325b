"""Settings of a webhook source, and the check behind its "test connection" button."""

from __future__ import annotations

from vigil.integrations.webhooks.models import WebhookSource

MIN_SECRET_LENGTH = 32


def check(source: WebhookSource) -> list[str]:
    """Problems that would make requests from this source fail or unsafe; empty when fine."""
    problems = []
    if not source.active:
        problems.append("The source is inactive: its requests get 404.")
    if len(source.secret) < MIN_SECRET_LENGTH:
        problems.append(f"The secret is shorter than {MIN_SECRET_LENGTH} characters.")
    if not 30 <= source.tolerance_seconds <= 900:
        problems.append("The clock tolerance should be between 30 and 900 seconds.")
    return problems
