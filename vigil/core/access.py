"""View-level access: the action a page needs, and what a refusal does.

A user who holds the action nowhere gets 403 (and the refusal is audited). A user who holds it
for other schools than the record's gets 404 from ``restrict()``, so existence never leaks.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, NoReturn, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from vigil.core import audit
from vigil.core.permissions import Action, has_action

_View = TypeVar("_View", bound=Callable[..., HttpResponse])


def deny(request: HttpRequest, action: Action, what: str = "") -> NoReturn:
    audit.record(
        audit.AuditAction.DENIED,
        object_type=what or request.path[:100],
        object_repr=f"{request.method} {request.path}"[:300],
        reason=f"missing permission {action}",
    )
    raise PermissionDenied(f"You do not have the “{action}” permission.")


def require_action(action: Action) -> Callable[[_View], _View]:
    """Decorate a view: log in first, then hold ``action`` for at least one school."""

    def decorator(view: _View) -> _View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_action(request.user, action):
                deny(request, action)
            return view(request, *args, **kwargs)

        wrapped.required_action = action  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator
