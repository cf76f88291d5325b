"""Find: what the words mean (pure parsing) and what answers an officer gets."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import sign_in
from vigil.sites import search, selectors
from vigil.sites.choices import AssetKind, Utility
from vigil.sites.models import Asset
from vigil.sites.search import ParsedQuery, parse
from vigil.sites.tests.kb_campus import Campus, build_campus


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "gas shutoff gym",
            ParsedQuery(
                kinds=frozenset({AssetKind.UTILITY_SHUTOFF}),
                utilities=frozenset({Utility.GAS}),
                terms=("gym",),
            ),
        ),
        (
            "pull stations B wing",
            ParsedQuery(kinds=frozenset({AssetKind.PULL_STATION}), building_codes=frozenset({"B"})),
        ),
        ("door 7", ParsedQuery(kinds=frozenset({AssetKind.EXTERIOR_DOOR}), door_number=7)),
        ("Entrance #12", ParsedQuery(kinds=frozenset({AssetKind.EXTERIOR_DOOR}), door_number=12)),
        (
            "water main",
            ParsedQuery(
                kinds=frozenset({AssetKind.UTILITY_SHUTOFF}), utilities=frozenset({Utility.WATER})
            ),
        ),
        (
            "electric",  # only shutoffs carry a utility
            ParsedQuery(
                kinds=frozenset({AssetKind.UTILITY_SHUTOFF}),
                utilities=frozenset({Utility.ELECTRIC}),
            ),
        ),
        ("fire alarm panel", ParsedQuery(kinds=frozenset({AssetKind.ALARM_PANEL}))),
        (
            "fire alarm",
            ParsedQuery(kinds=frozenset({AssetKind.PULL_STATION, AssetKind.ALARM_PANEL})),
        ),
        ("shut-off valves", ParsedQuery(kinds=frozenset({AssetKind.UTILITY_SHUTOFF}))),
        ("building G", ParsedQuery(building_codes=frozenset({"G"}))),
        ("where is the locker rooms", ParsedQuery(terms=("locker", "room"))),
        ("AEDs", ParsedQuery(kinds=frozenset({AssetKind.AED}))),
        ("  the  ", ParsedQuery()),
    ],
)
def test_parse(text: str, expected: ParsedQuery) -> None:
    assert parse(text) == expected


def test_describe_says_how_the_words_were_read() -> None:
    assert parse("door 7").describe() == "exterior door 7"
    assert parse("gas shutoff gym").describe() == "utility main / shutoff · gas · “gym”"
    assert parse("pull stations B wing").describe() == "fire-alarm pull station · building B"


def test_area_types_named_by_a_word() -> None:
    assert search.area_types_named("locker") == ["locker_room"]
    assert search.area_types_named("restroom") == ["restroom_staff", "restroom_student"]
    assert search.area_types_named("zzz") == []


@pytest.fixture
def campus(db: None) -> Campus:
    return build_campus()


def _titles(result: selectors.FindResult) -> list[tuple[str, str]]:
    return [(h.kind, h.title) for h in result.hits]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gas shutoff gym", [("asset", "Gym gas shutoff")]),
        ("gas shutoff", [("asset", "Gym gas shutoff")]),
        ("shutoffs", [("asset", "Water main"), ("asset", "Gym gas shutoff")]),
        ("door 7", [("asset", "Door 7 – Gym east doors")]),
        ("door 3", []),
        (
            "doors",
            [
                ("asset", "Door 1 – Main entrance"),
                ("asset", "Door 2 – West door"),
                ("asset", "Door 7 – Gym east doors"),
            ],
        ),
        ("pull stations A wing", [("asset", "Pull station by A210")]),
        ("pull station G wing", []),
        ("fire alarm", [("asset", "Fire alarm panel"), ("asset", "Pull station by A210")]),
        (
            "gym",
            [
                ("building", "Gymnasium (G)"),
                ("area", "Main gym (G100)"),
                ("asset", "Door 7 – Gym east doors"),
                ("asset", "Pool chemicals"),
                ("asset", "Gym gas shutoff"),
            ],
        ),
        ("210", [("area", "Classroom A210 (A210)"), ("asset", "Pull station by A210")]),
        ("stairs", [("area", "Stairway East (A-SE1)"), ("asset", "Fire alarm panel")]),
        ("stairway", [("area", "Stairway East (A-SE1)"), ("asset", "Fire alarm panel")]),
        ("hazmat", [("asset", "Pool chemicals")]),
    ],
)
def test_find_answers(campus: Campus, text: str, expected: list[tuple[str, str]]) -> None:
    assert _titles(selectors.find(campus.officer, text)) == expected


def test_hit_carries_where_to_show_it(campus: Campus) -> None:
    (hit,) = selectors.find(campus.officer, "gas shutoff gym").hits
    assert hit.kind == "asset"
    assert hit.id == campus.gas.pk
    assert hit.detail == "Gas shutoff · Main gym · Gymnasium · Test Ridge Academy"
    assert hit.symbol == "G"
    assert hit.level == 0
    assert campus.gas.location is not None
    assert hit.point == tuple(campus.gas.location["coordinates"])
    assert hit.map_url == f"/schools/test-ridge/map/?focus=asset-{campus.gas.pk}"


def test_find_never_crosses_the_users_scope(campus: Campus) -> None:
    # The demo officer works at Cedar Hollow High School only: the test campus stays hidden.
    from vigil.accounts.models import User

    officer = User.objects.get(username="officer")
    assert all(h.school_id != campus.school.pk for h in selectors.find(officer, "gym").hits)
    assert selectors.find(officer, "door 7 test ridge").hits == ()
    director = User.objects.get(username="director")
    assert [h.id for h in selectors.find(director, "door 7 test ridge").hits] == [campus.door7.pk]


def test_find_stops_at_the_limit_and_says_so(campus: Campus) -> None:
    for n in range(8):
        Asset.objects.create(
            school=campus.school, building=campus.hall, kind=AssetKind.AED, name=f"AED {n}"
        )
    result = selectors.find(campus.officer, "aed", limit=5)
    assert [h.title for h in result.hits] == [f"AED {n}" for n in range(5)]
    assert result.more is True


def test_find_costs_at_most_three_queries(campus: Campus) -> None:
    selectors.find(campus.officer, "x")  # reads the officer's grants once
    with CaptureQueriesContext(connection) as ctx:
        selectors.find(campus.officer, "gym")
    assert len(ctx.captured_queries) == 3
    with CaptureQueriesContext(connection) as ctx:
        selectors.find(campus.officer, "gas shutoff")
    assert len(ctx.captured_queries) == 1


def test_search_api(client: Client, campus: Campus) -> None:
    client.force_login(campus.officer)
    body: dict[str, Any] = client.get("/api/search", {"q": "door 7"}).json()
    assert body["query"] == "door 7"
    assert body["understood"] == "exterior door 7"
    assert body["more"] is False
    assert [(h["kind"], h["id"], h["title"], h["symbol"]) for h in body["hits"]] == [
        ("asset", campus.door7.pk, "Door 7 – Gym east doors", "7")
    ]


def test_search_api_names_the_field_of_bad_input(client: Client, campus: Campus) -> None:
    client.force_login(campus.officer)
    response = client.get("/api/search", {"q": "x" * 201})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "q"
    assert client.get("/api/search").json()["error"]["field"] == "q"


def test_find_page_lists_answers_with_links_to_the_map(client: Client, campus: Campus) -> None:
    client.force_login(campus.officer)
    html = client.get("/find/", {"q": "gas shutoff gym"}).content.decode()
    assert "1 answer for <strong>gas shutoff gym</strong>" in html
    assert f'href="/schools/test-ridge/map/?focus=asset-{campus.gas.pk}"' in html
    assert "Gym gas shutoff" in html
    assert 'id="find-hits"' in html


@pytest.mark.django_db
def test_find_page_without_a_query_lists_campus_maps(client: Client) -> None:
    sign_in(client, "officer2")
    html = client.get("/find/").content.decode()
    assert 'href="/schools/juniper-ridge-ms/map/"' in html
    assert 'href="/schools/willow-creek-es/map/"' in html
    assert 'href="/schools/cedar-hollow-hs/map/"' not in html


@pytest.mark.django_db
def test_find_page_refuses_an_overlong_query(client: Client) -> None:
    sign_in(client, "officer")
    response = client.get("/find/", {"q": "x" * 201})
    assert response.status_code == 400
    assert "The search (q) is limited to 200 characters." in response.content.decode()
