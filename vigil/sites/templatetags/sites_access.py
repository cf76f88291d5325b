"""Template filters that ask the one permission path (for links that would otherwise 403)."""

from __future__ import annotations

from typing import Any

from django import template

from vigil.core.permissions import Action, scope_for

register = template.Library()


@register.filter
def can(user: Any, action: str) -> bool:
    """``{% if user|can:"alarm_codes.reveal" %}``: holds the action for at least one school."""
    return not scope_for(user, Action(action)).empty
