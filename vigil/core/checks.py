"""`vigil check --deploy`: refuse to call a production configuration safe when it is not.

Django's own deploy checks are warnings; these are errors, so the command exits non-zero.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError


def _active_demo_logins() -> bool:
    from vigil.accounts.models import User

    try:
        return bool(User.objects.filter(is_demo=True, is_active=True).exists())
    except DatabaseError:  # not migrated yet: nothing to flag
        return False


@register(Tags.security, deploy=True)
def vigil_deploy_checks(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    if settings.DEBUG:
        errors.append(Error("VIGIL_DEBUG is on.", hint="Unset VIGIL_DEBUG.", id="vigil.E001"))
    try:
        secret_key = str(settings.SECRET_KEY)
    except ImproperlyConfigured:  # Django refuses to hand out an empty key
        secret_key = ""
    if len(secret_key) < 50 or len(set(secret_key)) < 5:
        errors.append(
            Error(
                "VIGIL_SECRET_KEY is missing or too short.",
                hint="Set VIGIL_SECRET_KEY to 50+ random characters.",
                id="vigil.E002",
            )
        )
    if len(settings.VIGIL_ENCRYPTION_KEY) < 32:
        errors.append(
            Error(
                "No strong encryption key for secrets at rest.",
                hint="Set VIGIL_ENCRYPTION_KEY or VIGIL_ENCRYPTION_KEY_FILE (32+ characters), "
                "kept outside the database and the repository.",
                id="vigil.E003",
            )
        )
    if settings.VIGIL_ENV == "production":
        if not settings.SESSION_COOKIE_SECURE or not settings.CSRF_COOKIE_SECURE:
            errors.append(
                Error(
                    "Cookies are sent over plain HTTP.",
                    hint="Serve over HTTPS and set VIGIL_SECURE_COOKIES=1.",
                    id="vigil.E004",
                )
            )
        if _active_demo_logins():
            errors.append(
                Error(
                    "Demo logins with a published password are active.",
                    hint="Deactivate or delete the demo users (`vigil demo` is for trying Vigil).",
                    id="vigil.E006",
                )
            )
        if "*" in settings.ALLOWED_HOSTS:
            errors.append(
                Error(
                    "ALLOWED_HOSTS accepts any host.",
                    hint="List the host names Vigil is served under.",
                    id="vigil.E005",
                )
            )
    return errors
