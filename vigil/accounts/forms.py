"""Forms of the accounts pages. Every error names its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password

from vigil.core.permissions import ROLE_LABELS, Action, Role
from vigil.sites.models import School


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="Username",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TotpForm(forms.Form):
    code = forms.RegexField(
        label="6-digit code",
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": "Enter the 6 digits your authenticator app shows."},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip()


class ReasonForm(forms.Form):
    """Why a person needs to see a sensitive value; the answer goes into the audit log."""

    reason = forms.CharField(
        label="Reason",
        min_length=8,
        max_length=300,
        help_text="Say why you need it (e.g. “call-out for alarm at Gym, 02:10”). It is logged.",
        error_messages={"min_length": "Give a reason of at least 8 characters."},
    )


class TokenIssueForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100, help_text="What will use this token.")
    actions = forms.MultipleChoiceField(
        label="Permissions",
        widget=forms.CheckboxSelectMultiple,
        help_text="The token can do only these, and never more than you can.",
    )
    expires_at = forms.DateTimeField(
        label="Expires",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text="Leave empty for no expiry (revoke it when no longer needed).",
    )

    def __init__(self, *args: Any, held: list[Action], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actions = self.fields["actions"]
        assert isinstance(actions, forms.MultipleChoiceField)
        actions.choices = [(a.value, a.value) for a in held]


class PersonForm(forms.Form):
    username = forms.RegexField(
        label="Username",
        regex=r"^[a-z0-9_.-]{3,40}$",
        error_messages={"invalid": "Use 3–40 lowercase letters, digits, dots, dashes or _."},
    )
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(label="Email", required=False)
    title = forms.CharField(label="Job title", max_length=120, required=False)
    password = forms.CharField(
        label="Initial password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters. The person should change it at first sign-in.",
    )

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        validate_password(password)
        return password


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=[(r.value, ROLE_LABELS[r]) for r in Role])
    district_wide = forms.BooleanField(label="Whole district", required=False)
    schools = forms.ModelMultipleChoiceField(
        label="Schools",
        queryset=School.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, schools: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["schools"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = schools

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("district_wide") and not data.get("schools"):
            self.add_error("schools", "Choose at least one school, or the whole district.")
        return data
