"""The one error shape of every machine-facing answer: ``{"error": {"code", "message", "field"}}``.

The REST API, the JSON error pages under /api/ and the webhook receiver all answer with it, so
an integration parses one shape whichever part of Vigil refused it.
"""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse


def error_body(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "field": field}}


def error_response(status: int, code: str, message: str, field: str | None = None) -> JsonResponse:
    return JsonResponse(error_body(code, message, field), status=status)
