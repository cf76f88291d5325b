"""Fixtures shared by every test: the demo district, built once per test database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

DEMO_SEED = 20260901


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Build the fictional demo district once; each test then runs in a rolled-back transaction."""
    from vigil.demo import builder
    from vigil.sites.models import District

    with django_db_blocker.unblock():
        if not District.objects.exists():
            builder.build(DEMO_SEED)


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    # Argon2 is deliberately slow; tests that check hashing itself use the default settings.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",  # to check the demo's passwords
    ]


@pytest.fixture
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Uploaded files (evidence, photos) are stored under this test's own folder."""
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


def sign_in(client: Client, username: str) -> Client:
    """Log ``username`` in as if they had also passed their second factor."""
    from vigil.accounts.models import User

    user = User.objects.get(username=username)
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def login(client: Client, db: None) -> Any:
    def _login(username: str) -> Client:
        return sign_in(client, username)

    return _login
