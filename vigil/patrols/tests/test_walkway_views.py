"""The walkway editor: who may edit, the add/remove/undo round trip, bad input changing nothing,
and shifts planned on the edited graph."""

from __future__ import annotations

from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from patrolopt.graph import PatrolGraph
from vigil.accounts.models import User
from vigil.core.models import AuditEntry
from vigil.patrols import services
from vigil.patrols.campus_graph import Edit, walkway_key
from vigil.patrols.graph_source import build_zone, campus_graph, places_of, zone_places
from vigil.patrols.models import WalkwayEdit
from vigil.patrols.services import PatrolError
from vigil.sites.models import Building, School

pytestmark = pytest.mark.django_db


def _school() -> School:
    return School.objects.get(slug="cedar-hollow-hs")


def _main() -> Building:
    return _school().buildings.get(name="Main Building")


def _user(name: str) -> User:
    user: User = User.objects.get(username=name)
    return user


def _pairs(graph: PatrolGraph) -> set[tuple[str, str]]:
    return {walkway_key(e.u, e.v) for e in graph.edges}


def _zone_graph() -> PatrolGraph:
    graph, _ = campus_graph(_school(), building=_main())
    return graph


def _cuts(edits: list[Edit]) -> list[Any]:
    """The cuts ``edits`` make on the graphs the editor checks (the campus with and without
    its offsite points, and the Main Building)."""
    places = places_of(_school())
    onsite = [p for p in places if p.kind != "offsite"]
    zones = [(places, True), (onsite, False), (zone_places(places, _main()), False)]
    return [
        c for zone, whole in zones for c in build_zone(zone, edits, name="", whole=whole)[1].cuts
    ]


def _safe_walkway() -> tuple[str, str]:
    """A foot walkway of the Main Building whose removal leaves its ends joined."""
    for edge in _zone_graph().edges:
        key = walkway_key(edge.u, edge.v)
        if not _cuts([Edit(*key, "remove")]):
            return key
    raise AssertionError("no walkway of the Main Building is in a loop")


def _make_dead_end() -> tuple[str, str]:
    """Remove the walkways of a Main Building stop (the one with fewest) but one, as a
    supervisor would; the one left is the stop's only way, its end first."""
    graph, _ = campus_graph(_school())
    degree = Counter(n for e in graph.edges for n in (e.u, e.v))
    stop = min(sorted(n.id for n in _zone_graph().nodes), key=lambda n: degree[n])
    ways = sorted(walkway_key(e.u, e.v) for e in graph.edges if stop in (e.u, e.v))
    for a, b in ways[1:]:
        services.walkway_edit_save(
            actor=_user("supervisor"),
            school=_school(),
            node_a=a,
            node_b=b,
            action="remove",
            note="Door kept locked",
        )
    a, b = ways[0]
    return (stop, b if a == stop else a)


def _labels() -> dict[str, str]:
    return {p.id: p.label for p in places_of(_school())}


def _page(slug: str = "cedar-hollow-hs") -> str:
    return reverse("patrols:walkways", args=[slug])


def _edit_url(slug: str = "cedar-hollow-hs") -> str:
    return reverse("patrols:walkway_edit", args=[slug])


def _post(client: Client, **data: Any) -> Any:
    return client.post(_edit_url(), data)


# --- who may edit ----------------------------------------------------------------------------


def test_an_officer_may_not_see_or_edit_walkways(login: Any) -> None:
    client = login("officer")
    a, b = _safe_walkway()
    assert client.get(_page()).status_code == 403
    response = _post(client, node_a=a, node_b=b, action="remove", note="gate locked")
    assert response.status_code == 403
    assert not WalkwayEdit.objects.exists()
    edit = services.walkway_edit_save(
        actor=_user("supervisor"), school=_school(), node_a=a, node_b=b, action="remove", note="x"
    )
    undo = reverse("patrols:walkway_undo", args=["cedar-hollow-hs", edit.pk])
    assert client.get(undo).status_code == 403
    assert client.post(undo).status_code == 403
    assert WalkwayEdit.objects.filter(pk=edit.pk).exists()


def _director_removes(school: School, a: str, b: str) -> WalkwayEdit:
    """A removal saved directly (no checks): the subject of the scope tests."""
    edit: WalkwayEdit = WalkwayEdit.objects.create(
        school=school,
        node_a=a,
        node_b=b,
        action="remove",
        note="x",
        author=_user("director"),
        created="2026-01-01T00:00Z",
    )
    return edit


