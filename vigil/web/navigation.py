"""The navigation of the UI shell: what each role sees is what its actions allow.

Features add their entries here; an entry shows only to users who hold its action somewhere,
so the menu never offers a page that would answer 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from vigil.core.permissions import Action, has_action


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str  # name of a symbol in web/static/vigil/icons.svg
    action: Action | None = None  # None: every signed-in user

    def visible_to(self, user: Any) -> bool:
        return self.action is None or has_action(user, self.action)


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("Overview", "web:home", "home"),
    NavItem("Console", "events:console", "alert", Action.EVENTS_VIEW),
    NavItem("Console rules", "rules:index", "shield", Action.EVENTS_RULES),
    NavItem("Patrol", "patrols:home", "map", Action.PATROLS_WALK),
    NavItem("Patrol boards", "patrols:overview", "shield", Action.FINDINGS_VIEW),
    NavItem("Schools", "sites:schools", "school", Action.SITES_VIEW),
    NavItem("Map & find", "sites:find", "map", Action.SITES_VIEW),
    NavItem("Visitors", "visitors:home", "visitor", Action.VISITORS_VIEW),
    NavItem("Reports", "incidents:list", "audit", Action.INCIDENTS_VIEW),
    NavItem("Evidence", "evidence:list", "shield", Action.EVIDENCE_VIEW),
    NavItem("People", "accounts:people", "people", Action.PEOPLE_VIEW),
    NavItem("Audit log", "core:audit_log", "audit", Action.AUDIT_VIEW),
    NavItem("Integrations", "integrations:hub", "shield", Action.INTEGRATIONS_MANAGE),
    NavItem("My account", "accounts:account", "account"),
)


def items_for(user: Any, current_path: str) -> list[dict[str, Any]]:
    items = []
    for item in NAVIGATION:
        if not item.visible_to(user):
            continue
        url = reverse(item.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "icon": item.icon, "active": active})
    return items
