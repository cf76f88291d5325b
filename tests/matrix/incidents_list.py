"""Authorization cases of the incident list, its search filters, the daily log CSV and the
facts-only helper (vigil/incidents/views_list.py)."""

from __future__ import annotations

from django.db.models import Model
from django.urls import reverse

from tests.matrix.base import Case
from vigil.core.permissions import Action
from vigil.incidents.models import Report

CASES: tuple[Case, ...] = (
    Case(
        "incidents:list",
        "get",
        lambda c: reverse("incidents:list"),
        Action.INCIDENTS_VIEW,
        200,
        scoped=False,
    ),
    # A school outside the role's scope is not a choice of the filter form: 400, never rows.
    Case(
        "incidents:list#school",
        "get",
        lambda c: f"{reverse('incidents:list')}?school={c.school.pk}&q=fight",
        Action.INCIDENTS_VIEW,
        200,
        out_of_scope=400,
    ),
    Case(
        "incidents:daily_log",
        "get",
        lambda c: reverse("incidents:daily_log"),
        Action.INCIDENTS_EXPORT,
        200,
        scoped=False,
    ),
    Case(
        "incidents:daily_log#school",
        "get",
        lambda c: f"{reverse('incidents:daily_log')}?school={c.school.pk}",
        Action.INCIDENTS_EXPORT,
        200,
        out_of_scope=400,
    ),
    Case(
        "incidents:facts",
        "post",
        lambda c: reverse("incidents:facts"),
        Action.INCIDENTS_WRITE,
        200,
        scoped=False,
        data=lambda c: {"narrative": "He was obviously upset."},
    ),
)

MODELS: list[type[Model]] = [Report]
