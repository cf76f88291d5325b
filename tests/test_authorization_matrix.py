"""Every URL and API route × every role × in-scope and out-of-scope schools.

The expected status is derived from the role table, not copied from the code under test:
anonymous → sign-in redirect (web) or 401 (API); an action held nowhere → 403; a record in a
school outside the role's scope → 404 (existence does not leak); otherwise the route's success
status. Every refused write must leave every row as it was. A route missing from CASES fails
``test_every_route_is_in_the_matrix``.
"""

from __future__ import annotations

import importlib
import io
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

import tests.matrix as matrix_package
from conftest import sign_in
from tests.matrix.base import Case, Ctx, event_at
from vigil.accounts import services
from vigil.accounts.models import ApiToken, RoleAssignment, User
from vigil.api.api import api
from vigil.core.permissions import ROLE_ACTIONS, Action, Role
from vigil.demo.builder import DEMO_LOGINS, DEMO_PASSWORD
from vigil.events.models import Event, EventNote
from vigil.sites.choices import AssetKind
from vigil.sites.models import (
    AlarmCode,
    AlarmZone,
    Area,
    Asset,
    Building,
    Contact,
    District,
    Level,
    School,
    Surrounding,
)
from vigil.sites.tests.factories import Knowledge, knowledge, other_place

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


def _event(ctx: Ctx) -> Event:
    """One open event at the target school (created once per test)."""
    event: Event = event_at(ctx, "console")
    return event


def _b(ctx: Ctx) -> Building:
    building = ctx.school.buildings.order_by("pk").first()
    assert building is not None
    return building


def _photo_asset(ctx: Ctx) -> Asset:
    """An asset of the school with a photo: the demo's, or one made here (the file once)."""
    asset = Asset.objects.filter(school=ctx.school).exclude(photo="").order_by("pk").first()
    if asset is not None:
        return asset
    name = f"sites/assets/authorization-matrix-{ctx.school.slug}.png"
    if not default_storage.exists(name):
        buffer = io.BytesIO()
        Image.new("RGB", (2, 2)).save(buffer, format="PNG")
        default_storage.save(name, ContentFile(buffer.getvalue()))
    asset = Asset.objects.create(school=ctx.school, kind=AssetKind.AED, name="AED (matrix)")
    asset.photo.name = name
    asset.save()
    return asset