def test_another_schools_supervisor_gets_404_and_changes_nothing(login: Any) -> None:
    edit = _director_removes(_school(), "area-1", "area-2")
    client = login("supervisor")  # Cedar Hollow and Juniper Ridge, not Willow Creek
    willow = School.objects.get(slug="willow-creek-es")
    graph, _ = campus_graph(willow)
    a, b = walkway_key(graph.edges[0].u, graph.edges[0].v)
    assert client.get(_page("willow-creek-es")).status_code == 404
    response = client.post(
        _edit_url("willow-creek-es"), {"node_a": a, "node_b": b, "action": "remove", "note": "x"}
    )
    assert response.status_code == 404
    assert list(WalkwayEdit.objects.all()) == [edit]
    # An edit of a school in scope, reached through another school's page: not found.
    juniper_undo = reverse("patrols:walkway_undo", args=["juniper-ridge-ms", edit.pk])
    assert client.post(juniper_undo).status_code == 404
    assert WalkwayEdit.objects.filter(pk=edit.pk).exists()
    with pytest.raises(PatrolError):
        services.walkway_edit_save(
            actor=_user("supervisor"),
            school=willow,
            node_a=a,
            node_b=b,
            action="remove",
            note="gate",
        )
    theirs = _director_removes(willow, a, b)
    with pytest.raises(PatrolError):
        services.walkway_edit_delete(actor=_user("supervisor"), edit=theirs)
    assert WalkwayEdit.objects.filter(pk=theirs.pk).exists()
    # both refusals in the services are on the record, as the views' are
    refused = AuditEntry.objects.filter(action="denied", actor_id=_user("supervisor").pk)
    reasons = set(refused.values_list("reason", flat=True))
    assert {"walkway edit outside scope", "walkway undo outside scope"} <= reasons


# --- the round trip --------------------------------------------------------------------------


def test_remove_then_undo_a_walkway_round_trip(login: Any) -> None:
    client = login("supervisor")
    a, b = _safe_walkway()
    assert (a, b) in _pairs(_zone_graph())
    # The stops in the other order, and a length left in the form, which a removal ignores.
    response = _post(
        client, node_a=b, node_b=a, action="remove", length_m="x", note="Fence gate locked"
    )
    assert response.status_code == 302
    edit = WalkwayEdit.objects.get()
    assert (edit.node_a, edit.node_b, edit.action, edit.note) == (
        a,
        b,
        "remove",
        "Fence gate locked",
    )
    assert edit.author == _user("supervisor")
    assert AuditEntry.objects.filter(
        action="create", object_type="patrols.walkwayedit", object_id=str(edit.pk)
    ).exists()
    assert (a, b) not in _pairs(_zone_graph())

    page = client.get(_page())
    assert page.status_code == 200
    text = page.content.decode()
    labels = _labels()
    assert "Fence gate locked" in text
    assert f"{labels[a]} ↔ {labels[b]}" in text
    removed = [
        f["properties"]
        for f in page.context["data"].features["features"]
        if f["properties"]["role"] == "remove"
    ]
    assert [(p["a"], p["b"]) for p in removed] == [(a, b)]

    undo = reverse("patrols:walkway_undo", args=["cedar-hollow-hs", edit.pk])
    confirm = client.get(undo)
    assert confirm.status_code == 200
    assert b"Undo the edit" in confirm.content
    assert WalkwayEdit.objects.exists()  # asking changes nothing
    assert client.post(undo).status_code == 302
    assert not WalkwayEdit.objects.exists()
    assert AuditEntry.objects.filter(
        action="delete", object_type="patrols.walkwayedit", object_id=str(edit.pk)
    ).exists()
    assert (a, b) in _pairs(_zone_graph())


