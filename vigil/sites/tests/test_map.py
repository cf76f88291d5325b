"""The campus map: its API layers, their exact contents, a query count that does not grow,
the page shell, and photos served only through restrict()."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from conftest import sign_in
from vigil.sites.choices import AreaType, AssetKind
from vigil.sites.models import Area, Asset, Building, School
from vigil.sites.tests.kb_campus import Campus, build_campus

pytestmark = pytest.mark.django_db

# Queries of GET /api/schools/{id}/map for a session user: session, user, role assignments
# and their schools (2), then school, buildings, levels, areas, assets, surroundings.
MAP_API_QUERIES = 10


@pytest.fixture
def campus(db: None) -> Campus:
    return build_campus()


def _map(client: Client, school: School) -> dict[str, Any]:
    response = client.get(f"/api/schools/{school.pk}/map")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def test_map_layers(client: Client, campus: Campus) -> None:
    client.force_login(campus.officer)
    body = _map(client, campus.school)
    assert body["school"] == {
        "id": campus.school.pk,
        "name": "Test Ridge Academy",
        "slug": "test-ridge",
        "address": "1 Test Way, Cedar Hollow (fictional)",
        "entrance": [-121.7, 38.56],
    }
    assert body["levels"] == [
        {"ordinal": 0, "name": "Ground floor"},
        {"ordinal": 1, "name": "Floor 2"},
    ]
    layers = body["layers"]
    assert sorted(layers) == ["areas", "assets", "boundary", "buildings", "surroundings"]
    assert all(layer["type"] == "FeatureCollection" for layer in layers.values())
    assert layers["boundary"]["features"][0]["geometry"] == campus.school.boundary
    buildings = [f["properties"] for f in layers["buildings"]["features"]]
    assert [(b["code"], b["name"]) for b in buildings] == [("A", "North Hall"), ("G", "Gymnasium")]
    assert buildings[0]["card_url"] == (
        f"/schools/test-ridge/buildings/{campus.hall.pk}/responder-card.pdf"
    )
    areas = {f["properties"]["name"]: f["properties"] for f in layers["areas"]["features"]}
    assert sorted(areas) == [
        "Back field",
        "Classroom A210",
        "Main gym",
        "Main office",
        "Stairway East",
    ]
    field = areas["Back field"]
    assert (field["level"], field["building"], field["risk"], field["type_label"]) == (
        None,
        None,
        "high",
        "Playing field",
    )
    assert (field["fill"], field["stroke"], field["weight"]) == ("#b7e4a7", "#c62828", 3)
    assert (areas["Classroom A210"]["level"], areas["Classroom A210"]["risk"]) == (1, "low")
    assets = {f["properties"]["label"]: f for f in layers["assets"]["features"]}
    assert sorted(assets) == [
        "Door 1 – Main entrance",
        "Door 2 – West door",
        "Door 7 – Gym east doors",
        "Fire alarm panel",
        "Gym gas shutoff",
        "Pool chemicals",
        "Pull station by A210",
        "Water main",
    ]
    gas = assets["Gym gas shutoff"]
    assert gas["geometry"] == campus.gas.location
    assert {k: gas["properties"][k] for k in ("symbol", "utility_label", "area", "level")} == {
        "symbol": "G",
        "utility_label": "Gas",
        "area": "Main gym",
        "level": 0,
    }
    assert gas["properties"]["operating_steps"].startswith("Quarter-turn the yellow handle")
    assert gas["properties"]["photo_url"] is None
    door = assets["Door 7 – Gym east doors"]["properties"]
    assert (door["symbol"], door["number"], door["door_use"]) == ("7", 7, "Public entrance")
    surroundings = [f["properties"]["name"] for f in layers["surroundings"]["features"]]
    assert surroundings == ["Test Creek", "Propane depot"]


def test_features_without_geometry_are_left_out(client: Client, campus: Campus) -> None:
    Asset.objects.create(school=campus.school, kind=AssetKind.AED, name="AED somewhere")
    client.force_login(campus.officer)
    layers = _map(client, campus.school)["layers"]
    labels = [f["properties"]["label"] for f in layers["assets"]["features"]]
    assert "AED somewhere" not in labels


def _map_queries(client: Client, school: School) -> int:
    with CaptureQueriesContext(connection) as ctx:
        _map(client, school)
    return len(ctx.captured_queries)


def test_map_query_count_is_pinned_and_does_not_grow(client: Client, campus: Campus) -> None:
    client.force_login(campus.officer)
    _map(client, campus.school)  # the first request after sign-in touches the session
    assert _map_queries(client, campus.school) == MAP_API_QUERIES
    for n in range(5):
        building = Building.objects.create(school=campus.school, name=f"Annex {n}", code=f"X{n}")
        area = Area.objects.create(
            school=campus.school, building=building, name=f"Room {n}", area_type=AreaType.OFFICE
        )
        Asset.objects.create(
            school=campus.school,
            building=building,
            area=area,
            kind=AssetKind.CAMERA,
            name=f"Camera {n}",
            location={"type": "Point", "coordinates": [-121.7, 38.56]},
        )
    assert _map_queries(client, campus.school) == MAP_API_QUERIES


def test_map_of_a_school_outside_the_scope_is_404(client: Client, campus: Campus) -> None:
    sign_in(client, "officer")  # Cedar Hollow High School only
    response = client.get(f"/api/schools/{campus.school.pk}/map")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_map_page_is_a_shell_for_the_api(client: Client, campus: Campus) -> None:
    client.force_login(campus.officer)
    html = client.get("/schools/test-ridge/map/?focus=asset-5").content.decode()
    assert f'data-url="/api/schools/{campus.school.pk}/map"' in html
    assert 'data-focus="asset-5"' in html
    assert 'data-tile-url=""' in html  # no tile server configured: vector layers only
    assert "/static/leaflet/leaflet.js" in html
    assert "/static/sites/map.js" in html
    assert "https://" not in html.split("<main", 1)[1]  # nothing fetched from the internet
    assert f"/schools/test-ridge/buildings/{campus.gym.pk}/responder-card.pdf" in html
    assert "Fire-alarm pull station" in html  # the legend


def test_map_page_uses_a_configured_tile_server(
    client: Client, campus: Campus, settings: Any
) -> None:
    settings.VIGIL_TILE_URL = "https://tiles.district.example/{z}/{x}/{y}.png"
    client.force_login(campus.officer)
    html = client.get("/schools/test-ridge/map/").content.decode()
    assert 'data-tile-url="https://tiles.district.example/{z}/{x}/{y}.png"' in html


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def photo_asset(campus: Campus, media_root: Path) -> Asset:
    campus.gas.photo = SimpleUploadedFile("gas.png", _png(), content_type="image/png")
    campus.gas.save()
    return campus.gas


def test_photo_is_served_through_restrict(
    client: Client, campus: Campus, photo_asset: Asset
) -> None:
    client.force_login(campus.officer)
    url = f"/schools/test-ridge/assets/{photo_asset.pk}/photo/"
    body = _map(client, campus.school)
    (gas,) = [
        f for f in body["layers"]["assets"]["features"] if f["properties"]["id"] == photo_asset.pk
    ]
    assert gas["properties"]["photo_url"] == url
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, max-age=300"
    assert b"".join(response.streaming_content) == _png()  # type: ignore[attr-defined]
    sign_in(client, "officer")  # another school's officer
    assert client.get(url).status_code == 404


def test_photo_of_an_asset_without_one_is_404(client: Client, campus: Campus) -> None:
    client.force_login(campus.officer)
    assert client.get(f"/schools/test-ridge/assets/{campus.door7.pk}/photo/").status_code == 404
