"""One JSON error shape for every API failure: {"error": {"code", "message", "field"}}."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from vigil.core.errors import error_body

_log = logging.getLogger("vigil.api")


def _field_of(loc: list[Any]) -> str | None:
    # ninja locations look like ["body", "payload", "name"] or ["query", "limit"].
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "header")]
    return ".".join(parts) or None


def install(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        first = exc.errors[0] if exc.errors else {}
        field = _field_of(list(first.get("loc", [])))
        message = str(first.get("msg", "Invalid input."))
        if field:
            message = f"{field}: {message}"
        return api.create_response(request, error_body("invalid", message, field), status=422)

    @api.exception_handler(ValidationError)
    def _django_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            field, errors = next(iter(exc.message_dict.items()))
            message = f"{field}: {errors[0]}"
        else:
            field, message = None, exc.messages[0]
        return api.create_response(request, error_body("invalid", message, field), status=422)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            error_body("unauthenticated", "Send a valid API token (Authorization: Bearer …)."),
            status=401,
        )

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or "You do not have permission to do this."
        return api.create_response(request, error_body("forbidden", message), status=403)

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(
            request, error_body("not_found", "Not found, or not visible to you."), status=404
        )

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(
            request, error_body("error", str(exc.message)), status=exc.status_code
        )

    @api.exception_handler(Exception)
    def _server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Never a stack trace to the client; the traceback goes to the server log.
        _log.exception("unhandled API error")
        return api.create_response(
            request, error_body("server_error", "Something went wrong on our side."), status=500
        )
