"""API authentication: bearer tokens for machines, the browser session for people.

A token narrows its user to the actions it was issued for. A session counts only once the
person has passed the second factor their role requires.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from vigil.accounts.services import token_authenticate
from vigil.core import context
from vigil.core.permissions import second_factor_missing


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_authenticate(token)
        if found is None:
            return None
        user = found.user
        user.token_actions = frozenset(found.actions)  # type: ignore[attr-defined]
        request.user = user
        context.current().actor = user
        return found


class VerifiedSessionAuth(APIKeyCookie):
    """Django's session, CSRF-checked for writes, and only after the required second factor."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        if second_factor_missing(user):
            return None
        return user
