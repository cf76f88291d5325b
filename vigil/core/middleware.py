"""Middleware that records who is acting, from where, for the audit log."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from vigil.core import context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def client_ip(request: HttpRequest) -> str:
    # Only REMOTE_ADDR: a forwarded header is trivially forged unless a trusted proxy sets it,
    # and deployments behind a proxy configure the proxy to set REMOTE_ADDR correctly.
    return str(request.META.get("REMOTE_ADDR", ""))[:64]


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        via = "api" if request.path.startswith("/api/") else "web"
        with context.acting(
            request.user if request.user.is_authenticated else None,
            ip=client_ip(request),
            via=via,
            request_id=request_id,
        ):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response
