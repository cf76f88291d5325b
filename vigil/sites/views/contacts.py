"""People and agencies to know: who to call for what, day and night, per school and district.

District-wide contacts (no school) show on every school's page; only people who hold
``sites.change`` for the whole district may add or change them.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from vigil.core.access import require_action
from vigil.core.permissions import Action, scope_for
from vigil.sites import selectors, services
from vigil.sites.choices import ContactKind
from vigil.sites.forms import DISTRICT_WIDE, ContactForm
from vigil.sites.models import Contact, School

_KIND_ORDER = {value: n for n, value in enumerate(ContactKind.values)}


def _by_kind(contacts: QuerySet[Contact]) -> list[dict[str, Any]]:
    rows = sorted(contacts, key=lambda c: (_KIND_ORDER.get(c.kind, 99), c.organisation, c.name))
    return [
        {"label": ContactKind(kind).label, "kind": kind, "contacts": list(items)}
        for kind, items in groupby(rows, key=lambda c: c.kind)
    ]


def _changeable(user: Any) -> QuerySet[Contact]:
    """Contacts the user may change: their schools' and, with a district grant, the district's."""
    qs = Contact.objects.restrict(user, Action.SITES_CHANGE)
    if scope_for(user, Action.SITES_CHANGE).district:
        return qs
    return qs.filter(school__isnull=False)


def _page(request: HttpRequest, contacts: QuerySet[Contact], school: School | None) -> HttpResponse:
    change = scope_for(request.user, Action.SITES_CHANGE)
    changeable = set(_changeable(request.user).values_list("pk", flat=True))
    return render(
        request,
        "sites/contacts/list.html",
        {
            "school": school,
            "groups": _by_kind(contacts),
            "changeable": changeable,
            "can_add": change.district if school is None else change.allows_school(school.pk),
            "schools": selectors.schools_for(request.user) if school is None else None,
        },
    )


@require_action(Action.SITES_VIEW)
def district_contacts(request: HttpRequest) -> HttpResponse:
    contacts = Contact.objects.restrict(request.user, Action.SITES_VIEW).filter(school=None)
    return _page(request, contacts, None)


@require_action(Action.SITES_VIEW)
def school_contacts(request: HttpRequest, slug: str) -> HttpResponse:
    school = get_object_or_404(School.objects.restrict(request.user, Action.SITES_VIEW), slug=slug)
    contacts = Contact.objects.restrict(request.user, Action.SITES_VIEW).filter(
        Q(school=school) | Q(school=None)
    )
    return _page(request, contacts, school)


def _form(request: HttpRequest, instance: Contact | None = None, **kwargs: Any) -> ContactForm:
    return ContactForm(
        request.POST or None,
        instance=instance,
        schools=list(School.objects.restrict(request.user, Action.SITES_CHANGE)),
        district_wide=scope_for(request.user, Action.SITES_CHANGE).district,
        **kwargs,
    )


def _back(contact: Contact) -> str:
    if contact.school is None:
        return reverse("sites:contacts_district")
    return reverse("sites:contacts", args=[contact.school.slug])


@require_action(Action.SITES_CHANGE)
def contact_new(request: HttpRequest) -> HttpResponse:
    school = request.GET.get("school", "")
    initial = {"where": school} if school else {"where": DISTRICT_WIDE}
    form = _form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        contact = form.save()
        messages.success(request, f"“{contact}” added.")
        return redirect(_back(contact))
    return render(
        request,
        "sites/contacts/form.html",
        {"form": form, "contact": None},
        status=400 if form.errors else 200,
    )


@require_action(Action.SITES_CHANGE)
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(_changeable(request.user).select_related("school"), pk=pk)
    form = _form(request, instance=contact)
    if request.method == "POST" and form.is_valid():
        contact = form.save()
        messages.success(request, f"“{contact}” saved.")
        return redirect(_back(contact))
    return render(
        request,
        "sites/contacts/form.html",
        {"form": form, "contact": contact},
        status=400 if form.errors else 200,
    )


@require_action(Action.SITES_CHANGE)
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(_changeable(request.user).select_related("school"), pk=pk)
    back = _back(contact)
    if request.method == "POST":
        services.record_delete(actor=request.user, obj=contact)
        messages.success(request, f"“{contact}” deleted.")
        return redirect(back)
    return render(
        request,
        "sites/edit/record_delete.html",
        {
            "school": contact.school,
            "kind": {"singular": "contact"},
            "record": contact,
            "effects": services.deletion_effects(contact),
            "cancel": back,
        },
    )
