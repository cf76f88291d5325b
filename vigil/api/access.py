"""The permission check of API routes: the same actions and restrict() as the web pages."""

from __future__ import annotations

from django.http import HttpRequest

from vigil.core.access import deny
from vigil.core.permissions import Action, has_action


def require(request: HttpRequest, action: Action) -> None:
    """Refuse (403, audited) a caller who holds ``action`` nowhere."""
    if not has_action(request.user, action):
        deny(request, action)