def test_add_a_walkway_then_a_new_edit_of_the_pair_replaces_it(login: Any) -> None:
    client = login("supervisor")
    graph = _zone_graph()
    joined = _pairs(graph)
    ids = sorted(n.id for n in graph.nodes)
    a, b = next((x, y) for x in ids for y in ids if x < y and (x, y) not in joined)
    response = _post(
        client,
        node_a=a,
        node_b=b,
        action="add",
        length_m="42,5",
        modes=["foot", "bicycle"],
        note="Service corridor behind the stage",
    )
    assert response.status_code == 302
    edit = WalkwayEdit.objects.get()
    assert (edit.action, edit.length_m, edit.modes) == ("add", 42.5, "foot,bicycle")
    edge = next(e for e in _zone_graph().edges if walkway_key(e.u, e.v) == (a, b))
    assert (edge.length_m, set(edge.travel_s)) == (42.5, {"foot", "bicycle"})

    response = _post(
        client,
        node_a=a,
        node_b=b,
        action="change",
        length_m="60",
        modes=["foot"],
        note="Measured",
    )
    assert response.status_code == 302
    edit = WalkwayEdit.objects.get()  # still one edit of the pair
    assert (edit.action, edit.length_m, edit.modes, edit.note) == (
        "change",
        60.0,
        "foot",
        "Measured",
    )


def test_an_assumed_walkway_is_listed_and_confirmed(login: Any) -> None:
    client = login("supervisor")
    school = _school()
    _, report = campus_graph(school)
    if not report.assumed:
        pytest.skip("the demo campus has no assumed walkway")
    a, b = report.assumed[0]
    page = client.get(_page())
    assert [(w.a, w.b) for w in page.context["data"].assumed] == report.assumed
    response = _post(client, node_a=a, node_b=b, action="confirm", note="Walked it: path exists")
    assert response.status_code == 302
    _, after = campus_graph(school)
    assert (a, b) not in after.assumed
    assert after.edited[(a, b)] == "confirm"


def test_the_coverage_page_and_the_overview_link_to_the_editor(login: Any) -> None:
    client = login("supervisor")
    assert _page().encode() in client.get(reverse("patrols:overview")).content
    coverage = client.get(reverse("patrols:coverage", args=["cedar-hollow-hs"]))
    assert _page().encode() in coverage.content


# --- bad input changes nothing ---------------------------------------------------------------


def _refused(client: Client, field: str, **data: Any) -> str:
    before = list(WalkwayEdit.objects.order_by("pk").values())
    response = _post(client, **data)
    assert response.status_code == 400, response.content[:300]
    assert response.context["error_field"] == field
    text = response.content.decode()
    assert f"{field}: " in text  # the message names the field
    assert list(WalkwayEdit.objects.order_by("pk").values()) == before
    return str(response.context["error_message"])


def test_bad_input_is_refused_with_the_field_named(login: Any) -> None:
    client = login("supervisor")
    a, b = _safe_walkway()
    graph = _zone_graph()
    joined = _pairs(graph)
    ids = sorted(n.id for n in graph.nodes)
    x, y = next((p, q) for p in ids for q in ids if p < q and (p, q) not in joined)
    ok = {"note": "Gate locked"}
    assert "area-999999" in _refused(
        client, "node_a", node_a="area-999999", node_b=b, action="remove", **ok
    )
    _refused(client, "node_b", node_a=a, node_b=a, action="remove", **ok)
    _refused(client, "node_b", node_a=a, node_b="", action="remove", **ok)
    add = {"node_a": x, "node_b": y, "action": "add", "modes": ["foot"], **ok}
    _refused(client, "length_m", **{**add, "length_m": "-5"})
    _refused(client, "length_m", **{**add, "length_m": "0"})
    _refused(client, "length_m", **{**add, "length_m": "25000"})
    _refused(client, "length_m", **{**add, "length_m": "ten"})
    _refused(client, "length_m", **{**add, "length_m": "nan"})
    _refused(client, "modes", **{**add, "modes": []})
    _refused(client, "modes", **{**add, "modes": ["hovercraft"]})
    _refused(client, "note", **{**add, "note": "  "})
    _refused(client, "action", **{**add, "action": "teleport"})
    # Adding what is there, changing or removing what is not.
    _refused(client, "node_b", node_a=a, node_b=b, action="add", modes=["foot"], **ok)
    _refused(client, "node_b", node_a=x, node_b=y, action="remove", **ok)
    _refused(client, "node_b", node_a=x, node_b=y, action="change", modes=["foot"], **ok)
    # Only an assumed walkway is confirmed.
    _refused(client, "action", node_a=a, node_b=b, action="confirm", **ok)


