from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from conftest import DEMO_SEED
from vigil.accounts.models import User
from vigil.demo import builder
from vigil.sites.choices import AreaType
from vigil.sites.models import Area, Building, District, Level, School

pytestmark = pytest.mark.django_db


def test_demo_is_marked_fictional() -> None:
    district = District.objects.get()
    assert district.fictional is True
    assert all("(fictional)" in s.address for s in School.objects.all())


def test_high_school_has_what_the_issue_asks_for() -> None:
    hs = School.objects.get(slug="cedar-hollow-hs")
    assert Building.objects.filter(school=hs).count() == 10
    assert Level.objects.filter(building__school=hs, ordinal=1).count() == 3  # two-level buildings
    types = set(Area.objects.filter(school=hs).values_list("area_type", flat=True))
    for wanted in (
        AreaType.PORTABLE,
        AreaType.GYM,
        AreaType.POOL,
        AreaType.THEATER,
        AreaType.PLAYING_FIELD,
        AreaType.PARKING_LOT,
        AreaType.LOCKER_ROOM,
    ):
        assert wanted in types


def test_every_area_has_valid_wgs84_geometry_inside_its_campus() -> None:
    from shapely.geometry import shape

    for school in School.objects.all():
        campus = shape(school.boundary)
        for area in Area.objects.filter(school=school):
            geometry = shape(area.geometry)
            assert geometry.is_valid, area
            assert campus.buffer(1e-7).contains(geometry), area


def test_same_seed_gives_the_same_people() -> None:
    names = [
        (u.username, u.first_name, u.last_name, u.mobile_phone)
        for u in User.objects.filter(is_demo=True).order_by("username")
    ]
    assert names[:3] == [
        ("admin", "Grace", "Moreno", "(530) 555-0179"),
        ("director", "Rosa", "Park", "(530) 555-0174"),
        ("frontdesk", "Mei", "Brennan", "(530) 555-0146"),
    ]


def test_every_role_has_a_demo_login() -> None:
    from vigil.core.permissions import Role

    assert {login.role for login in builder.DEMO_LOGINS} == set(Role)


def test_building_twice_is_refused() -> None:
    with pytest.raises(RuntimeError, match="already holds a district"):
        builder.build(DEMO_SEED)
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo")


def test_if_empty_leaves_existing_data() -> None:
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "leaving it as it is" in out.getvalue()


def test_code_is_printed_for_demo_logins_only() -> None:
    out = io.StringIO()
    call_command("demo", "--code", "director", stdout=out)
    assert out.getvalue().strip().isdigit()
    User.objects.create(username="real.person")
    with pytest.raises(CommandError, match="not a demo login"):
        call_command("demo", "--code", "real.person")
