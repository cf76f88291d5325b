"""The alarm-code vault: reveal a code (with proof and a reason), the reveal log, managing codes.

Pages that show or ask for a code are never cached (``Cache-Control: no-store``), so a code
cannot be brought back with the browser's back button or from a shared computer's cache.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigil.core import audit
from vigil.core.access import require_action
from vigil.core.models import AuditEntry
from vigil.core.permissions import Action, scope_for
from vigil.sites import services
from vigil.sites.forms import AlarmCodeForm, RevealForm
from vigil.sites.models import AlarmCode, School

# How long a revealed code stays on screen (vigil.js counts down ``data-expires-in``).
REVEAL_SECONDS = 30


def _codes(user: Any, action: Action) -> Any:
    return AlarmCode.objects.restrict(user, action).select_related(
        "school", "school__district", "panel"
    )


@require_action(Action.ALARM_CODES_REVEAL)
def vault(request: HttpRequest) -> HttpResponse:
    """The codes the person may reveal, by school, each with when it may be revealed."""
    now = timezone.now()
    manage = scope_for(request.user, Action.ALARM_CODES_MANAGE)
    codes = list(_codes(request.user, Action.ALARM_CODES_REVEAL).order_by("school__name", "label"))
    rows = [
        {
            "code": c,
            "blocked": services.unavailability(c, now),
            "expired": services.next_revealable(c, now) is None,
            "can_manage": manage.allows_school(c.school_id),
        }
        for c in codes
    ]
    groups = [
        {"school": school, "rows": list(items), "can_manage": manage.allows_school(school.pk)}
        for school, items in groupby(rows, key=lambda r: r["code"].school)
    ]
    without_codes = (
        School.objects.restrict(request.user, Action.ALARM_CODES_MANAGE)
        .exclude(pk__in={c.school_id for c in codes})
        .order_by("name")
    )
    return render(
        request,
        "sites/vault/list.html",
        {"groups": groups, "without_codes": without_codes, "can_manage": not manage.empty},
    )


@never_cache
@require_action(Action.ALARM_CODES_REVEAL)
def vault_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    code = get_object_or_404(_codes(request.user, Action.ALARM_CODES_REVEAL), pk=pk)
    has_device = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    form = RevealForm(request.POST or None, has_device=has_device)
    context: dict[str, Any] = {"code": code, "form": form, "blocked": None}
    if request.method != "POST":
        context["blocked"] = services.unavailability(code, timezone.now())
        return render(request, "sites/vault/reveal.html", context)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            value = services.alarm_code_reveal(
                actor=request.user,
                code=code,
                reason=data["reason"],
                password=data["password"] or None,
                totp=data.get("totp") or None,
                now=timezone.now(),
            )
        except services.RevealRefused as refusal:
            if refusal.field is not None and refusal.field in form.fields:
                form.add_error(refusal.field, refusal.message)
            else:
                context["blocked"] = refusal.message
                status = 403
        else:
            return render(
                request,
                "sites/vault/revealed.html",
                {"code": code, "value": value, "seconds": REVEAL_SECONDS},
            )
    return render(request, "sites/vault/reveal.html", context, status=status)


@require_action(Action.ALARM_CODES_MANAGE)
def vault_log(request: HttpRequest) -> HttpResponse:
    """Every reveal and refused attempt in the person's schools: who, what, when and why."""
    entries = AuditEntry.objects.restrict(request.user, Action.ALARM_CODES_MANAGE).filter(
        object_type=AlarmCode._meta.label_lower,
        action__in=[audit.AuditAction.SENSITIVE_READ, audit.AuditAction.DENIED],
    )
    outcome = request.GET.get("outcome", "")
    if outcome == "revealed":
        entries = entries.filter(action=audit.AuditAction.SENSITIVE_READ)
    elif outcome == "refused":
        entries = entries.filter(action=audit.AuditAction.DENIED)
    page = Paginator(entries.order_by("-seq"), 50).get_page(request.GET.get("page"))
    schools = dict(
        School.objects.restrict(request.user, Action.ALARM_CODES_MANAGE).values_list("pk", "name")
    )
    for entry in page:
        entry.school_name = schools.get(entry.school_id or 0, "")  # type: ignore[attr-defined]
    return render(request, "sites/vault/log.html", {"page": page, "outcome": outcome})


def _manageable_school(request: HttpRequest, slug: str) -> School:
    return get_object_or_404(
        School.objects.restrict(request.user, Action.ALARM_CODES_MANAGE), slug=slug
    )


@require_action(Action.ALARM_CODES_MANAGE)
def vault_new(request: HttpRequest, slug: str) -> HttpResponse:
    school = _manageable_school(request, slug)
    form = AlarmCodeForm(request.POST or None, school=school)
    if request.method == "POST" and form.is_valid():
        code = form.save()
        messages.success(request, f"Code “{code}” added for {school}.")
        return redirect("sites:vault")
    return render(request, "sites/vault/form.html", {"form": form, "school": school, "code": None})


@require_action(Action.ALARM_CODES_MANAGE)
def vault_edit(request: HttpRequest, pk: int) -> HttpResponse:
    code = get_object_or_404(_codes(request.user, Action.ALARM_CODES_MANAGE), pk=pk)
    form = AlarmCodeForm(request.POST or None, instance=code, school=code.school)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Code “{code}” saved.")
        return redirect("sites:vault")
    return render(
        request, "sites/vault/form.html", {"form": form, "school": code.school, "code": code}
    )


@require_action(Action.ALARM_CODES_MANAGE)
def vault_retire(request: HttpRequest, pk: int) -> HttpResponse:
    """Retire a code: it is erased for good; its reveals stay in the audit log."""
    code = get_object_or_404(_codes(request.user, Action.ALARM_CODES_MANAGE), pk=pk)
    if request.method == "POST":
        services.record_delete(actor=request.user, obj=code)
        messages.success(request, f"Code “{code}” retired and erased.")
        return redirect("sites:vault")
    return render(
        request,
        "sites/vault/retire.html",
        {"code": code, "log_url": reverse("sites:vault_log")},
    )
