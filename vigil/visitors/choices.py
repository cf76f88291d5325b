"""Fixed vocabularies of visitor management."""

from __future__ import annotations

from django.db import models


class VisitorKind(models.TextChoices):
    VISITOR = "visitor", "Visitor"
    VOLUNTEER = "volunteer", "Volunteer"
    CONTRACTOR = "contractor", "Contractor"


class IdSource(models.TextChoices):
    SCAN = "scan", "ID scanned (keyboard-wedge scanner)"
    PHOTO = "photo", "Photo of the ID barcode"
    MANUAL = "manual", "Entered by hand"


class VisitStatus(models.TextChoices):
    # Screening found candidates: the visitor waits while a staff member compares them.
    REVIEW = "review", "Awaiting screening review"
    ADMITTED = "admitted", "Admitted"
    # A staff member confirmed a match: officers were alerted silently; no badge.
    HELD = "held", "Held (match confirmed)"
    SIGNED_OUT = "signed_out", "Signed out"


class WatchKind(models.TextChoices):
    BANNED = "banned", "Banned from campus"
    TRESPASS_WARNED = "trespass", "Trespass warning"
    CUSTODY_ORDER = "custody", "Custody order (may not pick up a student)"
    NO_CONTACT_ORDER = "no_contact", "No-contact order (with a student)"

    @classmethod
    def student_orders(cls) -> frozenset[str]:
        return frozenset({cls.CUSTODY_ORDER.value, cls.NO_CONTACT_ORDER.value})


class Decision(models.TextChoices):
    PENDING = "pending", "Not decided"
    NOT_MATCH = "not_match", "Not a match"
    MATCH = "match", "Match"


class VisitFlag(models.TextChoices):
    """What the desk is told about a visitor, beside screening."""

    ID_EXPIRED = "id_expired", "ID expired"
    UNDER_AGE = "under_age", "Under age"
    OUTSIDE_HOURS = "outside_hours", "Outside allowed hours"
    BACKGROUND_CHECK = "background_check", "Background check missing or expired"
    NOT_APPROVED = "not_approved", "Pre-registration not approved"
    WRONG_SCHOOL = "wrong_school", "Not allowed at this school"
