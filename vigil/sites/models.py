"""The district knowledge base: district → schools → buildings → levels → areas.

Geometry is stored as GeoJSON (WGS84, RFC 7946) in JSON columns rather than as database
geometry, so the embedded SQLite mode needs no spatial extension; see
docs/adr/0002-geojson-in-json-columns.md.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from django.db import models
from django.urls import reverse

from vigil.core.crypto import EncryptedTextField
from vigil.core.models import AuditedModel, RestrictedQuerySet
from vigil.core.permissions import Action, scope_for
from vigil.sites.choices import (
    AreaType,
    AssetKind,
    Availability,
    ContactKind,
    DoorUse,
    RiskClass,
    SchoolLevel,
    SurroundingKind,
    Utility,
    default_risk,
)


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
    directions = models.TextField(
        blank=True, help_text="How to get there, for officers coming from another site."
    )
    layout_notes = models.TextField(
        blank=True, help_text="General layout: where things are, what is unusual."
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
        return self.display(self.name, self.code)

    @staticmethod
    def display(name: str, code: str) -> str:
        """How an area is named to people: "Main hallway, level 1 (A-H1)"."""
        return f"{name} ({code})" if code else name

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.risk:
            self.risk = default_risk(self.area_type, isolated=self.isolated)
        super().save(*args, **kwargs)


class Asset(AuditedModel):
    """A thing at a place that an officer or a responder needs to find: a door, a pull station,
    a shutoff, a camera, a checkpoint tag, an AED.

    Kind-specific columns are typed and nullable rather than a free JSON bag, so they can be
    validated, searched and exported.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="assets")
    building = models.ForeignKey(
        Building, on_delete=models.CASCADE, related_name="assets", null=True, blank=True
    )
    level = models.ForeignKey(
        Level, on_delete=models.SET_NULL, related_name="assets", null=True, blank=True
    )
    area = models.ForeignKey(
        Area, on_delete=models.SET_NULL, related_name="assets", null=True, blank=True
    )
    kind = models.CharField(max_length=32, choices=AssetKind.choices)
    name = models.CharField(max_length=200)
    number = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Exterior doors: numbered clockwise from the main entrance (door 1), as fire "
        "services number them.",
    )
    door_use = models.CharField(max_length=16, choices=DoorUse.choices, blank=True)
    utility = models.CharField(max_length=16, choices=Utility.choices, blank=True)
    operating_steps = models.TextField(
        blank=True, help_text="Shutoffs: how to operate it, step by step, and the tool needed."
    )
    heading_deg = models.FloatField(
        null=True, blank=True, help_text="Cameras: direction of view, degrees from north."
    )
    field_of_view_deg = models.FloatField(null=True, blank=True)
    height_m = models.FloatField(null=True, blank=True, help_text="Mounting height in metres.")
    tag_id = models.CharField(
        max_length=64, blank=True, help_text="Checkpoints: the id printed on the QR/NFC tag."
    )
    location = models.JSONField(
        null=True, blank=True, help_text="GeoJSON Point of the asset (WGS84)."
    )
    photo = models.ImageField(upload_to="sites/assets/", blank=True)
    notes = models.TextField(blank=True)

    scope_path: ClassVar[str | None] = "school_id"

    class Meta:
        ordering = ["school", "kind", "number", "name"]
        indexes = [models.Index(fields=["school", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "building", "number"],
                condition=models.Q(kind="exterior_door"),
                name="door_number_unique_per_building",
            )
        ]

    def __str__(self) -> str:
        if self.kind == AssetKind.EXTERIOR_DOOR and self.number is not None:
            return f"Door {self.number} – {self.name}"
        return self.name


class AlarmZone(AuditedModel):
    """A zone of an intrusion or fire alarm panel, and the areas it covers."""

    panel = models.ForeignKey(
        Asset,
        on_delete=models.CASCADE,
        related_name="zones",
        limit_choices_to={"kind": AssetKind.ALARM_PANEL},
    )
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    areas = models.ManyToManyField(Area, blank=True, related_name="alarm_zones")

    scope_path: ClassVar[str | None] = "panel__school_id"

    class Meta:
        ordering = ["panel", "number"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "number"], name="zone_number_per_panel")
        ]

    def __str__(self) -> str:
        return f"Zone {self.number} – {self.name}"


class Surrounding(AuditedModel):
    """What is around a campus: streets, canals, hangouts, neighbours, hazards."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="surroundings")
    kind = models.CharField(max_length=24, choices=SurroundingKind.choices)
    name = models.CharField(max_length=200)
    geometry = models.JSONField(help_text="GeoJSON Point, LineString or Polygon (WGS84).")
    contact_name = models.CharField(max_length=200, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)

    scope_path: ClassVar[str | None] = "school_id"

    class Meta:
        ordering = ["school", "kind", "name"]

    def __str__(self) -> str:
        return self.name


class ContactQuerySet(RestrictedQuerySet["Contact"]):
    def restrict(self, user: Any, action: Action) -> Self:
        """District-wide contacts (no school) are for everyone who may see any school."""
        scope = scope_for(user, action)
        if scope.district:
            return self.all()
        if not scope.school_ids:
            return self.none()
        return self.filter(
            models.Q(school_id__in=sorted(scope.school_ids)) | models.Q(school__isnull=True)
        )


class Contact(AuditedModel):
    """A person or agency to know: who to call for what, day and night.

    A contact without a school is district-wide (the police department, the fire district).
    """

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="contacts", null=True, blank=True
    )
    kind = models.CharField(max_length=24, choices=ContactKind.choices)
    organisation = models.CharField(max_length=200)
    name = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    phone_after_hours = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    availability = models.CharField(
        max_length=8, choices=Availability.choices, default=Availability.DAY
    )
    call_for = models.TextField(blank=True, help_text="What to call them for.")
    response_notes = models.TextField(
        blank=True, help_text="Law enforcement: response times, what they need from us."
    )

    scope_path: ClassVar[str | None] = "school_id"
    objects: ClassVar[Any] = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "organisation", "name"]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.name}" if self.name else self.organisation


class AlarmCode(AuditedModel):
    """An alarm panel code, encrypted at rest, valid only between dates and in time windows.

    Revealing it needs the reveal permission, a re-entered password or TOTP code and a stated
    reason; every reveal is an audit row that supervisors see.
    """

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="alarm_codes")
    panel = models.ForeignKey(
        Asset,
        on_delete=models.CASCADE,
        related_name="alarm_codes",
        null=True,
        blank=True,
        limit_choices_to={"kind": AssetKind.ALARM_PANEL},
    )
    label = models.CharField(max_length=200, help_text="e.g. “Night arm/disarm – security”.")
    code = EncryptedTextField()
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    window_start = models.TimeField(
        null=True, blank=True, help_text="Revealable only from this local time each day."
    )
    window_end = models.TimeField(null=True, blank=True)
    notes = models.TextField(blank=True)

    audit_redacted: ClassVar[frozenset[str]] = frozenset({"code"})
    scope_path: ClassVar[str | None] = "school_id"

    class Meta:
        ordering = ["school", "label"]

    def __str__(self) -> str:
        return self.label
