"""The district knowledge base: district → schools → buildings → levels → areas.

Geometry is stored as GeoJSON (WGS84, RFC 7946) in JSON columns rather than as database
geometry, so the embedded SQLite mode needs no spatial extension; see
docs/adr/0002-geojson-in-json-columns.md.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.urls import reverse

from vigil.core.models import AuditedModel
from vigil.sites.choices import AreaType, RiskClass, SchoolLevel, default_risk


class District(AuditedModel):
    """The school district that runs this Vigil installation."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    time_zone = models.CharField(max_length=64, default="America/Los_Angeles")
    fictional = models.BooleanField(
        default=False, help_text="Marks the generated demo district, shown on every page."
    )
    security_phone = models.CharField("security dispatch phone", max_length=40, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class School(AuditedModel):
    """A school or campus: the unit every permission is scoped to."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="schools")
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    level = models.CharField(max_length=16, choices=SchoolLevel.choices)
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField("main office phone", max_length=40, blank=True)
    latitude = models.FloatField(help_text="WGS84 latitude of the main entrance.")
    longitude = models.FloatField(help_text="WGS84 longitude of the main entrance.")
    boundary = models.JSONField(
        null=True, blank=True, help_text="GeoJSON Polygon of the campus boundary (WGS84)."
    )

    scope_path: ClassVar[str | None] = "id"

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sites:school", kwargs={"slug": self.slug})


class Building(AuditedModel):
    """A building on a campus, with its footprint."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="buildings")
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=16, help_text="Short label used on maps, e.g. “B”.")
    footprint = models.JSONField(
        null=True, blank=True, help_text="GeoJSON Polygon of the footprint (WGS84)."
    )
    notes = models.TextField(blank=True)

    scope_path: ClassVar[str | None] = "school_id"

    class Meta:
        ordering = ["school", "code"]
        constraints = [
            models.UniqueConstraint(fields=["school", "code"], name="building_code_per_school")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("sites:building", kwargs={"slug": self.school.slug, "pk": self.pk})


class Level(AuditedModel):
    """A floor of a building; ordinal 0 is the ground floor."""

    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="levels")
    ordinal = models.SmallIntegerField()
    name = models.CharField(max_length=60)

    scope_path: ClassVar[str | None] = "building__school_id"

    class Meta:
        ordering = ["building", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["building", "ordinal"], name="level_ordinal_unique")
        ]

    def __str__(self) -> str:
        return f"{self.building.code} {self.name}"


class Area(AuditedModel):
    """A room, corridor or piece of ground an officer can stand in and patrol.

    Outdoor areas (fields, parking lots) have no building or level.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="areas")
    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="areas", null=True, blank=True
    )
    level = models.ForeignKey(
        Level, on_delete=models.SET_NULL, related_name="areas", null=True, blank=True
    )
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=32, blank=True, help_text="Room number or label.")
    area_type = models.CharField("type", max_length=32, choices=AreaType.choices)
    risk = models.CharField(max_length=8, choices=RiskClass.choices)
    isolated = models.BooleanField(
        default=False, help_text="Out of sight of staff most of the day (raises the risk)."
    )
    notes = models.TextField(blank=True)
    geometry = models.JSONField(
        null=True, blank=True, help_text="GeoJSON Polygon or Point of the area (WGS84)."
    )

    scope_path: ClassVar[str | None] = "school_id"

    class Meta:
        ordering = ["school", "building", "name"]
        indexes = [models.Index(fields=["school", "area_type"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.code else self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.risk:
            self.risk = default_risk(self.area_type, isolated=self.isolated)
        super().save(*args, **kwargs)
