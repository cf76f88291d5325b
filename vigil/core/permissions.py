"""Roles, actions and scopes: the one permission path of Vigil.

A role is a named set of actions. A user holds role assignments, each scoped to the whole
district or to a set of schools. ``scope_for(user, action)`` answers "where may this user do
this": the whole district, some schools, or nowhere. Every queryset a view, an API route, an
export or a search reads goes through ``RestrictedQuerySet.restrict(user, action)`` (see
``vigil.core.models``), which turns that scope into a filter. Nothing else decides access.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vigil.accounts.models import User


class Action(StrEnum):
    """Everything a user can be allowed to do. Later features add their own actions here."""

    SITES_VIEW = "sites.view"
    SITES_CHANGE = "sites.change"
    PEOPLE_VIEW = "people.view"
    PEOPLE_REVEAL_CONTACT = "people.reveal_contact"
    PEOPLE_MANAGE = "people.manage"
    AUDIT_VIEW = "audit.view"
    TOKENS_MANAGE = "tokens.manage"
    ALARM_CODES_REVEAL = "alarm_codes.reveal"
    ALARM_CODES_MANAGE = "alarm_codes.manage"
    # The unified console (issue 7).
    EVENTS_VIEW = "events.view"
    EVENTS_HANDLE = "events.handle"
    # Visitor management (issue 8); the table with reasons is in docs/visitors.md.
    VISITORS_VIEW = "visitors.view"
    VISITORS_CHECKIN = "visitors.checkin"
    VISITORS_VIEW_ID = "visitors.view_id"
    VISITORS_SCREENING_DECIDE = "visitors.screening_decide"
    VISITORS_LISTS_MANAGE = "visitors.lists_manage"
    VISITORS_ALERTS = "visitors.alerts"
    # Console rules, dispatch and integrations (issue 7).
    EVENTS_DISPATCH = "events.dispatch"
    EVENTS_RULES = "events.rules"
    INTEGRATIONS_MANAGE = "integrations.manage"
    # Incident reports and evidence (issue 6); the table with reasons is in docs/incidents.md.
    INCIDENTS_VIEW = "incidents.view"
    INCIDENTS_WRITE = "incidents.write"
    INCIDENTS_REVIEW = "incidents.review"
    INCIDENTS_VIEW_PEOPLE = "incidents.view_people"
    INCIDENTS_EXPORT = "incidents.export"
    EVIDENCE_VIEW = "evidence.view"
    EVIDENCE_UPLOAD = "evidence.upload"
    EVIDENCE_RELEASE = "evidence.release"
    # Patrol operations (issue 5).
    PATROLS_WALK = "patrols.walk"
    PATROLS_SUPERVISE = "patrols.supervise"
    FINDINGS_VIEW = "findings.view"
    WORK_ORDERS_MANAGE = "work_orders.manage"


class Role(StrEnum):
    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    DIRECTOR = "director"
    SCHOOL_ADMIN = "school_admin"
    FRONT_OFFICE = "front_office"
    LIAISON = "liaison"
    SYSADMIN = "sysadmin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.OFFICER: "Security officer",
    Role.SUPERVISOR: "Security supervisor",
    Role.DIRECTOR: "District security director",
    Role.SCHOOL_ADMIN: "School administrator",
    Role.FRONT_OFFICE: "Front-office staff",
    Role.LIAISON: "Law-enforcement / fire liaison",
    Role.SYSADMIN: "System administrator",
}

ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.OFFICER: frozenset(
        {
            Action.SITES_VIEW,
            Action.ALARM_CODES_REVEAL,
            Action.VISITORS_VIEW,
            Action.VISITORS_CHECKIN,
            Action.VISITORS_ALERTS,
            Action.EVENTS_VIEW,
            Action.EVENTS_HANDLE,
            Action.INCIDENTS_VIEW,
            Action.INCIDENTS_WRITE,
            Action.INCIDENTS_VIEW_PEOPLE,
            Action.EVIDENCE_VIEW,
            Action.EVIDENCE_UPLOAD,
            Action.PATROLS_WALK,
            Action.FINDINGS_VIEW,
        }
    ),
    Role.SUPERVISOR: frozenset(
        {
            Action.SITES_VIEW,
            Action.SITES_CHANGE,
            Action.PEOPLE_VIEW,
            Action.PEOPLE_REVEAL_CONTACT,
            Action.ALARM_CODES_REVEAL,
            Action.ALARM_CODES_MANAGE,
            Action.VISITORS_VIEW,
            Action.VISITORS_CHECKIN,
            Action.VISITORS_VIEW_ID,
            Action.VISITORS_SCREENING_DECIDE,
            Action.VISITORS_LISTS_MANAGE,
            Action.VISITORS_ALERTS,
            Action.EVENTS_VIEW,
            Action.EVENTS_HANDLE,
            Action.EVENTS_DISPATCH,
            Action.EVENTS_RULES,
            Action.INCIDENTS_VIEW,
            Action.INCIDENTS_WRITE,
            Action.INCIDENTS_REVIEW,
            Action.INCIDENTS_VIEW_PEOPLE,
            Action.INCIDENTS_EXPORT,
            Action.EVIDENCE_VIEW,
            Action.EVIDENCE_UPLOAD,
            Action.EVIDENCE_RELEASE,
            Action.PATROLS_WALK,
            Action.PATROLS_SUPERVISE,
            Action.FINDINGS_VIEW,
            Action.WORK_ORDERS_MANAGE,
        }
    ),
    Role.DIRECTOR: frozenset(
        {
            Action.SITES_VIEW,
            Action.SITES_CHANGE,
            Action.PEOPLE_VIEW,
            Action.PEOPLE_REVEAL_CONTACT,
            Action.AUDIT_VIEW,
            Action.TOKENS_MANAGE,
            Action.ALARM_CODES_REVEAL,
            Action.ALARM_CODES_MANAGE,
            Action.VISITORS_VIEW,
            Action.VISITORS_VIEW_ID,
            Action.VISITORS_SCREENING_DECIDE,
            Action.VISITORS_LISTS_MANAGE,
            Action.VISITORS_ALERTS,
            Action.EVENTS_VIEW,
            Action.EVENTS_HANDLE,
            Action.EVENTS_DISPATCH,
            Action.EVENTS_RULES,
            Action.INTEGRATIONS_MANAGE,
            Action.INCIDENTS_VIEW,
            Action.INCIDENTS_REVIEW,
            Action.INCIDENTS_VIEW_PEOPLE,
            Action.INCIDENTS_EXPORT,
            Action.EVIDENCE_VIEW,
            Action.EVIDENCE_RELEASE,
            Action.PATROLS_SUPERVISE,
            Action.FINDINGS_VIEW,
            Action.WORK_ORDERS_MANAGE,
        }
    ),
    Role.SCHOOL_ADMIN: frozenset(
        {
            Action.SITES_VIEW,
            Action.SITES_CHANGE,
            Action.PEOPLE_VIEW,
            Action.ALARM_CODES_REVEAL,
            Action.ALARM_CODES_MANAGE,
            Action.VISITORS_VIEW,
            Action.VISITORS_CHECKIN,
            Action.VISITORS_VIEW_ID,
            Action.VISITORS_SCREENING_DECIDE,
            Action.VISITORS_LISTS_MANAGE,
            Action.EVENTS_VIEW,
            Action.INCIDENTS_VIEW,
            Action.INCIDENTS_VIEW_PEOPLE,
            Action.EVIDENCE_VIEW,
            Action.FINDINGS_VIEW,
            Action.WORK_ORDERS_MANAGE,
        }
    ),
    Role.FRONT_OFFICE: frozenset(
        {
            Action.SITES_VIEW,
            Action.VISITORS_VIEW,
            Action.VISITORS_CHECKIN,
            Action.VISITORS_VIEW_ID,
            Action.VISITORS_SCREENING_DECIDE,
        }
    ),
    # Read-only, and only for the schools (and, later, the cases) shared with the agency.
    Role.LIAISON: frozenset({Action.SITES_VIEW}),
    Role.SYSADMIN: frozenset(
        {
            Action.SITES_VIEW,
            Action.PEOPLE_VIEW,
            Action.PEOPLE_MANAGE,
            Action.AUDIT_VIEW,
            Action.TOKENS_MANAGE,
            Action.INTEGRATIONS_MANAGE,
        }
    ),
}

# Roles whose accounts can change records or see others' data across schools must prove a
# second factor (TOTP) before they reach anything but the 2FA pages.
TWO_FACTOR_ROLES: frozenset[Role] = frozenset(
    {Role.SUPERVISOR, Role.DIRECTOR, Role.SCHOOL_ADMIN, Role.SYSADMIN}
)


@dataclass(frozen=True)
class Scope:
    """Where an action is allowed: the whole district, or the listed schools."""

    district: bool
    school_ids: frozenset[int]

    @property
    def empty(self) -> bool:
        return not self.district and not self.school_ids

    def allows_school(self, school_id: int | None) -> bool:
        if self.district:
            return True
        return school_id is not None and school_id in self.school_ids

    def union(self, other: Scope) -> Scope:
        return Scope(self.district or other.district, self.school_ids | other.school_ids)


NOWHERE = Scope(district=False, school_ids=frozenset())

_CACHE_ATTR = "_vigil_grants"
_ASSIGNMENTS_ATTR = "_vigil_assignments"


def assignments_of(user: Any) -> list[Any]:
    """The user's role assignments with their schools, read once per request (two queries)."""
    cached: list[Any] | None = getattr(user, _ASSIGNMENTS_ATTR, None)
    if cached is None:
        cached = (
            list(user.role_assignments.prefetch_related("schools"))
            if user.is_authenticated and user.is_active
            else []
        )
        setattr(user, _ASSIGNMENTS_ATTR, cached)
    return cached


