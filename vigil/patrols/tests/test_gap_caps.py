"""The gap-cap choice: who may make it, the choose/undo round trip, bad input changing nothing,
shifts planning with it, and the background measurement of what each cap buys."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from patrolopt import frontier
from patrolopt.errors import GraphError
from vigil.accounts.models import User
from vigil.core.models import AuditEntry
from vigil.patrols import gap_caps, services
from vigil.patrols.models import DEFAULT_GAP_CAP, GapCapChoice, GapCapMeasurement, MeasureStatus
from vigil.patrols.services import PatrolError
from vigil.sites.models import Building, School

pytestmark = pytest.mark.django_db

SLUG = "cedar-hollow-hs"


def _school(slug: str = SLUG) -> School:
    return School.objects.get(slug=slug)


def _main() -> Building:
    return _school().buildings.get(name="Main Building")


def _user(name: str) -> User:
    user: User = User.objects.get(username=name)
    return user


def _url(name: str, *args: Any, slug: str = SLUG) -> str:
    return reverse(f"patrols:{name}", args=[slug, *args])


def _choose(cap: str, note: str = "Break-ins at the portables") -> GapCapChoice:
    return gap_caps.choose(actor=_user("supervisor"), school=_school(), gap_cap=cap, note=note)


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """One measured day per cap: the tests check the plumbing, the benchmark the figures."""
    monkeypatch.setattr(gap_caps, "MEASURED_DAYS", 1)
    monkeypatch.setattr(gap_caps, "MAX_DAYS", 1)


# --- who may choose ---------------------------------------------------------------------------


def test_an_officer_may_not_see_choose_measure_or_undo(login: Any) -> None:
    client = login("officer")
    assert client.get(_url("gap_cap")).status_code == 403
    assert (
        client.post(
            _url("gap_cap_choose"), {"gap_cap": "2", "note": "Less predictable"}
        ).status_code
        == 403
    )
    assert client.post(_url("gap_cap_measure")).status_code == 403
    choice = _choose("1.5")
    assert client.post(_url("gap_cap_undo", choice.pk)).status_code == 403
    assert list(GapCapChoice.objects.values_list("gap_cap", flat=True)) == [1.5]
    assert not GapCapMeasurement.objects.exists()


def test_another_schools_supervisor_gets_404_and_changes_nothing(login: Any) -> None:
    client = login("supervisor")  # Cedar Hollow and Juniper Ridge, not Willow Creek
    willow = "willow-creek-es"
    assert client.get(_url("gap_cap", slug=willow)).status_code == 404
    form = {"gap_cap": "2", "note": "Less predictable"}
    assert client.post(_url("gap_cap_choose", slug=willow), form).status_code == 404
    assert client.post(_url("gap_cap_measure", slug=willow)).status_code == 404
    assert not GapCapChoice.objects.exists()
    with pytest.raises(PatrolError):
        gap_caps.choose(
            actor=_user("supervisor"), school=_school(willow), gap_cap="2", note="Less predictable"
        )
    assert AuditEntry.objects.filter(
        action="denied", reason="gap cap choice outside scope"
    ).exists()


# --- choose and undo ------------------------------------------------------------------------


def test_choose_then_undo_round_trip(login: Any) -> None:
    client = login("supervisor")
    page = client.get(_url("gap_cap"))
    assert page.status_code == 200
    assert "Now: 1.25 ×" in page.content.decode()
    assert "(the default)" in page.content.decode()

    response = client.post(
        _url("gap_cap_choose"), {"gap_cap": "1.5", "note": "Vandalism at the portables"}
    )
    assert response.status_code == 302
    choice = GapCapChoice.objects.get()
    assert (choice.gap_cap, choice.note, choice.author) == (
        1.5,
        "Vandalism at the portables",
        _user("supervisor"),
    )
    assert services.current_gap_cap(_school()) == 1.5
    assert AuditEntry.objects.filter(
        action="create", object_type="patrols.gapcapchoice", object_id=str(choice.pk)
    ).exists()
    text = client.get(_url("gap_cap")).content.decode()
    assert "Now: 1.5 ×" in text
    assert "Vandalism at the portables" in text

    undo = _url("gap_cap_undo", choice.pk)
    confirm = client.get(undo)
    assert b"Undo the choice" in confirm.content
    assert b"1.25 \xc3\x97 again" in confirm.content
    assert GapCapChoice.objects.exists()  # asking changes nothing
    assert client.post(undo).status_code == 302
    assert not GapCapChoice.objects.exists()
    assert services.current_gap_cap(_school()) == DEFAULT_GAP_CAP
    assert AuditEntry.objects.filter(
        action="delete", object_type="patrols.gapcapchoice", object_id=str(choice.pk)
    ).exists()


def test_only_the_latest_choice_is_undone(login: Any) -> None:
    first = _choose("1.5")
    second = _choose("2")
    client = login("supervisor")
    assert "Only the latest choice" in client.get(_url("gap_cap_undo", first.pk)).content.decode()
    assert "1.5 × again" in client.get(_url("gap_cap_undo", second.pk)).content.decode()
    with pytest.raises(PatrolError, match="latest"):
        gap_caps.undo(actor=_user("supervisor"), choice=first)
    assert gap_caps.undo(actor=_user("supervisor"), choice=second) == 1.5
    assert gap_caps.undo(actor=_user("supervisor"), choice=first) == DEFAULT_GAP_CAP


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"gap_cap": "3", "note": "Less predictable"}, "gap_cap", "Choose one of 1, 1.25, 1.5, 2"),
        ({"gap_cap": "abc", "note": "Less predictable"}, "gap_cap", "Choose one of"),
        ({"gap_cap": "", "note": "Less predictable"}, "gap_cap", "Choose one of"),
        ({"gap_cap": "1.25", "note": "Less predictable"}, "gap_cap", "already plans with 1.25"),
        ({"gap_cap": "2", "note": " short "}, "note", "Say why"),
        ({"gap_cap": "2", "note": "x" * 301}, "note", "300 characters"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(
    login: Any, form: dict[str, str], field: str, message: str
) -> None:
    client = login("supervisor")
    response = client.post(_url("gap_cap_choose"), form)
    assert response.status_code == 400
    assert response.context["error_field"] == field
    assert message in response.context["error_message"]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not GapCapChoice.objects.exists()


# --- shifts plan with it --------------------------------------------------------------------


def test_a_new_shift_plans_with_the_choice_and_a_shift_under_way_keeps_its_own() -> None:
    officer, school, main = _user("officer"), _school(), _main()
    _choose("2")
    shift = services.shift_start(actor=officer, school=school, building=main, mode="foot", hours=2)
    assert shift.plan["gap_cap"] == 2.0
    services._MODELS.clear()  # as after a restart: the model is rebuilt from the stored shift
    model = services._model(shift)
    assert model.params.gap_cap == 2.0

    gap_caps.choose(actor=_user("supervisor"), school=school, gap_cap="1", note="Insurer audit")
    services._MODELS.clear()
    assert services._model(shift).params.gap_cap == 2.0


def test_the_board_shows_each_shift_s_cap(login: Any) -> None:
    _choose("1.5")
    services.shift_start(
        actor=_user("officer"), school=_school(), building=_main(), mode="foot", hours=2
    )
    board = login("supervisor").get(reverse("patrols:board", args=[SLUG])).content.decode()
    assert "gap cap 1.5&nbsp;×" in board


# --- what each cap buys ---------------------------------------------------------------------


def test_a_measurement_runs_in_the_background_and_fills_the_page(
    login: Any,
    quick: None,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client = login("supervisor")
    page = client.get(_url("gap_cap")).content.decode()
    assert "Not measured yet" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_url("gap_cap_measure")).status_code == 302
    measurement = GapCapMeasurement.objects.get()
    assert measurement.status == MeasureStatus.DONE
    zones = gap_caps.zones(_school())
    assert measurement.steps_done == measurement.steps_total == 4 * len(zones)
    assert measurement.fingerprint == gap_caps.fingerprint(zones)
    labels = [zone["label"] for zone in measurement.zones]
    assert labels == [zone.label for zone in zones]
    main = next(zone for zone in measurement.zones if zone["label"] == "Main Building")
    assert [point["cap"] for point in main["points"]] == [1.0, 1.25, 1.5, 2.0]
    for point in main["points"]:
        assert point["worst_gap_s"] <= point["cap"] * main["team_gap_s"] + 1e-6
        assert point["violation_rate"] == 0.0

    response = client.get(_url("gap_cap"))
    text = response.content.decode()
    assert "Main Building" in text
    assert "Measure again" in text
    assert "changed since" not in text
    rows = next(z for z in response.context["zones"] if z["label"] == "Main Building")["rows"]
    assert [row["current"] for row in rows] == [False, True, False, False]
    # Polled after it finished: htmx reloads the page to show the tables.
    done = client.get(_url("gap_cap_progress"), headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true"


def test_a_zone_one_officer_cannot_keep_is_named(quick: None) -> None:
    measurement = gap_caps.request_measurement(actor=_user("supervisor"), school=_school())
    gap_caps.measure(measurement.pk)
    measurement.refresh_from_db()
    campus = next(zone for zone in measurement.zones if zone["zone"] == "campus")
    # The demo campus's tightest round is longer than some stops' own limits.
    assert "needs a visit more often than one officer can manage" in campus["error"]
    assert "points" not in campus


def test_an_unusable_zone_is_named_and_the_others_still_measured(
    quick: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = frontier.measure_frontier

    def gym_is_broken(problem: Any, **kwargs: Any) -> Any:
        if "Gymnasium" in problem.graph.name:
            raise GraphError("the graph is not connected: no walk joins A and B", node="x")
        return real(problem, **kwargs)

    monkeypatch.setattr(gap_caps, "measure_frontier", gym_is_broken)
    measurement = gap_caps.request_measurement(actor=_user("supervisor"), school=_school())
    gap_caps.measure(measurement.pk)
    measurement.refresh_from_db()
    assert measurement.status == MeasureStatus.DONE
    assert measurement.steps_done == measurement.steps_total
    zones = {zone["label"]: zone for zone in measurement.zones}
    assert zones["Gymnasium"]["error"].startswith("The patrol graph of this zone is not usable")
    assert "points" in zones["Main Building"]


def test_a_second_request_while_one_runs_queues_nothing_new(
    login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login("supervisor")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("gap_cap_measure"))
        client.post(_url("gap_cap_measure"))
    assert GapCapMeasurement.objects.get().status == MeasureStatus.QUEUED
    assert DBTaskResult.objects.count() == 1
    page = client.get(_url("gap_cap")).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert "<progress" in page
    polled = client.get(_url("gap_cap_progress"), headers={"HX-Request": "true"})
    assert "HX-Refresh" not in polled


def test_a_queue_that_refuses_leaves_the_measurement_waiting(
    login: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    class Refusing:
        def enqueue(self, *args: Any) -> None:
            raise RuntimeError("queue down")

    monkeypatch.setattr(gap_caps, "measure_task", Refusing())
    client = login("supervisor")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_url("gap_cap_measure")).status_code == 302
    assert GapCapMeasurement.objects.get().status == MeasureStatus.QUEUED


def test_a_measurement_whose_worker_stopped_may_be_asked_for_again(
    login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = login("supervisor")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("gap_cap_measure"))
    GapCapMeasurement.objects.update(requested_at=timezone.now() - timedelta(hours=1))
    assert "did not finish" in client.get(_url("gap_cap")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_url("gap_cap_measure"))
    assert DBTaskResult.objects.count() == 2
    assert not gap_caps.is_stale(GapCapMeasurement.objects.get())


def test_a_failed_measurement_says_so(login: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(gap_caps, "measure_frontier", broken)
    measurement = gap_caps.request_measurement(actor=_user("supervisor"), school=_school())
    gap_caps.measure(measurement.pk)
    measurement.refresh_from_db()
    assert measurement.status == MeasureStatus.FAILED
    text = login("supervisor").get(_url("gap_cap")).content.decode()
    assert "The measurement failed" in text
    assert "boom" not in text


def test_a_walkway_edit_marks_the_measurement_outdated(login: Any, quick: None) -> None:
    measurement = gap_caps.request_measurement(actor=_user("supervisor"), school=_school())
    gap_caps.measure(measurement.pk)
    graph = gap_caps.zones(_school())[0].graph
    edge = graph.edges[0]
    services.walkway_edit_save(
        actor=_user("supervisor"),
        school=_school(),
        node_a=edge.u,
        node_b=edge.v,
        action="change",
        length_m=500.0,
        modes=["foot"],
        note="Round the scaffolding",
    )
    assert "changed since" in login("supervisor").get(_url("gap_cap")).content.decode()
