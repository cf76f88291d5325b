"""Workflows of the knowledge base: revealing an alarm code, deleting a record with what hangs
on it. Plain record edits go through the models (AuditedModel audits them)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigil.core import audit
from vigil.core.models import AuditEntry
from vigil.core.permissions import Action, scope_for
from vigil.sites.models import AlarmCode

REASON_MIN_LENGTH = 8
# Wrong passwords or codes at the vault within this span, after which it refuses for a while:
# a borrowed, unlocked phone must not become a way to guess its owner's password.
CREDENTIAL_FAILURE_LIMIT = 5
CREDENTIAL_FAILURE_WINDOW = timedelta(minutes=15)
_WRONG_CREDENTIALS = "wrong password or code"


class RevealRefused(Exception):
    """A reveal was refused; ``field`` names the form field at fault (None: not a field)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# ---------------------------------------------------------------------------------------------
# When a code may be revealed


def local_now(code: AlarmCode, now: datetime) -> datetime:
    """``now`` on the clock of the district that owns the code."""
    return now.astimezone(ZoneInfo(code.school.district.time_zone))


def _in_window(code: AlarmCode, t: time) -> bool:
    start, end = code.window_start, code.window_end
    if start is None and end is None:
        return True
    if start is not None and end is not None and start > end:  # e.g. 22:00–06:00
        return t >= start or t < end
    return (start is None or t >= start) and (end is None or t < end)


def _in_dates(code: AlarmCode, day: date) -> bool:
    return (code.valid_from is None or day >= code.valid_from) and (
        code.valid_until is None or day <= code.valid_until
    )


def next_revealable(code: AlarmCode, now: datetime) -> datetime | None:
    """The first local moment from ``now`` on at which the code may be revealed; None: never.

    A window opens at its start time (midnight when only an end is set), so the candidates are
    ``now`` itself, today's opening and the opening on the first valid day.
    """
    here = local_now(code, now)
    if _in_dates(code, here.date()) and _in_window(code, here.time()):
        return here
    opening = code.window_start or time(0, 0)
    day = here.date()
    if code.valid_from is not None and code.valid_from > day:
        day = code.valid_from
    candidate = datetime.combine(day, opening, tzinfo=here.tzinfo)
    if candidate <= here:
        candidate = datetime.combine(day + timedelta(days=1), opening, tzinfo=here.tzinfo)
    if code.valid_until is not None and candidate.date() > code.valid_until:
        return None
    return candidate


def _when(moment: datetime, here: datetime) -> str:
    clock = moment.strftime("%H:%M")
    if moment.date() == here.date():
        return f"today at {clock}"
    if moment.date() == here.date() + timedelta(days=1):
        return f"tomorrow at {clock}"
    return f"on {moment:%a %d %b %Y} at {clock}"


def unavailability(code: AlarmCode, now: datetime) -> str | None:
    """Why the code may not be revealed at ``now``, saying when it may be; None when it may."""
    here = local_now(code, now)
    upcoming = next_revealable(code, now)
    if upcoming == here:
        return None
    zone = code.school.district.time_zone
    if upcoming is None:
        ended = code.valid_until.strftime("%a %d %b %Y") if code.valid_until else "its last day"
        return f"This code expired after {ended}. Ask a supervisor for the current code."
    return (
        f"This code is not valid now. It can be revealed from {_when(upcoming, here)} "
        f"({zone} time)."
    )


# ---------------------------------------------------------------------------------------------
# Revealing


def _refuse(actor: Any, code: AlarmCode, cause: str, message: str, field: str | None) -> None:
    """Log the refused attempt (in its own row, kept: no enclosing transaction rolls it back)."""
    audit.record(audit.AuditAction.DENIED, obj=code, actor=actor, reason=f"reveal refused: {cause}")
    raise RevealRefused(message, field=field)


def _recent_credential_failures(actor: Any, now: datetime) -> int:
    return AuditEntry.objects.filter(
        actor_id=actor.pk,
        action=audit.AuditAction.DENIED,
        object_type=AlarmCode._meta.label_lower,
        reason=f"reveal refused: {_WRONG_CREDENTIALS}",
        at__gte=now - CREDENTIAL_FAILURE_WINDOW,
    ).count()


def _credentials_match(actor: Any, password: str | None, totp: str | None) -> bool:
    if password:
        return bool(actor.check_password(password))
    device = TOTPDevice.objects.filter(user=actor, confirmed=True).first()
    # verify_token throttles repeated wrong codes and refuses a code used before.
    return device is not None and bool(device.verify_token((totp or "").strip()))


