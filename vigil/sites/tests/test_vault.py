"""The alarm-code vault: encrypted at rest, revealed only with proof and a reason, always logged."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import DEMO_SEED, sign_in
from vigil.accounts.models import User
from vigil.core import crypto
from vigil.core.audit import AuditAction
from vigil.core.models import AuditEntry
from vigil.demo.builder import DEMO_PASSWORD, totp_key
from vigil.sites import services
from vigil.sites.models import AlarmCode, School
from vigil.sites.tests.factories import PANEL_CODE, knowledge

pytestmark = pytest.mark.django_db

HS = "cedar-hollow-hs"
LA = ZoneInfo("America/Los_Angeles")
NOON = datetime(2026, 9, 2, 12, 0, tzinfo=LA)


def _code(**kwargs: Any) -> AlarmCode:
    return knowledge(School.objects.get(slug=HS), **kwargs).code


def _user(name: str) -> User:
    user: User = User.objects.get(username=name)
    return user


def _rows(code: AlarmCode, action: AuditAction) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            object_type="sites.alarmcode", object_id=str(code.pk), action=action
        ).order_by("seq")
    )


def _totp(username: str, at: datetime) -> str:
    device = TOTP(totp_key(DEMO_SEED, username))
    device.time = int(at.timestamp())
    return str(device.token()).zfill(6)


def test_code_is_ciphertext_in_the_database() -> None:
    code = _code()
    with connection.cursor() as cursor:
        cursor.execute("SELECT code FROM sites_alarmcode WHERE id = %s", [code.pk])
        (raw,) = cursor.fetchone()
    assert PANEL_CODE not in raw
    assert raw.startswith("gAAAAA")  # a Fernet token
    assert crypto.decrypt(raw) == PANEL_CODE
    assert AlarmCode.objects.get(pk=code.pk).code == PANEL_CODE


def test_reveal_with_password_returns_code_and_logs_reason() -> None:
    code = _code()
    officer = _user("officer")
    value = services.alarm_code_reveal(
        actor=officer,
        code=code,
        reason="alarm call-out, gym, 02:10",
        password=DEMO_PASSWORD,
        now=NOON,
    )
    assert value == PANEL_CODE
    [row] = _rows(code, AuditAction.SENSITIVE_READ)
    assert (row.actor_label, row.reason) == ("officer", "alarm call-out, gym, 02:10")
    assert row.changes == {"field": "code", "verified_by": "password"}
    assert row.school_id == code.school_id
    assert _rows(code, AuditAction.DENIED) == []


def test_every_reveal_is_its_own_audit_row() -> None:
    code = _code()
    for reason in ("first call-out tonight", "second call-out tonight"):
        services.alarm_code_reveal(
            actor=_user("officer"), code=code, reason=reason, password=DEMO_PASSWORD, now=NOON
        )
    assert [r.reason for r in _rows(code, AuditAction.SENSITIVE_READ)] == [
        "first call-out tonight",
        "second call-out tonight",
    ]


@pytest.mark.parametrize(
    ("kwargs", "field", "cause"),
    [
        (
            {"reason": "alarm call-out", "password": "not-my-password"},
            "password",
            "wrong password or code",
        ),
        ({"reason": "", "password": DEMO_PASSWORD}, "reason", "no reason given"),
        ({"reason": " short  ", "password": DEMO_PASSWORD}, "reason", "no reason given"),
        ({"reason": "alarm call-out"}, "password", "no password or code entered"),
    ],
    ids=["wrong-password", "no-reason", "short-reason", "no-proof"],
)
def test_refusals_name_the_field_and_are_logged(
    kwargs: dict[str, str], field: str, cause: str
) -> None:
    code = _code()
    with pytest.raises(services.RevealRefused) as refused:
        services.alarm_code_reveal(actor=_user("officer"), code=code, now=NOON, **kwargs)
    assert refused.value.field == field
    [row] = _rows(code, AuditAction.DENIED)
    assert (row.actor_label, row.reason) == ("officer", f"reveal refused: {cause}")
    assert _rows(code, AuditAction.SENSITIVE_READ) == []


def test_totp_code_proves_it_is_you_and_a_wrong_one_is_refused() -> None:
    code = _code()
    supervisor = _user("supervisor")
    with pytest.raises(services.RevealRefused) as refused:
        services.alarm_code_reveal(
            actor=supervisor, code=code, reason="checking the panel", totp="000000", now=NOON
        )
    assert (refused.value.field, refused.value.message) == ("totp", "That code is not right.")
    TOTPDevice.objects.filter(user=supervisor).update(
        throttling_failure_count=0, throttling_failure_timestamp=None
    )
    good = _totp("supervisor", datetime.now(tz=LA))
    value = services.alarm_code_reveal(
        actor=supervisor, code=code, reason="checking the panel", totp=good, now=NOON
    )
    assert value == PANEL_CODE
    [row] = _rows(code, AuditAction.SENSITIVE_READ)
    assert row.changes["verified_by"] == "totp"


def test_repeated_wrong_passwords_lock_the_vault_for_a_while() -> None:
    code = _code()
    officer = _user("officer")
    for _ in range(services.CREDENTIAL_FAILURE_LIMIT):
        with pytest.raises(services.RevealRefused):
            services.alarm_code_reveal(
                actor=officer,
                code=code,
                reason="guessing away",
                password="wrong",
                now=datetime.now(tz=LA),
            )
    with pytest.raises(services.RevealRefused) as refused:
        services.alarm_code_reveal(
            actor=officer,
            code=code,
            reason="now the right one",
            password=DEMO_PASSWORD,
            now=datetime.now(tz=LA),
        )
    assert refused.value.message.startswith("Too many wrong passwords or codes.")
    assert _rows(code, AuditAction.SENSITIVE_READ) == []


@pytest.mark.parametrize(
    ("local", "allowed"),
    [
        (time(12, 0), False),
        (time(21, 59), False),
        (time(22, 0), True),
        (time(23, 30), True),
        (time(5, 59), True),
        (time(6, 0), False),
    ],
)
def test_overnight_window(local: time, allowed: bool) -> None:
    code = _code(window=(time(22, 0), time(6, 0)))
    now = datetime.combine(date(2026, 9, 2), local, tzinfo=LA)
    assert (services.unavailability(code, now) is None) is allowed


def test_out_of_window_reveal_is_refused_saying_when() -> None:
    code = _code(window=(time(22, 0), time(6, 0)))
    with pytest.raises(services.RevealRefused) as refused:
        services.alarm_code_reveal(
            actor=_user("officer"),
            code=code,
            reason="alarm call-out",
            password=DEMO_PASSWORD,
            now=NOON,
        )
    assert refused.value.field is None
    assert refused.value.message == (
        "This code is not valid now. It can be revealed from today at 22:00 "
        "(America/Los_Angeles time)."
    )
    [row] = _rows(code, AuditAction.DENIED)
    assert row.reason == "reveal refused: outside its valid dates or time window"


def test_window_uses_district_local_time_not_utc() -> None:
    code = _code(window=(time(22, 0), time(6, 0)))
    # 05:30 UTC on 3 Sep is 22:30 on 2 Sep in California: inside the window.
    assert (
        services.unavailability(code, datetime(2026, 9, 3, 5, 30, tzinfo=ZoneInfo("UTC"))) is None
    )


def test_code_not_yet_valid_says_from_when() -> None:
    code = _code(dates=(date(2026, 9, 10), None), window=(time(18, 0), time(23, 0)))
    assert services.unavailability(code, NOON) == (
        "This code is not valid now. It can be revealed from on Thu 10 Sep 2026 at 18:00 "
        "(America/Los_Angeles time)."
    )


def test_expired_code_is_refused() -> None:
    code = _code(dates=(None, date(2026, 9, 1)))
    with pytest.raises(services.RevealRefused) as refused:
        services.alarm_code_reveal(
            actor=_user("officer"),
            code=code,
            reason="alarm call-out",
            password=DEMO_PASSWORD,
            now=NOON,
        )
    assert refused.value.message == (
        "This code expired after Tue 01 Sep 2026. Ask a supervisor for the current code."
    )


def test_tomorrow_when_todays_window_has_closed() -> None:
    code = _code(window=(time(6, 0), time(8, 0)))
    assert services.unavailability(code, NOON) == (
        "This code is not valid now. It can be revealed from tomorrow at 06:00 "
        "(America/Los_Angeles time)."
    )


# --- pages --------------------------------------------------------------------------------


def test_reveal_page_shows_code_for_30_seconds_and_is_not_cached(client: Client) -> None:
    code = _code()
    sign_in(client, "officer")
    url = reverse("sites:vault_reveal", args=[code.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert "no-store" in form["Cache-Control"]
    response = client.post(url, {"password": DEMO_PASSWORD, "reason": "alarm call-out, gym"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert f"data-secret>{PANEL_CODE}</strong>" in html
    assert 'data-expires-in="30"' in html


def test_wrong_password_on_the_page_names_the_field(client: Client) -> None:
    code = _code()
    sign_in(client, "officer")
    response = client.post(
        reverse("sites:vault_reveal", args=[code.pk]),
        {"password": "nope", "reason": "alarm call-out"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Your password: That password is not right." in html
    assert PANEL_CODE not in html


def test_out_of_window_page_says_when(client: Client) -> None:
    code = _code(window=(time(0, 0), time(0, 1)), dates=(date(2020, 1, 1), date(2020, 1, 2)))
    sign_in(client, "officer")
    response = client.post(
        reverse("sites:vault_reveal", args=[code.pk]),
        {"password": DEMO_PASSWORD, "reason": "alarm call-out"},
    )
    assert response.status_code == 403
    assert "This code expired after Thu 02 Jan 2020." in response.content.decode()


def test_reveal_log_shows_supervisors_who_what_when_why(client: Client) -> None:
    code = _code()
    services.alarm_code_reveal(
        actor=_user("officer"),
        code=code,
        reason="alarm call-out, gym",
        password=DEMO_PASSWORD,
        now=NOON,
    )
    with pytest.raises(services.RevealRefused):
        services.alarm_code_reveal(
            actor=_user("officer"), code=code, reason="second try", password="bad", now=NOON
        )
    sign_in(client, "supervisor")
    html = client.get(reverse("sites:vault_log")).content.decode()
    assert "alarm call-out, gym" in html
    assert "wrong password or code" in html
    assert html.count("Test night code") == 2
    refused = client.get(reverse("sites:vault_log") + "?outcome=refused").content.decode()
    assert "alarm call-out, gym" not in refused


def test_reveal_log_is_not_for_officers(client: Client) -> None:
    sign_in(client, "officer")
    assert client.get(reverse("sites:vault_log")).status_code == 403


def test_reveal_log_of_other_schools_is_hidden(client: Client) -> None:
    code = knowledge(School.objects.get(slug="willow-creek-es")).code
    services.alarm_code_reveal(
        actor=_user("director"),
        code=code,
        reason="district-wide check",
        password=DEMO_PASSWORD,
        now=NOON,
    )
    sign_in(client, "principal")  # school administrator of the high school only
    html = client.get(reverse("sites:vault_log")).content.decode()
    assert "district-wide check" not in html


def test_manager_adds_code_encrypted_and_edit_form_never_shows_it(client: Client) -> None:
    school = School.objects.get(slug=HS)
    sign_in(client, "supervisor")
    response = client.post(
        reverse("sites:vault_new", args=[school.slug]),
        {"label": "Gym side door keypad", "new_code": "2468#"},
    )
    assert response.status_code == 302
    code = AlarmCode.objects.get(label="Gym side door keypad")
    assert code.code == "2468#"
    [row] = AuditEntry.objects.filter(
        object_type="sites.alarmcode", object_id=str(code.pk), action="create"
    )
    assert row.changes["code"] == ["[redacted]", "[redacted]"]
    edit = client.get(reverse("sites:vault_edit", args=[code.pk])).content.decode()
    assert "2468" not in edit
    client.post(
        reverse("sites:vault_edit", args=[code.pk]), {"label": "Gym keypad", "new_code": ""}
    )
    code.refresh_from_db()
    assert (code.label, code.code) == ("Gym keypad", "2468#")
    client.post(
        reverse("sites:vault_edit", args=[code.pk]), {"label": "Gym keypad", "new_code": "1357"}
    )
    code.refresh_from_db()
    assert code.code == "1357"


def test_new_code_needs_a_code_and_a_sane_window(client: Client) -> None:
    school = School.objects.get(slug=HS)
    sign_in(client, "supervisor")
    response = client.post(
        reverse("sites:vault_new", args=[school.slug]),
        {
            "label": "Keypad",
            "new_code": "",
            "valid_from": "2026-09-10",
            "valid_until": "2026-09-01",
        },
    )
    html = response.content.decode()
    assert "Code: This field is required." in html
    assert "Valid until (date): The last valid day is before the first." in html
    assert not AlarmCode.objects.filter(label="Keypad").exists()


def test_retire_erases_the_code_and_keeps_the_log(client: Client) -> None:
    code = _code()
    services.alarm_code_reveal(
        actor=_user("officer"), code=code, reason="alarm call-out", password=DEMO_PASSWORD, now=NOON
    )
    sign_in(client, "supervisor")
    url = reverse("sites:vault_retire", args=[code.pk])
    assert "erased for good" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not AlarmCode.objects.filter(pk=code.pk).exists()
    assert len(_rows(code, AuditAction.SENSITIVE_READ)) == 1
    assert len(_rows(code, AuditAction.DELETE)) == 1


def test_officer_cannot_manage_codes(client: Client) -> None:
    code = _code()
    sign_in(client, "officer")
    assert client.get(reverse("sites:vault_edit", args=[code.pk])).status_code == 403
    assert client.post(reverse("sites:vault_retire", args=[code.pk])).status_code == 403
    assert AlarmCode.objects.filter(pk=code.pk).exists()


def test_vault_lists_codes_with_when_they_can_be_revealed(client: Client) -> None:
    _code(window=(time(22, 0), time(6, 0)))
    sign_in(client, "officer")
    html = client.get(reverse("sites:vault")).content.decode()
    assert "Test night code" in html
    assert "22:00–06:00 daily" in html
