"""The overview page and the school switcher."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from vigil.core.models import AuditEntry
from vigil.core.permissions import Action, has_action
from vigil.sites import selectors
from vigil.sites.models import School
from vigil.web.context_processors import CURRENT_SCHOOL_KEY


@login_required
def home(request: HttpRequest) -> HttpResponse:
    schools = selectors.schools_for(request.user)
    current = request.session.get(CURRENT_SCHOOL_KEY)
    if current:
        schools = schools.filter(pk=current)
    recent = None
    if has_action(request.user, Action.AUDIT_VIEW):
        recent = AuditEntry.objects.restrict(request.user, Action.AUDIT_VIEW).order_by("-seq")[:8]
    return render(request, "web/home.html", {"schools": schools, "recent_audit": recent})


@require_POST
@login_required
def switch_school(request: HttpRequest) -> HttpResponse:
    """Narrow the pages to one school, or show all the user's schools again ("all")."""
    value = request.POST.get("school", "all")
    if value == "all":
        request.session.pop(CURRENT_SCHOOL_KEY, None)
    else:
        school = get_object_or_404(
            School.objects.restrict(request.user, Action.SITES_VIEW),
            pk=int(value) if value.isdigit() else 0,
        )
        request.session[CURRENT_SCHOOL_KEY] = school.pk
        messages.info(request, f"Showing {school}.")
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    return redirect(target)
