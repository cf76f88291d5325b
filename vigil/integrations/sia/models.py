from __future__ import annotations

from typing import ClassVar

from django.db import models

from vigil.core.crypto import EncryptedTextField
from vigil.core.models import AuditedModel


class SiaAccount(AuditedModel):
    """An alarm panel account that may report to Vigil, and where it is."""

    account_id = models.CharField(
        max_length=16, unique=True, help_text="3-16 hexadecimal characters, as the panel sends."
    )
    school = models.ForeignKey("sites.School", on_delete=models.CASCADE, related_name="+")
    panel = models.ForeignKey(
        "sites.Asset",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "alarm_panel"},
    )
    key = EncryptedTextField(
        blank=True, help_text="AES key (16, 24 or 32 hex characters) when the panel encrypts."
    )
    supervision_seconds = models.PositiveIntegerField(
        default=600, help_text="Raise “communication lost” when nothing arrives for this long."
    )
    last_seen_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)

    audit_redacted: ClassVar[frozenset[str]] = frozenset({"key"})
    audit_ignored: ClassVar[frozenset[str]] = frozenset({"last_seen_at"})
    scope_path: ClassVar[str | None] = "school_id"

    class Meta:
        ordering = ["account_id"]

    def __str__(self) -> str:
        return f"SIA account {self.account_id}"
