"""Sign-in, second factor, the person's own account, and the people directory."""

from __future__ import annotations

import base64
from typing import Any, cast

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigil.accounts import services
from vigil.accounts.forms import (
    LoginForm,
    PersonForm,
    ReasonForm,
    RoleForm,
    TokenIssueForm,
    TotpForm,
)
from vigil.accounts.models import ApiToken, User
from vigil.core import audit
from vigil.core.access import deny, require_action
from vigil.core.permissions import Action, Role, grants_for, has_action, requires_two_factor
from vigil.sites.models import School


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    next_page = "accounts:login"


def _safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol a TOTP device (first time) or verify a code (every sign-in)."""
    user = cast(User, request.user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)
    assert device is not None
    form = TotpForm(request.POST or None)
    allowed, throttle = device.verify_is_allowed()
    if request.method == "POST" and form.is_valid() and not allowed:
        # django-otp doubles the wait after each wrong code, against guessing.
        wait = (throttle or {}).get("locked_until")
        seconds = max(1, int((wait - timezone.now()).total_seconds()) + 1) if wait else 1
        form.add_error("code", f"Too many wrong codes. Wait {seconds} s, then try again.")
    elif request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            if enrolling:
                device.confirmed = True
                device.save()
                audit.record(audit.AuditAction.TWO_FACTOR_ENROLLED, obj=user)
            otp_login(request, device)
            return redirect(_safe_next(request))
        audit.record(audit.AuditAction.TWO_FACTOR_FAILED, obj=user)
        form.add_error("code", "That code is not right. Codes change every 30 seconds.")
    context: dict[str, Any] = {
        "form": form,
        "enrolling": enrolling,
        "required": requires_two_factor(user),
        "next": _safe_next(request),
    }
    if enrolling:
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(
            scale=5, dark="#0b1f33", light="#ffffff"
        )
        context["secret"] = _base32(device.bin_key)
    return render(request, "accounts/two_factor.html", context)


def _base32(key: bytes) -> str:
    return base64.b32encode(key).decode().rstrip("=")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    can_tokens = has_action(user, Action.TOKENS_MANAGE)
    held = sorted(grants_for(user))
    form = TokenIssueForm(request.POST or None, held=held) if can_tokens else None
    issued = None
    if request.method == "POST":
        if not can_tokens:
            deny(request, Action.TOKENS_MANAGE)
        assert form is not None
        if form.is_valid():
            try:
                issued = services.token_issue(
                    actor=user,
                    name=form.cleaned_data["name"],
                    actions=[Action(a) for a in form.cleaned_data["actions"]],
                    expires_at=form.cleaned_data["expires_at"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form = TokenIssueForm(held=held)
    tokens = ApiToken.objects.restrict(user, Action.TOKENS_MANAGE).filter(user=user)
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "issued": issued,
            "tokens": tokens,
            "has_device": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        },
    )


@require_POST
@require_action(Action.TOKENS_MANAGE)
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = cast(User, request.user)
    token = get_object_or_404(
        ApiToken.objects.restrict(user, Action.TOKENS_MANAGE).filter(user=user), pk=pk
    )
    services.token_revoke(actor=user, token=token)
    messages.success(request, f"Token “{token.name}” revoked. Anything using it stops now.")
    return redirect("accounts:account")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, "Password changed.")
        return super().form_valid(form)


@require_action(Action.PEOPLE_VIEW)
def people(request: HttpRequest) -> HttpResponse:
    qs = (
        User.objects.restrict(request.user, Action.PEOPLE_VIEW)
        .filter(is_active=True)
        .prefetch_related("role_assignments__schools")
    )
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(last_name__icontains=query) | qs.filter(first_name__icontains=query)
    return render(
        request,
        "accounts/people.html",
        {"people": qs, "q": query, "can_manage": has_action(request.user, Action.PEOPLE_MANAGE)},
    )


@require_action(Action.PEOPLE_VIEW)
def person(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(
        User.objects.restrict(request.user, Action.PEOPLE_VIEW).prefetch_related(
            "role_assignments__schools"
        ),
        pk=pk,
    )
    return render(
        request,
        "accounts/person.html",
        {
            "person": target,
            "reason_form": ReasonForm(),
            "can_reveal": has_action(request.user, Action.PEOPLE_REVEAL_CONTACT),
            "can_manage": has_action(request.user, Action.PEOPLE_MANAGE),
        },
    )


@require_POST
@require_action(Action.PEOPLE_REVEAL_CONTACT)
def person_reveal_phone(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a person's mobile number once, for a stated reason, and log the disclosure."""
    target = get_object_or_404(
        User.objects.restrict(request.user, Action.PEOPLE_REVEAL_CONTACT), pk=pk
    )
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return render(
            request, "accounts/_reveal.html", {"person": target, "reason_form": form}, status=400
        )
    audit.record(
        audit.AuditAction.SENSITIVE_READ,
        obj=target,
        changes={"field": "mobile_phone"},
        reason=form.cleaned_data["reason"],
    )
    return render(
        request, "accounts/_revealed.html", {"person": target, "value": target.mobile_phone}
    )


@require_action(Action.PEOPLE_MANAGE)
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.user_create(
                actor=request.user,  # type: ignore[arg-type]
                username=data["username"],
                password=data["password"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                title=data["title"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field, errors)
        else:
            messages.success(request, f"{created} added. Now give them a role.")
            return redirect("accounts:person_roles", pk=created.pk)
    return render(request, "accounts/person_form.html", {"form": form})


@require_action(Action.PEOPLE_MANAGE)
def person_roles(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(User.objects.restrict(request.user, Action.PEOPLE_MANAGE), pk=pk)
    schools = School.objects.restrict(request.user, Action.PEOPLE_MANAGE)
    form = RoleForm(request.POST or None, schools=schools)
    if request.method == "POST":
        if "revoke" in request.POST:
            services.role_revoke(actor=request.user, user=target, role=Role(request.POST["revoke"]))  # type: ignore[arg-type]
            messages.success(request, "Role removed.")
            return redirect("accounts:person_roles", pk=pk)
        if form.is_valid():
            services.role_assign(
                actor=request.user,  # type: ignore[arg-type]
                user=target,
                role=Role(form.cleaned_data["role"]),
                district_wide=form.cleaned_data["district_wide"],
                schools=form.cleaned_data["schools"],
            )
            messages.success(request, "Role saved.")
            return redirect("accounts:person_roles", pk=pk)
    return render(
        request,
        "accounts/person_roles.html",
        {
            "person": target,
            "form": form,
            "assignments": target.role_assignments.prefetch_related("schools"),
        },
    )


@require_action(Action.PEOPLE_MANAGE)
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate (never delete: the audit log and reports keep pointing at the person)."""
    target = get_object_or_404(User.objects.restrict(request.user, Action.PEOPLE_MANAGE), pk=pk)
    if request.method == "POST":
        if target.pk == request.user.pk:
            messages.error(request, "You cannot deactivate your own account.")
            return redirect(target)
        target.is_active = not target.is_active
        target.save()
        # Their API tokens stop working too: token authentication requires an active user.
        messages.success(
            request, f"{target} {'re-activated' if target.is_active else 'deactivated'}."
        )
        return redirect(target)
    return render(request, "accounts/person_deactivate.html", {"person": target})
