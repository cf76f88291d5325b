"""Kinds of evidence and the actions a custody entry records."""

from __future__ import annotations

from django.db import models


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", "Photo"
    DOCUMENT = "document", "Document"
    AUDIO = "audio", "Audio"
    VIDEO = "video", "Video"
    OTHER = "other", "Other"


class CustodyAction(models.TextChoices):
    INGEST = "ingest", "Ingested"
    VIEW = "view", "Viewed"
    DOWNLOAD = "download", "Downloaded"
    EXPORT = "export", "Exported"
    TRANSFER = "transfer", "Transferred"
    RELEASE = "release", "Released"
