from __future__ import annotations

import io
from itertools import pairwise
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from vigil.accounts.models import User
from vigil.core import audit, context
from vigil.core.models import AuditChainHead, AuditEntry
from vigil.sites.models import School

pytestmark = pytest.mark.django_db


def _tamper(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_demo_chain_verifies() -> None:
    checked, problem = audit.verify()
    assert problem is None
    assert checked == AuditEntry.objects.count()
    assert checked > 100


def test_each_row_links_to_the_previous_hash() -> None:
    rows = list(AuditEntry.objects.order_by("seq")[:50])
    assert rows[0].prev_hash == audit.GENESIS_HASH
    for before, after in pairwise(rows):
        assert after.prev_hash == before.hash
        assert after.seq == before.seq + 1


def test_update_is_logged_with_before_and_after() -> None:
    school = School.objects.get(slug="willow-creek-es")
    school.phone = "(555) 010-0000"
    school.save()
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.action == "update"
    assert entry.object_type == "sites.school"
    assert entry.object_id == str(school.pk)
    assert entry.school_id == school.pk
    assert entry.changes == {"phone": ["(530) 555-0178", "(555) 010-0000"]}


def test_saving_unchanged_record_writes_nothing() -> None:
    before = AuditEntry.objects.count()
    School.objects.get(slug="willow-creek-es").save()
    assert AuditEntry.objects.count() == before


def test_redacted_fields_never_reach_the_log() -> None:
    user = User.objects.get(username="officer")
    user.mobile_phone = "(555) 019-9999"
    user.save()
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    assert entry.changes == {"mobile_phone": ["[redacted]", "[redacted]"]}


def test_actor_ip_and_request_id_come_from_the_context() -> None:
    director = User.objects.get(username="director")
    with context.acting(director, ip="203.0.113.7", via="web", request_id="req-42"):
        entry = audit.record(audit.AuditAction.EXPORT, object_type="test", reason="court order")
    assert (entry.actor_id, entry.actor_label, entry.ip, entry.via, entry.request_id) == (
        director.pk,
        "director",
        "203.0.113.7",
        "web",
        "req-42",
    )
    assert entry.reason == "court order"


def test_entries_cannot_be_changed_or_deleted_through_the_orm() -> None:
    entry = AuditEntry.objects.order_by("seq").first()
    assert entry is not None
    entry.reason = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_tampered_row_is_named_by_verify() -> None:
    target = AuditEntry.objects.order_by("seq")[10]
    _tamper("UPDATE core_auditentry SET object_repr = %s WHERE id = %s", ["forged", target.pk])
    checked, problem = audit.verify()
    assert problem is not None
    assert (checked, problem.seq, problem.entry_id) == (target.seq - 1, target.seq, target.pk)
    assert "altered" in problem.message


def test_deleted_row_is_named_by_verify() -> None:
    target = AuditEntry.objects.order_by("seq")[20]
    _tamper("DELETE FROM core_auditentry WHERE id = %s", [target.pk])
    _, problem = audit.verify()
    assert problem is not None
    assert problem.seq == target.seq
    assert "missing" in problem.message


def test_rehashed_row_still_breaks_the_next_link() -> None:
    """An attacker who recomputes one row's hash still breaks the row after it."""
    rows = list(AuditEntry.objects.order_by("seq")[5:7])
    forged = rows[0]
    forged.object_repr = "forged"
    new_hash = audit.compute_hash(forged)
    _tamper(
        "UPDATE core_auditentry SET object_repr = %s, hash = %s WHERE id = %s",
        ["forged", new_hash, forged.pk],
    )
    _, problem = audit.verify()
    assert problem is not None
    assert problem.seq == rows[1].seq
    assert "previous-hash" in problem.message


def test_truncated_tail_is_detected_by_the_chain_head() -> None:
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    _tamper("DELETE FROM core_auditentry WHERE id = %s", [last.pk])
    _, problem = audit.verify()
    assert problem is not None
    assert AuditChainHead.objects.get().last_seq == last.seq
    assert "chain head" in problem.message


def test_cli_verify_passes_then_fails_naming_the_row() -> None:
    out = io.StringIO()
    call_command("audit", "verify", stdout=out)
    assert "Audit chain intact" in out.getvalue()
    target = AuditEntry.objects.order_by("seq")[3]
    _tamper("UPDATE core_auditentry SET reason = %s WHERE id = %s", ["x", target.pk])
    with pytest.raises(CommandError, match=rf"audit entry #{target.seq} \(row id {target.pk}\)"):
        call_command("audit", "verify")
