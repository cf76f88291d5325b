"""Audit rows for authentication events (Django's and django-axes' signals).

These are framework events, not business flow, so listening to their signals is the right
hook: they fire from inside the login machinery we do not own.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from vigil.core import audit, context
from vigil.core.middleware import client_ip


def _with_request(request: HttpRequest | None, actor: Any = None) -> context.RequestContext:
    ctx = context.current()
    if request is not None:
        ctx.ip = client_ip(request)
        ctx.via = "web"
    if actor is not None:
        ctx.actor = actor
    return ctx


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    _with_request(request, user)
    audit.record(audit.AuditAction.LOGIN, obj=user, actor=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    _with_request(request)
    audit.record(audit.AuditAction.LOGOUT, obj=user, actor=user)


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    _with_request(request)
    username = str(credentials.get("username", ""))[:150]
    audit.record(
        audit.AuditAction.LOGIN_FAILED,
        object_type="accounts.user",
        object_repr=username,
        reason="wrong username or password",
    )


@receiver(user_locked_out)
def _locked_out(
    sender: Any, request: HttpRequest | None, username: str, ip_address: str, **kwargs: Any
) -> None:
    _with_request(request)
    audit.record(
        audit.AuditAction.LOCKED_OUT,
        object_type="accounts.user",
        object_repr=str(username)[:150],
        reason="too many failed logins",
    )
