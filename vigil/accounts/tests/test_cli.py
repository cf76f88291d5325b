from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from vigil.accounts.models import User
from vigil.core.models import AuditEntry
from vigil.core.permissions import Role, roles_of

pytestmark = pytest.mark.django_db


def test_createuser_with_a_school_scope(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase\n"))
    out = io.StringIO()
    call_command(
        "createuser",
        "m.ortiz",
        "--role",
        "officer",
        "--school",
        "willow-creek-es",
        "--first-name",
        "Mara",
        "--password-stdin",
        stdout=out,
    )
    user = User.objects.get(username="m.ortiz")
    assert roles_of(user) == [Role.OFFICER]
    assert user.check_password("a long enough passphrase")
    assert [s.slug for s in user.role_assignments.get().schools.all()] == ["willow-creek-es"]
    assert AuditEntry.objects.filter(object_type="accounts.user", object_id=str(user.pk)).exists()
    assert "Created m.ortiz" in out.getvalue()


def test_createuser_refuses_an_unknown_school_and_creates_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough passphrase\n"))
    with pytest.raises(CommandError, match="--school: unknown school"):
        call_command(
            "createuser", "x.y", "--role", "officer", "--school", "nowhere", "--password-stdin"
        )
    assert not User.objects.filter(username="x.y").exists()


def test_createuser_refuses_a_weak_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(CommandError, match="too short"):
        call_command("createuser", "x.y", "--role", "director", "--district", "--password-stdin")
    assert not User.objects.filter(username="x.y").exists()