def grants_for(user: User) -> dict[Action, Scope]:
    """Every action the user holds, with its scope; cached on the user object per request."""
    cached: dict[Action, Scope] | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    grants: dict[Action, Scope] = {}
    for assignment in assignments_of(user):
        scope = Scope(
            district=assignment.district_wide,
            school_ids=frozenset(s.pk for s in assignment.schools.all()),
        )
        for action in ROLE_ACTIONS[Role(assignment.role)]:
            grants[action] = grants.get(action, NOWHERE).union(scope)
    setattr(user, _CACHE_ATTR, grants)
    return grants


def forget_grants(user: Any) -> None:
    """Drop the cached grants, after the user's roles changed."""
    for attr in (_CACHE_ATTR, _ASSIGNMENTS_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def scope_for(user: Any, action: Action) -> Scope:
    """The scope in which ``user`` may perform ``action`` (NOWHERE for anonymous users).

    An API token narrows its user's grants to the actions it was issued for
    (``user.token_actions``, set by the API's token authentication).
    """
    if user is None or not user.is_authenticated:
        return NOWHERE
    token_actions: frozenset[str] | None = getattr(user, "token_actions", None)
    if token_actions is not None and action not in token_actions:
        return NOWHERE
    return grants_for(user).get(action, NOWHERE)


def has_action(user: Any, action: Action) -> bool:
    return not scope_for(user, action).empty


def roles_of(user: Any) -> list[Role]:
    if not user.is_authenticated:
        return []
    return sorted({Role(a.role) for a in assignments_of(user)}, key=list(Role).index)


def requires_two_factor(user: Any) -> bool:
    return any(role in TWO_FACTOR_ROLES for role in roles_of(user))


def second_factor_missing(user: Any) -> bool:
    """True while a signed-in user whose role needs TOTP has not passed it this session."""
    if not user.is_authenticated or not requires_two_factor(user):
        return False
    is_verified = getattr(user, "is_verified", None)  # set by django-otp's middleware
    return not (callable(is_verified) and is_verified())
