from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.urls import reverse

from vigil.core.crypto import EncryptedTextField
from vigil.core.models import AuditedModel


class WebhookSource(AuditedModel):
    """A system allowed to post events, with its own secret (encrypted at rest)."""

    slug = models.SlugField(unique=True, help_text="Appears in the URL the sender posts to.")
    name = models.CharField(max_length=200)
    school = models.ForeignKey(
        "sites.School",
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Events from this source belong here unless a device mapping says otherwise.",
    )
    secret = EncryptedTextField()
    tolerance_seconds = models.PositiveIntegerField(
        default=300, help_text="How far the sender's clock may be from ours."
    )
    active = models.BooleanField(default=True)

    audit_redacted: ClassVar[frozenset[str]] = frozenset({"secret"})
    scope_path: ClassVar[str | None] = "school_id"

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("webhooks:receive", kwargs={"slug": self.slug})
