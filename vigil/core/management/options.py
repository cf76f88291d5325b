"""Command-line options shared by Vigil's management commands."""

from __future__ import annotations

from django.core.management.base import CommandError

from vigil.sites.models import School


def school_named(slug: str | None) -> School | None:
    """The school a ``--school SLUG`` option names (None when the option was not given)."""
    if slug is None:
        return None
    school = School.objects.filter(slug=slug).first()
    if school is None:
        raise CommandError(f"--school: no school with the slug {slug!r}.")
    return school
