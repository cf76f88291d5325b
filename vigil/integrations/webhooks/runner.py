"""The receiver. Webhooks are pushed, so the "runner" is this HTTP endpoint in the web process.

POST /hooks/<slug>/ → 202 with the event id once the message is committed; 401 for a missing
or wrong signature or a time outside the tolerance; 409 for a replay; 422 for a body that is not
a valid event (stored raw and counted); 404 for an unknown or inactive source. Refusals are
counted for the diagnostics; unauthenticated bodies are never stored.
"""

from __future__ import annotations

import time

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from vigil.core.errors import error_response
from vigil.events import pipeline
from vigil.integrations.webhooks import client, normalize
from vigil.integrations.webhooks.models import WebhookSource

MAX_BODY_BYTES = 256 * 1024


def source_name(slug: str) -> str:
    return f"webhook:{slug}"


@csrf_exempt  # machines sign their requests; there is no browser session to protect
@require_POST
def receive(request: HttpRequest, slug: str) -> JsonResponse:
    now = timezone.now()
    source = WebhookSource.objects.filter(slug=slug, active=True).first()
    if source is None:
        pipeline.count("webhook", "unknown_source", now, slug)
        return error_response(404, "not_found", "No active webhook source with that address.")
    name = source_name(slug)
    body = request.body
    if len(body) > MAX_BODY_BYTES:
        pipeline.count(name, "too_large", now)
        return error_response(413, "too_large", f"Bodies are limited to {MAX_BODY_BYTES} bytes.")
    signature = request.headers.get(client.SIGNATURE_HEADER, "")
    try:
        timestamp = client.verify(
            source.secret,
            timestamp_header=request.headers.get(client.TIMESTAMP_HEADER, ""),
            signature_header=signature,
            body=body,
        )
        client.check_time(timestamp, now=time.time(), tolerance_seconds=source.tolerance_seconds)
    except client.SignatureError as exc:
        pipeline.count(name, "bad_signature", now, str(exc))
        return error_response(401, "unauthenticated", str(exc))
    result = pipeline.ingest(
        pipeline.Inbound(
            source=name,
            payload=body,
            received_at=now,
            dedupe_key=signature,  # a valid signature seen twice is a replay
            school_id=source.school_id,
        ),
        normalize.normalize,
    )
    if result.outcome == pipeline.Outcome.DUPLICATE:
        return error_response(409, "replayed", "This request was already received.")
    if result.outcome == pipeline.Outcome.REJECTED:
        field = result.error.partition(": ")[0]
        return error_response(422, "invalid", result.error, field)
    return JsonResponse({"outcome": str(result.outcome), "event_id": result.event_id}, status=202)