CASES: tuple[Case, ...] = (
    Case("healthz", "get", lambda c: "/healthz", None, 200, public=True, scoped=False),
    # The console (vigil/events): an event at the target school.
    Case(
        "events:console",
        "get",
        lambda c: reverse("events:console"),
        Action.EVENTS_VIEW,
        200,
        scoped=False,
    ),
    Case(
        "events:rows",
        "get",
        lambda c: reverse("events:rows"),
        Action.EVENTS_VIEW,
        200,
        scoped=False,
    ),
    Case(
        "events:detail",
        "get",
        lambda c: reverse("events:detail", args=[_event(c).pk]),
        Action.EVENTS_VIEW,
        200,
    ),
    Case(
        "events:acknowledge",
        "post",
        lambda c: reverse("events:acknowledge", args=[_event(c).pk]),
        Action.EVENTS_HANDLE,
        302,
    ),
    Case(
        "events:note",
        "post",
        lambda c: reverse("events:note", args=[_event(c).pk]),
        Action.EVENTS_HANDLE,
        302,
        data=lambda c: {"text": "On my way."},
    ),
    Case(
        "events:resolve",
        "post",
        lambda c: reverse("events:resolve", args=[_event(c).pk]),
        Action.EVENTS_HANDLE,
        302,
        data=lambda c: {"disposition": "false_alarm"},
    ),
    # Machines authenticate webhooks by signature, not by session: everyone gets the same answer.
    Case(
        "webhooks:receive",
        "post",
        lambda c: "/hooks/no-such-source/",
        None,
        404,
        public=True,
        scoped=False,
    ),
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
    Case(
        "sites:school_map",
        "get",
        lambda c: reverse("sites:school_map", args=[c.school.slug]),
        Action.SITES_VIEW,
        200,
    ),
    Case(
        "sites:asset_photo",
        "get",
        lambda c: reverse("sites:asset_photo", args=[c.school.slug, _photo_asset(c).pk]),
        Action.SITES_VIEW,
        200,
    ),
    Case(
        "sites:responder_card",
        "get",
        lambda c: reverse("sites:responder_card", args=[c.school.slug, _b(c).pk]),
        Action.SITES_VIEW,
        200,
    ),
    Case(
        "sites:find",
        "get",
        lambda c: reverse("sites:find") + "?q=door+1",
        Action.SITES_VIEW,
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
    Case(
        "GET /schools/{school_id}/map",
        "get",
        lambda c: f"/api/schools/{c.school.pk}/map",
        Action.SITES_VIEW,
        200,
        api=True,
    ),
    Case(
        "GET /search",
        "get",
        lambda c: "/api/search?q=gas+shutoff",
        Action.SITES_VIEW,
        200,
        scoped=False,
        api=True,
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


# --- Knowledge base: alarm-code vault, editing, contacts (issue 3) ----------------------------
# These cases act on records made for the test (``needs_kb``): an alarm panel with a zone and a
# code, a contact of the school, a district-wide contact, a surrounding, and a district site of
# level "other" (reachable only with a district-wide grant).


def _kb(ctx: Ctx) -> Knowledge:
    assert ctx.kb is not None, "the case needs needs_kb=True"
    return ctx.kb


def _place(ctx: Ctx) -> School:
    assert ctx.place is not None, "the case needs needs_kb=True"
    return ctx.place


def _record(kind: str) -> Callable[[Ctx], Any]:
    return {
        "building": _b,
        "level": lambda c: Level.objects.filter(building=_b(c)).order_by("pk").first(),
        "area": lambda c: Area.objects.filter(school=c.school).order_by("pk").first(),
        "asset": lambda c: _kb(c).panel,
        "zone": lambda c: _kb(c).zone,
        "surrounding": lambda c: _kb(c).surrounding,
    }[kind]


_REVEAL = {"password": DEMO_PASSWORD, "reason": "alarm call-out, gym"}
_CONTACT = {
    "kind": "fire",
    "organisation": "Fire district",
    "phone": "911",
    "availability": "always",
}


def _record_cases(kind: str) -> list[Case]:
    def new(c: Ctx) -> str:
        return reverse("sites:record_new", args=[c.school.slug, kind])

    def edit(c: Ctx) -> str:
        return reverse("sites:record_edit", args=[c.school.slug, kind, _record(kind)(c).pk])

    return [
        Case(f"sites:record_new#{kind}-get", "get", new, Action.SITES_CHANGE, 200),
        Case(f"sites:record_edit#{kind}", "get", edit, Action.SITES_CHANGE, 200, needs_kb=True),
    ]


def _kb_cases() -> tuple[Case, ...]:
    cases: list[Case] = [
        Case(
            "sites:vault",
            "get",
            lambda c: reverse("sites:vault"),
            Action.ALARM_CODES_REVEAL,
            200,
            scoped=False,
        ),
        Case(
            "sites:vault_log",
            "get",
            lambda c: reverse("sites:vault_log"),
            Action.ALARM_CODES_MANAGE,
            200,
            scoped=False,
        ),
        Case(
            "sites:vault_reveal",
            "get",
            lambda c: reverse("sites:vault_reveal", args=[_kb(c).code.pk]),
            Action.ALARM_CODES_REVEAL,
            200,
            needs_kb=True,
        ),
        Case(
            "sites:vault_reveal#post",
            "post",
            lambda c: reverse("sites:vault_reveal", args=[_kb(c).code.pk]),
            Action.ALARM_CODES_REVEAL,
            200,
            needs_kb=True,
            data=lambda c: _REVEAL,
        ),
        Case(
            "sites:vault_new",
            "get",
            lambda c: reverse("sites:vault_new", args=[c.school.slug]),
            Action.ALARM_CODES_MANAGE,
            200,
        ),
        Case(
            "sites:vault_new#post",
            "post",
            lambda c: reverse("sites:vault_new", args=[c.school.slug]),
            Action.ALARM_CODES_MANAGE,
            302,
            data=lambda c: {"label": "Keypad", "new_code": "1234"},
        ),
        Case(
            "sites:vault_edit",
            "get",
            lambda c: reverse("sites:vault_edit", args=[_kb(c).code.pk]),
            Action.ALARM_CODES_MANAGE,
            200,
            needs_kb=True,
        ),
        Case(
            "sites:vault_edit#post",
            "post",
            lambda c: reverse("sites:vault_edit", args=[_kb(c).code.pk]),
            Action.ALARM_CODES_MANAGE,
            302,
            needs_kb=True,
            data=lambda c: {"label": "Renamed", "new_code": "9999"},
        ),
        Case(
            "sites:vault_retire",
            "get",
            lambda c: reverse("sites:vault_retire", args=[_kb(c).code.pk]),
            Action.ALARM_CODES_MANAGE,
            200,
            needs_kb=True,
        ),
        Case(
            "sites:vault_retire#post",
            "post",
            lambda c: reverse("sites:vault_retire", args=[_kb(c).code.pk]),
            Action.ALARM_CODES_MANAGE,
            302,
            needs_kb=True,
        ),
        Case(
            "sites:records",
            "get",
            lambda c: reverse("sites:records", args=[c.school.slug]),
            Action.SITES_CHANGE,
            200,
        ),
        Case(
            "sites:record_new#building",
            "post",
            lambda c: reverse("sites:record_new", args=[c.school.slug, "building"]),
            Action.SITES_CHANGE,
            302,
            data=lambda c: {"name": "Annex", "code": "AX"},
        ),
        Case(
            "sites:record_edit#building-post",
            "post",
            lambda c: reverse("sites:record_edit", args=[c.school.slug, "building", _b(c).pk]),
            Action.SITES_CHANGE,
            302,
            data=lambda c: {"name": "Renamed", "code": _b(c).code},
        ),
        Case(
            "sites:record_delete",
            "get",
            lambda c: reverse(
                "sites:record_delete", args=[c.school.slug, "asset", _kb(c).panel.pk]
            ),
            Action.SITES_CHANGE,
            200,
            needs_kb=True,
        ),
        Case(
            "sites:record_delete#post",
            "post",
            lambda c: reverse(
                "sites:record_delete", args=[c.school.slug, "surrounding", _kb(c).surrounding.pk]
            ),
            Action.SITES_CHANGE,
            302,
            needs_kb=True,
        ),
        Case(
            "sites:other_buildings",
            "get",
            lambda c: reverse("sites:other_buildings"),
            Action.SITES_VIEW,
            200,
            scoped=False,
        ),
        Case(
            "sites:other_building_new",
            "get",
            lambda c: reverse("sites:other_building_new"),
            Action.SITES_CHANGE,
            200,
            scoped=False,
            district_only=403,
        ),
        Case(
            "sites:other_building_new#post",
            "post",
            lambda c: reverse("sites:other_building_new"),
            Action.SITES_CHANGE,
            302,
            scoped=False,
            district_only=403,
            data=lambda c: {"name": "Warehouse", "latitude": "38.0", "longitude": "-121.0"},
        ),
        Case(
            "sites:other_building_edit",
            "get",
            lambda c: reverse("sites:other_building_edit", args=[_place(c).slug]),
            Action.SITES_CHANGE,
            200,
            scoped=False,
            district_only=404,
            needs_kb=True,
        ),
        Case(
            "sites:other_building_edit#post",
            "post",
            lambda c: reverse("sites:other_building_edit", args=[_place(c).slug]),
            Action.SITES_CHANGE,
            302,
            scoped=False,
            district_only=404,
            needs_kb=True,
            data=lambda c: {
                "name": "Bus yard",
                "latitude": _place(c).latitude,
                "longitude": _place(c).longitude,
                "directions": "Gate B",
            },
        ),
        Case(
            "sites:other_building_delete",
            "get",
            lambda c: reverse("sites:other_building_delete", args=[_place(c).slug]),
            Action.SITES_CHANGE,
            200,
            scoped=False,
            district_only=404,
            needs_kb=True,
        ),
        Case(
            "sites:other_building_delete#post",
            "post",
            lambda c: reverse("sites:other_building_delete", args=[_place(c).slug]),
            Action.SITES_CHANGE,
            302,
            scoped=False,
            district_only=404,
            needs_kb=True,
        ),
        Case(
            "sites:contacts_district",
            "get",
            lambda c: reverse("sites:contacts_district"),
            Action.SITES_VIEW,
            200,
            scoped=False,
        ),
        Case(
            "sites:contacts",
            "get",
            lambda c: reverse("sites:contacts", args=[c.school.slug]),
            Action.SITES_VIEW,
            200,
        ),
        Case(
            "sites:contact_new",
            "get",
            lambda c: reverse("sites:contact_new"),
            Action.SITES_CHANGE,
            200,
            scoped=False,
        ),
        # The school is a choice of the form: another school's is an invalid choice (400).
        Case(
            "sites:contact_new#post",
            "post",
            lambda c: reverse("sites:contact_new"),
            Action.SITES_CHANGE,
            302,
            out_of_scope=400,
            data=lambda c: {**_CONTACT, "where": str(c.school.pk)},
        ),
        Case(
            "sites:contact_edit",
            "get",
            lambda c: reverse("sites:contact_edit", args=[_kb(c).contact.pk]),
            Action.SITES_CHANGE,
            200,
            needs_kb=True,
        ),
        Case(
            "sites:contact_edit#post",
            "post",
            lambda c: reverse("sites:contact_edit", args=[_kb(c).contact.pk]),
            Action.SITES_CHANGE,
            302,
            needs_kb=True,
            data=lambda c: {**_CONTACT, "where": str(c.school.pk)},
        ),
        Case(
            "sites:contact_edit#district",
            "get",
            lambda c: reverse("sites:contact_edit", args=[_kb(c).district_contact.pk]),
            Action.SITES_CHANGE,
            200,
            scoped=False,
            district_only=404,
            needs_kb=True,
        ),
        Case(
            "sites:contact_delete",
            "get",
            lambda c: reverse("sites:contact_delete", args=[_kb(c).contact.pk]),
            Action.SITES_CHANGE,
            200,
            needs_kb=True,
        ),
        Case(
            "sites:contact_delete#post",
            "post",
            lambda c: reverse("sites:contact_delete", args=[_kb(c).contact.pk]),
            Action.SITES_CHANGE,
            302,
            needs_kb=True,
        ),
        Case(
            "sites:contact_delete#district",
            "post",
            lambda c: reverse("sites:contact_delete", args=[_kb(c).district_contact.pk]),
            Action.SITES_CHANGE,
            302,
            scoped=False,
            district_only=404,
            needs_kb=True,
        ),
    ]
    for kind in ("building", "level", "area", "asset", "zone", "surrounding"):
        cases += _record_cases(kind)
    return tuple(cases)


CASES = CASES + _kb_cases()


def _refused_contacts_csv(ctx: Ctx) -> dict[str, Any]:
    # A file the dry run refuses: the preview shows its problems and nothing is staged.
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("contacts.csv", b"kind,organisation\ncops,PD\n")}


# Import and export (vigil/sites/views/transfer.py)
CASES = (
    *CASES,
    Case(
        "sites:transfer",
        "get",
        lambda c: reverse("sites:transfer", args=[c.school.slug]),
        Action.SITES_CHANGE,
        200,
    ),
    Case(
        "sites:transfer_upload",
        "post",
        lambda c: reverse("sites:transfer_upload", args=[c.school.slug, "contacts"]),
        Action.SITES_CHANGE,
        200,
        data=_refused_contacts_csv,
    ),
    Case(
        "sites:transfer_confirm",
        "post",
        lambda c: reverse("sites:transfer_confirm", args=[c.school.slug, "no-such-upload"]),
        Action.SITES_CHANGE,
        302,
    ),
    Case(
        "sites:transfer_export",
        "get",
        lambda c: reverse("sites:transfer_export", args=[c.school.slug, "contacts"]),
        Action.SITES_CHANGE,
        200,
    ),
)


# Visitor management (vigil/visitors/views.py): records made per case in the target school.
def _vis(ctx: Ctx) -> dict[str, Any]:
    """The visitor records of the target school, made once per case (path and data share them)."""
    cached: dict[str, Any] | None = getattr(ctx, "visitors", None)
    if cached is not None:
        return cached
    from datetime import date, time, timedelta

    from vigil.visitors import services as vs
    from vigil.visitors.choices import Decision, IdSource, WatchKind
    from vigil.visitors.models import PreRegistration, WatchEntry

    now = timezone.now()
    front = User.objects.get(username="director")
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    visit = vs.visit_check_in(
        actor=front,
        school=ctx.school,
        identity=vs.Identity("MATRIXSON", "ALEX", date(1980, 1, 2), IdSource.MANUAL),
        details=vs.VisitDetails("Meeting", "Office", 30),
        now=now,
        photo=ContentFile(buffer.getvalue(), name="matrix.png"),
    ).visit
    watch = WatchEntry(
        school=ctx.school,
        kind=WatchKind.BANNED,
        family_name="LISTEDSON",
        given_names="ROBIN",
        date_of_birth=date(1975, 5, 5),
    )
    watch.notice.save("notice.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    watch.save()
    flagged = vs.visit_check_in(
        actor=front,
        school=ctx.school,
        identity=vs.Identity("LISTEDSON", "ROBIN", date(1975, 5, 5), IdSource.MANUAL),
        details=vs.VisitDetails("Meeting", "Office", 30),
        now=now,
    )
    held = vs.visit_check_in(
        actor=front,
        school=ctx.school,
        identity=vs.Identity("LISTEDSON", "ROBIN", date(1975, 5, 5), IdSource.MANUAL),
        details=vs.VisitDetails("Meeting", "Gym", 30),
        now=now,
    )
    vs.screening_decide(
        actor=front, candidate=held.candidates[0], decision=Decision.MATCH, reason="", now=now
    )
    pre = PreRegistration.objects.create(
        kind="visitor",
        family_name="EXPECTEDSON",
        given_names="SAM",
        date_of_birth=date(1985, 6, 6),
        purpose="Fair",
        host="Gym",
        valid_from=now.date() - timedelta(days=1),
        valid_until=now.date() + timedelta(days=1),
        hours_from=time(0, 0),
        hours_until=time(23, 59),
    )
    pre.schools.set([ctx.school])
    cached = {
        "visit": visit,
        "review": flagged.visit,
        "candidate": flagged.candidates[0],
        "alert": held.visit.alerts.get(),
        "watch": watch,
        "pre": pre,
    }
    ctx.visitors = cached  # type: ignore[attr-defined]
    return cached


def _vis_path(name: str, record: str | None = None) -> Callable[[Ctx], str]:
    def path(ctx: Ctx) -> str:
        if record is None:
            return reverse(name, args=[ctx.school.slug])
        return reverse(name, args=[_vis(ctx)[record].pk])

    return path


def _badge_url(ctx: Ctx) -> str:
    from vigil.visitors.badge import sign_out_token

    return reverse("visitors:sign_out_qr", args=[sign_out_token(_vis(ctx)["visit"])])


def _decision(ctx: Ctx) -> dict[str, Any]:
    pk = _vis(ctx)["candidate"].pk
    return {f"c{pk}-decision": "not_match", f"c{pk}-reason": "different person, photo"}


_V = Action.VISITORS_VIEW
_VC = Action.VISITORS_CHECKIN
_VL = Action.VISITORS_LISTS_MANAGE
CASES = (
    *CASES,
    Case("visitors:home", "get", lambda c: reverse("visitors:home"), _V, 200, scoped=False),
    Case("visitors:desk", "get", _vis_path("visitors:desk"), _V, 200),
    Case("visitors:check_in", "get", _vis_path("visitors:check_in"), _VC, 200),
    Case(
        "visitors:check_in#post",
        "post",
        _vis_path("visitors:check_in"),
        _VC,
        302,
        data=lambda c: {
            "id_source": "manual",
            "family_name": "Newcomer",
            "given_names": "Jo",
            "date_of_birth": "1990-01-01",
            "kind": "visitor",
            "purpose": "Tour",
            "destination": "Office",
            "expected_minutes": "30",
        },
    ),
    Case("visitors:kiosk_done", "get", _vis_path("visitors:kiosk_done", "visit"), _VC, 200),
    Case("visitors:visit", "get", _vis_path("visitors:visit", "visit"), _V, 200),
    Case(
        "visitors:visit_id",
        "post",
        _vis_path("visitors:visit_id", "visit"),
        Action.VISITORS_VIEW_ID,
        200,
        data=lambda c: {"reason": "confirming the visitor's age"},
    ),
    Case("visitors:visit_photo", "get", _vis_path("visitors:visit_photo", "visit"), _V, 200),
    Case(
        "visitors:review",
        "get",
        _vis_path("visitors:review", "review"),
        Action.VISITORS_SCREENING_DECIDE,
        200,
    ),
    Case(
        "visitors:decide",
        "post",
        _vis_path("visitors:decide", "candidate"),
        Action.VISITORS_SCREENING_DECIDE,
        302,
        data=_decision,
    ),
    Case("visitors:badge", "get", _vis_path("visitors:badge", "visit"), _VC, 200),
    Case("visitors:sign_out", "post", _vis_path("visitors:sign_out", "visit"), _VC, 302),
    Case("visitors:sign_out_qr", "get", _badge_url, _VC, 200),
    Case("visitors:on_campus", "get", _vis_path("visitors:on_campus"), _V, 200),
    Case("visitors:still_in", "get", _vis_path("visitors:still_in"), _V, 200),
    Case(
        "visitors:alerts",
        "get",
        lambda c: reverse("visitors:alerts"),
        Action.VISITORS_ALERTS,
        200,
        scoped=False,
    ),
    Case(
        "visitors:alerts_feed",
        "get",
        lambda c: reverse("visitors:alerts_feed"),
        Action.VISITORS_ALERTS,
        200,
        scoped=False,
    ),
    Case(
        "visitors:alert_ack",
        "post",
        _vis_path("visitors:alert_ack", "alert"),
        Action.VISITORS_ALERTS,
        302,
    ),
    Case("visitors:lists", "get", lambda c: reverse("visitors:lists"), _VL, 200, scoped=False),
    Case(
        "visitors:watch_new", "get", lambda c: reverse("visitors:watch_new"), _VL, 200, scoped=False
    ),
    Case("visitors:watch_edit", "get", _vis_path("visitors:watch_edit", "watch"), _VL, 200),
    Case("visitors:watch_notice", "get", _vis_path("visitors:watch_notice", "watch"), _VL, 200),
    Case(
        "visitors:registry_import",
        "get",
        lambda c: reverse("visitors:registry_import"),
        _VL,
        200,
        scoped=False,
    ),
    Case(
        "visitors:preregistrations",
        "get",
        lambda c: reverse("visitors:preregistrations"),
        _VL,
        200,
        scoped=False,
    ),
    Case(
        "visitors:prereg_new",
        "get",
        lambda c: reverse("visitors:prereg_new"),
        _VL,
        200,
        scoped=False,
    ),
    Case("visitors:prereg_edit", "get", _vis_path("visitors:prereg_edit", "pre"), _VL, 200),
    Case("visitors:prereg_approve", "post", _vis_path("visitors:prereg_approve", "pre"), _VL, 302),
)


def _feature_modules() -> list[Any]:
    """Every module of tests/matrix/ that holds a feature's cases."""
    return [
        importlib.import_module(f"tests.matrix.{info.name}")
        for info in pkgutil.iter_modules(matrix_package.__path__)
        if info.name != "base"
    ]


FEATURES = _feature_modules()
CASES = CASES + tuple(case for module in FEATURES for case in module.CASES)

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
    if case.district_only is not None and scope is not None:
        return case.district_only
    if scope is not None:
        if case.person_scoped and not (PERSON_SCHOOLS[PERSON_AT[school_slug]] & scope):
            return 404
        if case.scoped and not case.person_scoped and school_slug not in scope:
            return case.out_of_scope
    return case.ok


def _fingerprint() -> dict[str, list[dict[str, Any]]]:
    models = [
        District,
        School,
        Building,
        Level,
        Area,
        Asset,
        AlarmZone,
        AlarmZone.areas.through,
        Surrounding,
        Contact,
        AlarmCode,
        User,
        RoleAssignment,
        ApiToken,
        TOTPDevice,
        RoleAssignment.schools.through,
        Event,
        EventNote,
    ]
    models += [model for module in FEATURES for model in module.MODELS]
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
    if case.needs_kb:
        ctx.kb = knowledge(ctx.school)
        ctx.place = other_place(ctx.school)
    path = case.path(ctx)  # may create the record it targets: before the fingerprint
    data = case.data(ctx)
    writes = case.method != "get"
    expected = _expected(case, actor, slug)
    # Only a refused write must leave every row as it was; reads and allowed writes skip the
    # (costly) snapshot of every table.
    refused_write = writes and expected != case.ok
    before = _fingerprint() if refused_write else None
    kwargs: dict[str, Any] = {}
    if case.json:
        kwargs = {"data": data, "content_type": "application/json"}
    elif data:
        kwargs = {"data": data}
    response = getattr(client, case.method)(path, **kwargs)
    assert response.status_code == expected, response.content[:500]
    if actor == "anonymous" and expected == 302:
        assert response["Location"].startswith(reverse("accounts:login"))
    if refused_write:
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