def alarm_code_reveal(
    *,
    actor: Any,
    code: AlarmCode,
    reason: str,
    password: str | None = None,
    totp: str | None = None,
    now: datetime,
) -> str:
    """Return the plaintext of ``code`` for ``actor``, who proved who they are and said why.

    Refused (``RevealRefused``, naming the field at fault) without the reason, outside the
    code's dates or daily window, or with a wrong password or TOTP code. Every reveal and every
    refusal is one audit row: the reveal as a sensitive read with the reason, a refusal as
    ``denied`` with its cause. Raises ``PermissionDenied`` for a person who may not reveal codes
    of the code's school (views have already answered 404 for them).
    """
    if not scope_for(actor, Action.ALARM_CODES_REVEAL).allows_school(code.school_id):
        raise PermissionDenied("You may not reveal alarm codes of this school.")
    reason = reason.strip()
    if len(reason) < REASON_MIN_LENGTH:
        _refuse(
            actor,
            code,
            "no reason given",
            f"Give a reason of at least {REASON_MIN_LENGTH} characters.",
            "reason",
        )
    why_not = unavailability(code, now)
    if why_not is not None:
        _refuse(actor, code, "outside its valid dates or time window", why_not, None)
    if _recent_credential_failures(actor, now) >= CREDENTIAL_FAILURE_LIMIT:
        minutes = int(CREDENTIAL_FAILURE_WINDOW.total_seconds() // 60)
        _refuse(
            actor,
            code,
            "too many wrong passwords or codes",
            f"Too many wrong passwords or codes. Try again in {minutes} minutes, or call "
            "your supervisor.",
            None,
        )
    if not password and not (totp or "").strip():
        _refuse(
            actor,
            code,
            "no password or code entered",
            "Enter your password or a current 6-digit code from your authenticator.",
            "password",
        )
    if not _credentials_match(actor, password, totp):
        _refuse(
            actor,
            code,
            _WRONG_CREDENTIALS,
            "That password is not right." if password else "That code is not right.",
            "password" if password else "totp",
        )
    method = "password" if password else "totp"
    audit.record(
        audit.AuditAction.SENSITIVE_READ,
        obj=code,
        actor=actor,
        changes={"field": "code", "verified_by": method},
        reason=reason,
    )
    return str(code.code)


# ---------------------------------------------------------------------------------------------
# Deleting with what goes with it


@dataclass(frozen=True)
class DeletionEffect:
    label: str  # verbose name (plural when count != 1)
    count: int
    outcome: Literal["deleted", "unlinked"]

    def __str__(self) -> str:
        return f"{self.count} {self.label} {self.outcome}"


def _collector(obj: models.Model) -> Collector:
    collector = Collector(using=router.db_for_write(type(obj), instance=obj))
    collector.collect([obj])
    return collector


def _label(model: type[models.Model], count: int) -> str:
    meta = model._meta
    return str(meta.verbose_name if count == 1 else meta.verbose_name_plural)


def deletion_effects(obj: models.Model) -> list[DeletionEffect]:
    """What else a delete of ``obj`` removes (cascades) or unlinks (SET_NULL), by model."""
    collector = _collector(obj)
    deleted: Counter[type[models.Model]] = Counter()
    for instance in _cascaded(collector, obj):
        deleted[type(instance)] += 1
    unlinked: Counter[type[models.Model]] = Counter()
    for _field, _value, instance in _unlinked(collector, obj):
        unlinked[type(instance)] += 1
    effects = [DeletionEffect(_label(m, n), n, "deleted") for m, n in deleted.items()]
    effects += [DeletionEffect(_label(m, n), n, "unlinked") for m, n in unlinked.items()]
    return sorted(effects, key=lambda e: (e.outcome, e.label))


def _cascaded(collector: Collector, obj: models.Model) -> Iterator[models.Model]:
    """The records deleted along with ``obj``; many-to-many link rows are not records."""
    for instances in collector.data.values():
        for instance in instances:
            if not (type(instance) is type(obj) and instance.pk == obj.pk):
                yield instance
    for qs in collector.fast_deletes:
        if not qs.model._meta.auto_created:
            yield from qs


def _unlinked(collector: Collector, obj: models.Model) -> Iterator[tuple[Any, Any, models.Model]]:
    """The records that stay but lose their link to a deleted record (SET_NULL)."""
    going = {(type(i), i.pk) for i in _cascaded(collector, obj)}
    for (field, value), batches in collector.field_updates.items():
        batch: Iterable[models.Model]
        for batch in batches:  # type: ignore[assignment]  # querysets, typed as Model
            for instance in batch:
                if (type(instance), instance.pk) not in going:
                    yield field, value, instance


def record_delete(*, actor: Any, obj: models.Model) -> list[DeletionEffect]:
    """Delete ``obj`` and everything that cascades with it, with an audit row for each record.

    Django deletes cascaded rows in bulk, without calling their ``delete()``, so the rows that
    go (or lose a link) with ``obj`` are logged here; ``obj`` logs itself.
    """
    with transaction.atomic():
        effects = deletion_effects(obj)
        collector = _collector(obj)
        why = f"deleted with {obj._meta.verbose_name} “{obj}”"
        for instance in _cascaded(collector, obj):
            audit.record(audit.AuditAction.DELETE, obj=instance, actor=actor, reason=why)
        for field, value, instance in _unlinked(collector, obj):
            audit.record(
                audit.AuditAction.UPDATE,
                obj=instance,
                actor=actor,
                changes={field.attname: [str(getattr(instance, field.attname)), value]},
                reason=why,
            )
        obj.delete()
    return effects
