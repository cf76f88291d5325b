"""Supervisor pages for the console rules: one list, and a form per kind of rule or drill.

Every page needs ``events.rules``. Records are read through ``restrict()``, so a supervisor of
some schools sees and edits only their schools' rules (404 for others), and only district-wide
staff see or edit district-wide rules (no school).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from vigil.accounts.models import User
from vigil.core.access import require_action
from vigil.core.permissions import Action, scope_for
from vigil.rules import forms, services
from vigil.rules.models import (
    CorrelationRule,
    Drill,
    EscalationRule,
    FloodRule,
    RuleBase,
    SeverityRule,
)


@dataclass(frozen=True)
class Kind:
    slug: str
    model: type[Model]
    form: type[forms._ScopedForm]
    title: str
    explain: str


KINDS: dict[str, Kind] = {
    k.slug: k
    for k in (
        Kind(
            "severity",
            SeverityRule,
            forms.SeverityRuleForm,
            "Severity by place and schedule",
            "Sets the severity of new events of a type, during or outside a weekly window in "
            "the school's local time — a door held open at 10:00 on a school day is normal, at "
            "02:00 it is an alarm.",
        ),
        Kind(
            "correlation",
            CorrelationRule,
            forms.CorrelationRuleForm,
            "Correlation",
            "Two events close in time and place become one alarm holding both: e.g. a door "
            "forced and a person on the camera nearest to that door within 60 seconds.",
        ),
        Kind(
            "escalation",
            EscalationRule,
            forms.EscalationRuleForm,
            "Escalation",
            "Raises the severity of an open event nobody has acknowledged in time.",
        ),
        Kind(
            "flood",
            FloodRule,
            forms.FloodRuleForm,
            "Flood control",
            "A device sending more events than this is folded: its further events update one "
            "flood event until it has been quiet for the period. Raw messages are all kept.",
        ),
        Kind(
            "drill",
            Drill,
            forms.DrillForm,
            "Declared drills",
            "Matching events arriving during a drill are stored and resolved as “drill”, so "
            "they never page anyone.",
        ),
    )
}


def _kind(slug: str) -> Kind:
    kind = KINDS.get(slug)
    if kind is None:
        raise Http404("No such kind of rule.")
    return kind


def _records(kind: Kind, user: Any) -> Any:
    manager: Any = kind.model._default_manager
    return manager.restrict(user, Action.EVENTS_RULES).select_related("school")


@require_action(Action.EVENTS_RULES)
def index(request: HttpRequest) -> HttpResponse:
    sections = [
        {"kind": kind, "records": list(_records(kind, request.user))} for kind in KINDS.values()
    ]
    return render(
        request,
        "rules/index.html",
        {
            "sections": sections,
            "district_wide": scope_for(request.user, Action.EVENTS_RULES).district,
        },
    )


def _edit(request: HttpRequest, kind: Kind, instance: Model | None) -> HttpResponse:
    form = kind.form(request.POST or None, instance=instance, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            record = form.save(commit=False)
            services.rule_save(actor=cast(User, request.user), rule=record)
            messages.success(request, f"Saved: {record}.")
            return redirect("rules:index")
        status = 400
    return render(
        request,
        "rules/form.html",
        {"form": form, "kind": kind, "record": instance},
        status=status,
    )


@require_action(Action.EVENTS_RULES)
def new(request: HttpRequest, kind: str) -> HttpResponse:
    return _edit(request, _kind(kind), None)


@require_action(Action.EVENTS_RULES)
def edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    found = _kind(kind)
    return _edit(request, found, get_object_or_404(_records(found, request.user), pk=pk))


@require_POST
@require_action(Action.EVENTS_RULES)
def toggle(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record: RuleBase | Drill = get_object_or_404(_records(_kind(kind), request.user), pk=pk)
    enabled = request.POST.get("enabled") == "1"
    services.rule_set_enabled(actor=cast(User, request.user), rule=record, enabled=enabled)
    messages.success(request, f"{record} is {'on' if enabled else 'off'}.")
    return redirect("rules:index")
