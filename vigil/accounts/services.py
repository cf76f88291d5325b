"""Account workflows: creating people, granting roles, issuing and revoking API tokens."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vigil.accounts.models import TOKEN_PREFIX, ApiToken, RoleAssignment, User, hash_token
from vigil.core import audit
from vigil.core.permissions import Action, Role, forget_grants, grants_for
from vigil.sites.models import School


def user_create(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    title: str = "",
    is_demo: bool = False,
) -> User:
    """Create a person; with no password, the account cannot sign in until one is set."""
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "That username is taken."})
    with transaction.atomic():
        user = User(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=email,
            title=title,
            is_demo=is_demo,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    return user


def role_assign(
    *,
    actor: User | None,
    user: User,
    role: Role,
    district_wide: bool = False,
    schools: Iterable[School] = (),
) -> RoleAssignment:
    """Grant ``role`` for the district or for ``schools``, replacing that role's old scope."""
    school_list = list(schools)
    if not district_wide and not school_list:
        raise ValidationError({"schools": "Choose at least one school, or the whole district."})
    with transaction.atomic():
        assignment, _ = RoleAssignment.objects.get_or_create(
            user=user, role=role.value, defaults={"district_wide": district_wide}
        )
        if assignment.district_wide != district_wide:
            assignment.district_wide = district_wide
            assignment.save()
        assignment.schools.set([] if district_wide else school_list)
        audit.record(
            audit.AuditAction.UPDATE,
            obj=assignment,
            changes={"schools": [None, ", ".join(s.slug for s in school_list) or "district"]},
        )
    forget_grants(user)
    return assignment


def role_revoke(*, actor: User | None, user: User, role: Role) -> None:
    with transaction.atomic():
        for assignment in RoleAssignment.objects.filter(user=user, role=role.value):
            assignment.delete()
    forget_grants(user)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw: str  # shown to the person once, never stored


def token_issue(
    *,
    actor: User,
    name: str,
    actions: Iterable[Action],
    expires_at: datetime | None = None,
) -> IssuedToken:
    """Issue a token for ``actor`` limited to ``actions``, which the actor must hold."""
    wanted = sorted({Action(a) for a in actions})
    if not wanted:
        raise ValidationError({"actions": "Choose at least one permission for the token."})
    held = grants_for(actor)
    missing = [a for a in wanted if a not in held]
    if missing:
        raise ValidationError(
            {"actions": f"You cannot grant what you do not hold: {', '.join(missing)}."}
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    key_id = secrets.token_hex(6)
    raw = f"{TOKEN_PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            name=name.strip(),
            key_id=key_id,
            key_hash=hash_token(raw),
            actions=[str(a) for a in wanted],
            expires_at=expires_at,
        )
    return IssuedToken(token=token, raw=raw)


def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save()  # the audit row records revoked_at changing
    return token


def token_authenticate(raw: str) -> ApiToken | None:
    """The active token matching ``raw``, or None; marks it used (at most once a minute)."""
    parts = raw.split("_", 2)  # the secret itself may contain "_"
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    token = ApiToken.objects.usable().select_related("user").filter(key_id=parts[1]).first()
    if token is None or not token.matches(raw) or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        # A bookkeeping column: updated without an audit row of its own.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
