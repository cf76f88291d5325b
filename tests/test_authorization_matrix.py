"""Every URL and API route × every role × in-scope and out-of-scope schools.

The expected status is derived from the role table, not copied from the code under test:
anonymous → sign-in redirect (web) or 401 (API); an action held nowhere → 403; a record in a
school outside the role's scope → 404 (existence does not leak); otherwise the route's success
status. Every refused write must leave every row as it was. A route missing from CASES fails
``test_every_route_is_in_the_matrix``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import sign_in
from vigil.accounts import services
from vigil.accounts.models import ApiToken, RoleAssignment, User
from vigil.api.api import api
from vigil.core.permissions import ROLE_ACTIONS, Action, Role
from vigil.demo.builder import DEMO_LOGINS
from vigil.sites.models import Area, Building, District, Level, School

SCHOOLS = ("cedar-hollow-hs", "juniper-ridge-ms", "willow-creek-es")
# A person who holds a role at exactly the named school(s), used as the target of people pages.
PERSON_AT = {
    "cedar-hollow-hs": "officer",
    "juniper-ridge-ms": "officer2",
    "willow-creek-es": "frontdesk",
}
PERSON_SCHOOLS = {
    "officer": {"cedar-hollow-hs"},
    "officer2": {"juniper-ridge-ms", "willow-creek-es"},
    "frontdesk": {"willow-creek-es"},
}


@dataclass
class Ctx:
    actor: User | None
    school: School
    person: User
    token: ApiToken


@dataclass(frozen=True)
class Case:
    key: str
    method: str
    path: Callable[[Ctx], str]
    action: Action | None  # None: any signed-in person
    ok: int
    public: bool = False
    ok_signed_in: int | None = None  # a different success status for signed-in people
    scoped: bool = True  # does the target school decide 404?
    person_scoped: bool = False  # the target is a person: visible through their schools
    data: Callable[[Ctx], dict[str, Any]] = field(default=lambda ctx: {})
    api: bool = False
    json: bool = False


def _b(ctx: Ctx) -> Building:
    building = ctx.school.buildings.order_by("pk").first()
    assert building is not None
    return building


CASES: tuple[Case, ...] = (
    Case("healthz", "get", lambda c: "/healthz", None, 200, public=True, scoped=False),
    # Machines authenticate webhooks by signature, not by session: everyone gets the same answer.
    Case("webhooks:receive", "post", lambda c: "/hooks/no-such-source/", None, 404, public=True,
         scoped=False),
    Case(
        "accounts:login",
        "get",
        lambda c: reverse("accounts:login"),
        None,
        200,
        public=True,
        scoped=False,
        ok_signed_in=302,
    ),
    Case("web:home", "get", lambda c: "/", None, 200, scoped=False),
    Case(
        "web:switch_school",
        "post",
        lambda c: reverse("web:switch_school"),
        Action.SITES_VIEW,
        302,
        data=lambda c: {"school": str(c.school.pk), "next": "/"},
    ),
    Case(
        "accounts:two_factor",
        "get",
        lambda c: reverse("accounts:two_factor"),
        None,
        200,
        scoped=False,
    ),
    Case("accounts:account", "get", lambda c: reverse("accounts:account"), None, 200, scoped=False),
    Case(
        "accounts:account#issue",
        "post",
        lambda c: reverse("accounts:account"),
        Action.TOKENS_MANAGE,
        200,
        scoped=False,
        data=lambda c: {"name": "Door sync", "actions": [Action.SITES_VIEW.value]},
    ),
    Case(
        "accounts:password_change",
        "get",
        lambda c: reverse("accounts:password_change"),
        None,
        200,
        scoped=False,
    ),
    Case(
        "accounts:token_revoke",
        "post",
        lambda c: reverse("accounts:token_revoke", args=[c.token.pk]),
        Action.TOKENS_MANAGE,
        302,
        scoped=False,
    ),
    Case("accounts:logout", "post", lambda c: reverse("accounts:logout"), None, 302, scoped=False),
    Case(
        "accounts:people",
        "get",
        lambda c: reverse("accounts:people"),
        Action.PEOPLE_VIEW,
        200,
        scoped=False,
    ),
    Case(
        "accounts:person",
        "get",
        lambda c: reverse("accounts:person", args=[c.person.pk]),
        Action.PEOPLE_VIEW,
        200,
        person_scoped=True,
    ),
    Case(
        "accounts:person_reveal_phone",
        "post",
        lambda c: reverse("accounts:person_reveal_phone", args=[c.person.pk]),
        Action.PEOPLE_REVEAL_CONTACT,
        200,
        person_scoped=True,
        data=lambda c: {"reason": "call-out for the gym alarm"},
    ),
    Case(
        "accounts:person_create",
        "get",
        lambda c: reverse("accounts:person_create"),
        Action.PEOPLE_MANAGE,
        200,
        scoped=False,
    ),
    Case(
        "accounts:person_create#post",
        "post",
        lambda c: reverse("accounts:person_create"),
        Action.PEOPLE_MANAGE,
        302,
        scoped=False,
        data=lambda c: {
            "username": "new.officer",
            "first_name": "New",
            "last_name": "Officer",
            "password": "correct horse battery",
        },
    ),
    Case(
        "accounts:person_roles",
        "get",
        lambda c: reverse("accounts:person_roles", args=[c.person.pk]),
        Action.PEOPLE_MANAGE,
        200,
        person_scoped=True,
    ),
    Case(
        "accounts:person_roles#post",
        "post",
        lambda c: reverse("accounts:person_roles", args=[c.person.pk]),
        Action.PEOPLE_MANAGE,
        302,
        person_scoped=True,
        data=lambda c: {"role": Role.LIAISON.value, "schools": [str(c.school.pk)]},
    ),
    Case(
        "accounts:person_deactivate",
        "get",
        lambda c: reverse("accounts:person_deactivate", args=[c.person.pk]),
        Action.PEOPLE_MANAGE,
        200,
        person_scoped=True,
    ),
    Case(
        "accounts:person_deactivate#post",
        "post",
        lambda c: reverse("accounts:person_deactivate", args=[c.person.pk]),
        Action.PEOPLE_MANAGE,
        302,
        person_scoped=True,
    ),
    Case(
        "sites:schools",
        "get",
        lambda c: reverse("sites:schools"),
        Action.SITES_VIEW,
        200,
        scoped=False,
    ),
    Case(
        "sites:school",
        "get",
        lambda c: reverse("sites:school", args=[c.school.slug]),
        Action.SITES_VIEW,
        200,
    ),
    Case(
        "sites:school_edit",
        "get",
        lambda c: reverse("sites:school_edit", args=[c.school.slug]),
        Action.SITES_CHANGE,
        200,
    ),
    Case(
        "sites:school_edit#post",
        "post",
        lambda c: reverse("sites:school_edit", args=[c.school.slug]),
        Action.SITES_CHANGE,
        302,
        data=lambda c: {
            "name": c.school.name + " renamed",
            "address": c.school.address,
            "phone": "",
            "latitude": c.school.latitude,
            "longitude": c.school.longitude,
        },
    ),
    Case(
        "sites:building",
        "get",
        lambda c: reverse("sites:building", args=[c.school.slug, _b(c).pk]),
        Action.SITES_VIEW,
        200,
    ),
    Case(
        "core:audit_log",
        "get",
        lambda c: reverse("core:audit_log"),
        Action.AUDIT_VIEW,
        200,
        scoped=False,
    ),
    # API
    Case("GET /me", "get", lambda c: "/api/me", None, 200, scoped=False, api=True),
    Case(
        "GET /schools",
        "get",
        lambda c: "/api/schools",
        Action.SITES_VIEW,
        200,
        scoped=False,
        api=True,
    ),
    Case(
        "GET /schools/{school_id}",
        "get",
        lambda c: f"/api/schools/{c.school.pk}",
        Action.SITES_VIEW,
        200,
        api=True,
    ),
    Case(
        "PATCH /schools/{school_id}",
        "patch",
        lambda c: f"/api/schools/{c.school.pk}",
        Action.SITES_CHANGE,
        200,
        api=True,
        json=True,
        data=lambda c: {"phone": "(555) 010-7777"},
    ),
    Case(
        "GET /buildings",
        "get",
        lambda c: "/api/buildings",
        Action.SITES_VIEW,
        200,
        scoped=False,
        api=True,
    ),
    Case(
        "GET /areas", "get", lambda c: "/api/areas", Action.SITES_VIEW, 200, scoped=False, api=True
    ),
    Case(
        "GET /people",
        "get",
        lambda c: "/api/people",
        Action.PEOPLE_VIEW,
        200,
        scoped=False,
        api=True,
    ),
    Case(
        "GET /audit", "get", lambda c: "/api/audit", Action.AUDIT_VIEW, 200, scoped=False, api=True
    ),
    Case("GET /docs", "get", lambda c: "/api/docs", None, 200, public=True, scoped=False, api=True),
    Case(
        "GET /openapi.json",
        "get",
        lambda c: "/api/openapi.json",
        None,
        200,
        public=True,
        scoped=False,
        api=True,
    ),
)

ROLES: dict[str, Role] = {login.username: login.role for login in DEMO_LOGINS}
ROLE_SCHOOLS: dict[str, set[str] | None] = {
    login.username: (set(login.schools) or None)
    for login in DEMO_LOGINS  # None: district
}
ACTORS = ("anonymous", *ROLES)


def _expected(case: Case, actor: str, school_slug: str) -> int:
    if case.public:
        return case.ok_signed_in if case.ok_signed_in and actor != "anonymous" else case.ok
    if actor == "anonymous":
        return 401 if case.api else 302
    if case.action is None:
        return case.ok
    if case.action not in ROLE_ACTIONS[ROLES[actor]]:
        return 403
    scope = ROLE_SCHOOLS[actor]
    if scope is not None:
        if case.person_scoped and not (PERSON_SCHOOLS[PERSON_AT[school_slug]] & scope):
            return 404
        if case.scoped and not case.person_scoped and school_slug not in scope:
            return 404
    return case.ok


def _fingerprint() -> dict[str, list[dict[str, Any]]]:
    models = [
        District,
        School,
        Building,
        Level,
        Area,
        User,
        RoleAssignment,
        ApiToken,
        TOTPDevice,
        RoleAssignment.schools.through,
    ]
    result = {}
    for model in models:
        rows = list(model.objects.order_by("pk").values())
        for row in rows:
            row.pop("last_login", None)
        result[model._meta.label] = rows
    return result


def _params() -> list[Any]:
    params = []
    for case in CASES:
        slugs = SCHOOLS if (case.scoped or case.person_scoped) else SCHOOLS[:1]
        for actor in ACTORS:
            for slug in slugs:
                params.append(pytest.param(case, actor, slug, id=f"{case.key}|{actor}|{slug}"))
    return params


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "actor", "slug"), _params())
def test_route(case: Case, actor: str, slug: str, client: Client) -> None:
    user = None if actor == "anonymous" else User.objects.get(username=actor)
    if user is not None:
        sign_in(client, actor)
    owner = (
        user if user is not None and Action.TOKENS_MANAGE in ROLE_ACTIONS[ROLES[actor]] else None
    )
    token = services.token_issue(
        actor=owner or User.objects.get(username="director"), name="t", actions=[Action.SITES_VIEW]
    ).token
    ctx = Ctx(
        actor=user,
        school=School.objects.get(slug=slug),
        person=User.objects.get(username=PERSON_AT[slug]),
        token=token,
    )
    before = _fingerprint()
    data = case.data(ctx)
    kwargs: dict[str, Any] = {}
    if case.json:
        kwargs = {"data": data, "content_type": "application/json"}
    elif data:
        kwargs = {"data": data}
    response = getattr(client, case.method)(case.path(ctx), **kwargs)
    expected = _expected(case, actor, slug)
    assert response.status_code == expected, response.content[:500]
    if actor == "anonymous" and expected == 302:
        assert response["Location"].startswith(reverse("accounts:login"))
    if case.method != "get" and expected != case.ok:
        assert _fingerprint() == before, "a refused write changed rows"
    if case.api and expected >= 400:
        body = response.json()
        assert set(body["error"]) == {"code", "message", "field"}


def _web_url_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "api" or str(entry.pattern).startswith("api/"):
                continue
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= _web_url_names(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{prefix}{entry.name}")
    return names


def test_every_route_is_in_the_matrix() -> None:
    covered = {case.key.split("#")[0] for case in CASES}
    api_routes = {
        f"{method.upper()} {path.removeprefix('/api')}"
        for path, methods in api.get_openapi_schema()["paths"].items()
        for method in methods
    } | {"GET /docs", "GET /openapi.json"}
    missing = (_web_url_names() | api_routes) - covered
    assert not missing, f"routes without an authorization case: {sorted(missing)}"
