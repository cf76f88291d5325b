from __future__ import annotations

import time
from typing import Any

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import TOTP

from conftest import DEMO_SEED
from vigil.accounts.models import User
from vigil.core.models import AuditEntry
from vigil.demo.builder import DEMO_PASSWORD, totp_key

pytestmark = pytest.mark.django_db


def _post_login(client: Client, username: str, password: str = DEMO_PASSWORD) -> Any:
    return client.post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR="198.51.100.4"
    )


def _last(action: str) -> AuditEntry:
    entry = AuditEntry.objects.filter(action=action).order_by("-seq").first()
    assert entry is not None
    return entry


def test_passwords_are_hashed_with_argon2(settings: Any) -> None:
    assert settings.PASSWORD_HASHERS  # the autouse fixture replaces them; the demo used the default
    assert identify_hasher(User.objects.get(username="officer").password).algorithm == "argon2"


def test_officer_signs_in_and_it_is_audited(client: Client) -> None:
    response = _post_login(client, "officer")
    assert response.status_code == 302
    assert response["Location"] == "/"
    entry = _last("login")
    assert (entry.actor_label, entry.ip) == ("officer", "198.51.100.4")
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused_and_audited(client: Client) -> None:
    response = _post_login(client, "officer", "not the password")
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    entry = _last("login_failed")
    assert (entry.object_repr, entry.ip, entry.actor_id) == ("officer", "198.51.100.4", None)


def test_lockout_after_repeated_failures(client: Client, settings: Any) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _post_login(client, "officer", "wrong")
    response = _post_login(client, "officer")  # even the right password is refused now
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert _last("locked_out").object_repr == "officer"
    assert client.get("/").status_code == 302


def test_supervisor_must_pass_totp_before_anything_else(client: Client) -> None:
    _post_login(client, "supervisor")
    response = client.get("/schools/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/two-factor/?next=")
    assert client.get("/api/me").status_code == 401  # the API does not accept a half-done sign-in
    bad = client.post("/account/two-factor/", {"code": "000000", "next": "/schools/"})
    assert b"That code is not right" in bad.content
    assert _last("2fa_failed").actor_label == "supervisor"
    devices = User.objects.get(username="supervisor").totpdevice_set
    assert devices.get().throttling_failure_count == 1
    # A burst of wrong codes locks the device for 2^(n-1) s; the right code is refused meanwhile.
    devices.update(throttling_failure_count=4, throttling_failure_timestamp=timezone.now())
    code = str(TOTP(totp_key(DEMO_SEED, "supervisor")).token()).zfill(6)
    throttled = client.post("/account/two-factor/", {"code": code, "next": "/schools/"})
    assert b"Too many wrong codes. Wait " in throttled.content
    devices.update(throttling_failure_count=0, throttling_failure_timestamp=None)
    good = client.post("/account/two-factor/", {"code": code, "next": "/schools/"})
    assert good.status_code == 302
    assert good["Location"] == "/schools/"
    assert client.get("/schools/").status_code == 200


def test_totp_rejects_malformed_code_naming_the_field(client: Client) -> None:
    _post_login(client, "director")
    response = client.post("/account/two-factor/", {"code": "12ab"})
    assert b"6-digit code: Enter the 6 digits your authenticator app shows." in response.content


def test_first_sign_in_enrols_a_device(client: Client) -> None:
    user = User.objects.get(username="principal")
    user.totpdevice_set.all().delete()
    _post_login(client, "principal")
    page = client.get("/account/two-factor/")
    assert b"Set up two-factor sign-in" in page.content
    device = user.totpdevice_set.get()
    assert device.confirmed is False
    code = str(TOTP(device.bin_key).token()).zfill(6)
    assert client.post("/account/two-factor/", {"code": code}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed is True
    assert _last("2fa_enrolled").actor_label == "principal"


def test_open_redirect_after_totp_is_refused(client: Client) -> None:
    _post_login(client, "director")
    code = str(TOTP(totp_key(DEMO_SEED, "director")).token()).zfill(6)
    response = client.post("/account/two-factor/", {"code": code, "next": "https://evil.example/"})
    assert response["Location"] == "/"


@override_settings(VIGIL_SESSION_IDLE_SECONDS=60)
def test_idle_session_expires(client: Client) -> None:
    _post_login(client, "officer")
    assert client.get("/").status_code == 200
    session = client.session
    session["vigil_last_seen"] = int(time.time()) - 61
    session.save()
    response = client.get("/schools/", follow=True)
    assert response.redirect_chain[0][0].startswith("/login/?next=/schools/")
    assert b"Your session expired" in response.content


def test_logout_is_audited(client: Client) -> None:
    _post_login(client, "officer")
    client.post("/logout/")
    assert _last("logout").actor_label == "officer"
    assert client.get("/").status_code == 302


def test_deactivated_person_cannot_sign_in(client: Client) -> None:
    user = User.objects.get(username="officer")
    user.is_active = False
    user.save()
    assert _post_login(client, "officer").status_code == 200
    assert client.get("/").status_code == 302
