"""People who use Vigil, the roles they hold, and the API tokens integrations use."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, ClassVar, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from vigil.core.crypto import EncryptedTextField
from vigil.core.models import AuditedModel, RestrictedQuerySet
from vigil.core.permissions import ROLE_LABELS, Action, Role, roles_of, scope_for


class UserQuerySet(RestrictedQuerySet["User"]):
    def restrict(self, user: Any, action: Action) -> Self:
        """Users are visible where they hold a role: a supervisor of school A sees A's staff."""
        scope = scope_for(user, action)
        if scope.district:
            return self.all()
        if not scope.school_ids:
            return self.none()
        ids = sorted(scope.school_ids)
        return self.filter(role_assignments__schools__in=ids).distinct()


class VigilUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AuditedModel, AbstractUser):
    """A person who signs in to Vigil."""

    title = models.CharField(max_length=120, blank=True, help_text="Job title, e.g. “SSO II”.")
    badge_number = models.CharField(max_length=32, blank=True)
    mobile_phone = EncryptedTextField(
        blank=True,
        help_text="Personal mobile for call-outs. Encrypted; reading it needs a reason and is "
        "logged.",
    )
    is_demo = models.BooleanField(default=False, help_text="A login of the fictional demo.")

    audit_redacted: ClassVar[frozenset[str]] = frozenset({"password", "mobile_phone"})
    audit_ignored: ClassVar[frozenset[str]] = frozenset({"last_login"})
    scope_path: ClassVar[str | None] = None

    objects: ClassVar[VigilUserManager] = VigilUserManager()

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:person", kwargs={"pk": self.pk})

    @property
    def role_labels(self) -> list[str]:
        return [ROLE_LABELS[r] for r in roles_of(self)]


class RoleAssignment(AuditedModel):
    """One role held by one user, for the whole district or for a set of schools."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(max_length=32, choices=[(r.value, r.label) for r in Role])
    district_wide = models.BooleanField(default=False)
    schools = models.ManyToManyField("sites.School", blank=True, related_name="role_assignments")
    granted_at = models.DateTimeField(default=timezone.now)

    scope_path: ClassVar[str | None] = None

    class Meta:
        ordering = ["user", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="one_role_per_user")]

    def __str__(self) -> str:
        where = "district" if self.district_wide else "schools"
        return f"{self.user} – {ROLE_LABELS[Role(self.role)]} ({where})"


TOKEN_PREFIX = "vgl"  # noqa: S105 - a public prefix, not a secret


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(RestrictedQuerySet["ApiToken"]):
    def usable(self) -> Self:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiToken(AuditedModel):
    """A bearer token for an integration or script, limited to a set of actions.

    Only a SHA-256 of the token is stored; the token itself is shown once, when issued.
    The token acts as its user, narrowed to ``actions``; revoking it takes effect at once.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What uses this token, e.g. “Door sync”.")
    key_id = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    actions = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    audit_redacted: ClassVar[frozenset[str]] = frozenset({"key_hash"})
    scope_path: ClassVar[str | None] = None

    objects: ClassVar[Any] = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({TOKEN_PREFIX}_{self.key_id}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and (
            self.expires_at is None or self.expires_at > timezone.now()
        )

    def matches(self, raw: str) -> bool:
        return hmac.compare_digest(self.key_hash, hash_token(raw))