def test_a_removal_that_disconnects_is_refused_naming_the_walkway(login: Any) -> None:
    client = login("supervisor")
    stop, near = _make_dead_end()
    labels = _labels()
    message = _refused(client, "action", node_a=stop, node_b=near, action="remove", note="Locked")
    a, b = walkway_key(stop, near)
    assert f"without the walkway {labels[a]} ↔ {labels[b]} nothing else joins" in message
    assert "on foot" in message
    # Closing it to walking cuts it the same way.
    _refused(
        client, "modes", node_a=stop, node_b=near, action="change", modes=["bicycle"], note="x"
    )


def test_an_undo_that_would_disconnect_is_refused(login: Any) -> None:
    """A second way to a dead end is added and the first removed: undoing the addition would
    leave the stop with no way to it."""
    client = login("supervisor")
    stop, near = _make_dead_end()
    graph, _ = campus_graph(_school())
    other = next(
        n.id
        for n in _zone_graph().nodes
        if n.id not in (stop, near) and walkway_key(n.id, stop) not in _pairs(graph)
    )
    added = _post(client, node_a=stop, node_b=other, action="add", modes=["foot"], note="Side")
    assert added.status_code == 302
    removed = _post(client, node_a=stop, node_b=near, action="remove", note="Bricked up")
    assert removed.status_code == 302
    before = list(WalkwayEdit.objects.order_by("pk").values())
    edit = WalkwayEdit.objects.get(action="add")
    undo = reverse("patrols:walkway_undo", args=["cedar-hollow-hs", edit.pk])
    response = client.post(undo, follow=True)
    assert "Undo refused: without the walkway" in response.content.decode()
    assert list(WalkwayEdit.objects.order_by("pk").values()) == before


# --- shifts plan on the edited graph ----------------------------------------------------------


def test_a_new_shift_never_walks_a_removed_walkway_and_takes_a_changed_length() -> None:
    school, main = _school(), _main()
    supervisor = _user("supervisor")
    a, b = _safe_walkway()
    services.walkway_edit_save(
        actor=supervisor, school=school, node_a=a, node_b=b, action="remove", note="Locked"
    )
    changed = next(
        walkway_key(e.u, e.v)
        for e in _zone_graph().edges
        if walkway_key(e.u, e.v) != (a, b) and "foot" in e.travel_s
    )
    services.walkway_edit_save(
        actor=supervisor,
        school=school,
        node_a=changed[0],
        node_b=changed[1],
        action="change",
        length_m=250.0,
        modes=["foot"],
        note="Round the scaffolding",
    )
    shift = services.shift_start(
        actor=_user("officer"), school=school, building=main, mode="foot", hours=2
    )
    edges = {walkway_key(e["u"], e["v"]): e for e in shift.graph["edges"]}
    assert (a, b) not in edges
    assert edges[changed]["length_m"] == 250.0
    model = services._model(shift)
    index = model.problem.graph.index
    # The way from one end of the removed walkway to the other goes round by other stops.
    assert model.next_hop(index[a], index[b]) != index[b]
    assert model.next_hop(index[b], index[a]) != index[a]


def test_an_edit_of_a_stop_that_is_gone_is_shown_not_applied(login: Any) -> None:
    """An area deleted from the map after its walkway was edited: the edit stays, skipped,
    and the page and ``vigil patrols graph`` say so; undoing it clears it."""
    a, b = walkway_key(_safe_walkway()[0], "area-999999")
    edit = WalkwayEdit.objects.create(
        school=_school(),
        node_a=a,
        node_b=b,
        action="add",
        modes="foot",
        note="Old corridor",
        author=_user("supervisor"),
        created="2026-01-01T00:00Z",
    )
    client = login("supervisor")
    page = client.get(_page())
    assert page.status_code == 200
    assert [row.edit for row in page.context["data"].unapplied] == [edit]
    assert "there is no stop area-999999 on the map any more" in page.content.decode()
    out = StringIO()
    call_command("patrols", "graph", "--school", "cedar-hollow-hs", stdout=out)
    assert (
        f"walkway edit not applied (add {a} – {b}): there is no stop area-999999 on "
        "the map any more"
    ) in out.getvalue()
    undo = reverse("patrols:walkway_undo", args=["cedar-hollow-hs", edit.pk])
    assert client.post(undo).status_code == 302
    assert not WalkwayEdit.objects.exists()
