"""The fixed vocabularies of incident reports: states, categories, people's roles, notifications."""

from __future__ import annotations

from django.db import models


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    RETURNED = "returned", "Returned for changes"
    APPROVED = "approved", "Approved"


# States in which the author may still change the report; every other state is locked.
EDITABLE_STATES = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})


class SchoolCategory(models.TextChoices):
    """The school-safety categories a district reports on besides (or instead of) NIBRS."""

    FIGHT = "fight", "Fight"
    BULLYING = "bullying", "Bullying / harassment"
    VAPING = "vaping", "Vaping / tobacco"
    TRESPASS = "trespass", "Trespass"
    WEAPON = "weapon", "Weapon"
    DRUGS = "drugs", "Drugs / alcohol"
    VANDALISM = "vandalism", "Vandalism"
    THEFT = "theft", "Theft"
    THREAT = "threat", "Threat"
    MEDICAL = "medical", "Medical"
    FIRE_ALARM = "fire_alarm", "Fire alarm"
    SUSPICIOUS_PERSON = "suspicious_person", "Suspicious person"
    POLICY_VIOLATION = "policy_violation", "Policy violation"
    OTHER = "other", "Other"


class Scheme(models.TextChoices):
    """Where a classification code comes from."""

    NIBRS = "nibrs", "NIBRS offence"
    SCHOOL = "school", "School category"


class PersonRole(models.TextChoices):
    VICTIM = "victim", "Victim"
    OFFENDER = "offender", "Offender"
    SUSPECT = "suspect", "Suspect"
    WITNESS = "witness", "Witness"
    REPORTING_PARTY = "reporting_party", "Reporting party"
    BYSTANDER = "bystander", "Bystander"


class PersonKind(models.TextChoices):
    STUDENT = "student", "Student"
    STAFF = "staff", "Staff"
    VISITOR = "visitor", "Visitor"
    UNKNOWN = "unknown", "Unknown"


class NotificationKind(models.TextChoices):
    GUARDIAN = "guardian", "Parent / guardian"
    ADMINISTRATOR = "administrator", "School administrator"
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    FIRE_EMS = "fire_ems", "Fire / EMS"


class LinkKind(models.TextChoices):
    # Patrol findings join this list when patrol operations (issue 5) store them.
    EVENT = "event", "Console event"
    REPORT = "report", "Other report"


class Section(models.TextChoices):
    """The parts of a report a district's template can make required."""

    CLASSIFICATION = "classification", "Classification"
    LOCATION = "location", "Where"
    TIMES = "times", "When"
    PEOPLE = "people", "People involved"
    NARRATIVE = "narrative", "Narrative"
    ACTIONS = "actions", "Actions taken"
    NOTIFICATIONS = "notifications", "Notifications"
    EVIDENCE = "evidence", "Photos and evidence"
