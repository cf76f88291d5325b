"""Generate a large district for the knowledge-base benchmarks: the demo district plus
generated campuses, 200 schools and about 50,000 assets in all, deterministic from the seed.

    .venv/bin/python bench/generate_district.py --database-url URL [--schools 200] [--seed 7]

The database is migrated, must hold no district yet, and receives the demo district first (so
the demo logins and the demo high school's main building exist for the responder-card
figure), then generated campuses up to ``--schools``. Each generated campus has four buildings
(a two-storey main building, a science wing, a gym and a portable), about 60 areas and 250
assets (doors numbered clockwise, pull stations, shutoffs, panels, cameras, checkpoints,
extinguishers, windows, AEDs...) and 10 surroundings. Rows are written with bulk_create:
the per-record audit rows the UI writes are not part of what the benchmark measures.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# (kind, count per campus, utility cycle). 250 in all.
ASSET_MIX: list[tuple[str, int]] = [
    ("exterior_door", 14),
    ("window", 56),
    ("pull_station", 22),
    ("alarm_panel", 2),
    ("utility_shutoff", 8),
    ("camera", 40),
    ("checkpoint", 30),
    ("aed", 4),
    ("first_aid", 12),
    ("fire_extinguisher", 56),
    ("hazmat", 3),
    ("knox_box", 3),
]
UTILITIES = ["gas", "water", "electric", "hvac", "sprinkler", "gas", "water", "electric"]
ROOM_TYPES = [
    "classroom",
    "classroom",
    "classroom",
    "hallway",
    "stairway",
    "restroom_student",
    "restroom_staff",
    "storage",
    "custodial",
    "office",
    "staff_room",
]
STREETS = ["Oak", "Maple", "Quarry", "Ridgeline", "Creekside", "Mission", "Harbor", "Pine"]


def setup(database_url: str) -> None:
    os.environ.setdefault("VIGIL_DATA_DIR", str(Path(tempfile.gettempdir()) / "vigil-bench-kb"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def generate(schools: int, seed: int) -> dict[str, int]:
    from django.core.management import call_command
    from django.db import transaction

    from vigil.demo import builder
    from vigil.demo.geo import Origin
    from vigil.sites.choices import default_risk
    from vigil.sites.models import Area, Asset, Building, District, Level, School, Surrounding

    call_command("migrate", verbosity=0)
    if District.objects.exists():
        raise SystemExit("The database already holds a district; give an empty database.")
    builder.build()  # the demo at its own default seed: its logins stay the documented ones
    district = District.objects.get()
    rng = random.Random(seed)
    with transaction.atomic():
        for n in range(schools - School.objects.count()):
            _campus(n, district, rng, Origin, default_risk)
    return {
        "schools": School.objects.count(),
        "buildings": Building.objects.count(),
        "levels": Level.objects.count(),
        "areas": Area.objects.count(),
        "assets": Asset.objects.count(),
        "surroundings": Surrounding.objects.count(),
    }


def _campus(n: int, district: Any, rng: random.Random, origin_cls: Any, risk: Any) -> None:
    from vigil.sites.models import Area, Asset, Building, Level, School, Surrounding

    o = origin_cls(lat=38.30 + (n // 20) * 0.01, lng=-121.95 + (n % 20) * 0.012)
    level = ["elementary", "middle", "high"][n % 3]
    school = School.objects.create(
        district=district,
        name=f"{rng.choice(STREETS)} {['Valley', 'Hills', 'Park', 'Grove'][n % 4]} "
        f"{level.title()} School {n + 1:03d}",
        slug=f"gen-{n + 1:03d}",
        level=level,
        address=f"{100 + n} {rng.choice(STREETS)} Street (generated)",
        phone=f"(530) 555-{n:04d}",
        latitude=o.lat,
        longitude=o.lng,
        boundary=o.rect(0, 0, 300, 220),
    )
    plans = [
        ("Main Building", "A", 40, 120, 120, 50, 2),
        ("Science Wing", "B", 180, 120, 80, 40, 2),
        ("Gymnasium", "G", 40, 40, 80, 55, 1),
        ("Portable 1", "P1", 200, 40, 18, 10, 1),
    ]
    buildings = Building.objects.bulk_create(
        Building(school=school, name=name, code=code, footprint=o.rect(x, y, w, h))
        for name, code, x, y, w, h, _ in plans
    )
    levels = Level.objects.bulk_create(
        Level(building=b, ordinal=i, name="Ground floor" if i == 0 else f"Floor {i + 1}")
        for b, plan in zip(buildings, plans, strict=True)
        for i in range(plan[6])
    )
    areas: list[Any] = []
    for lvl in levels:
        b = lvl.building
        _, code, x, y, w, h, _ = next(p for p in plans if p[1] == b.code)
        count = 1 if code.startswith("P") else (14 if code in {"A", "B"} else 6)
        for i in range(count):
            kind = (
                "portable"
                if code.startswith("P")
                else ("gym" if code == "G" and i == 0 else ROOM_TYPES[i % len(ROOM_TYPES)])
            )
            width = w / count
            areas.append(
                Area(
                    school=school,
                    building=b,
                    level=lvl,
                    name=f"{kind.replace('_', ' ').title()} {code}{lvl.ordinal + 1}{i:02d}",
                    code=f"{code}{lvl.ordinal + 1}{i:02d}",
                    area_type=kind,
                    risk=risk(kind, isolated=False),
                    geometry=o.rect(x + i * width, y, width, h),
                )
            )
    for name, kind, x, y, w, h in [
        ("Playing field", "playing_field", 170, 10, 120, 90),
        ("Parking lot", "parking_lot", 10, 180, 150, 35),
        ("Courtyard", "courtyard", 130, 100, 40, 18),
    ]:
        areas.append(
            Area(
                school=school,
                name=name,
                area_type=kind,
                risk=risk(kind, isolated=False),
                geometry=o.rect(x, y, w, h),
            )
        )
    areas = Area.objects.bulk_create(areas)
    indoor = [a for a in areas if a.building_id is not None]
    assets: list[Any] = []
    for kind, count in ASSET_MIX:
        for i in range(count):
            area = indoor[rng.randrange(len(indoor))]
            b = next(bb for bb in buildings if bb.pk == area.building_id)
            utility = UTILITIES[i % len(UTILITIES)] if kind == "utility_shutoff" else ""
            label = kind.replace("_", " ")
            name = (
                f"{utility.title()} shutoff {b.code}{i + 1}"
                if utility
                else f"{label.title()} {b.code}-{i + 1}"
            )
            assets.append(
                Asset(
                    school=school,
                    building=b,
                    level=area.level,
                    area=area,
                    kind=kind,
                    name=name,
                    # Doors: numbered per campus, unique per building.
                    number=i + 1 if kind == "exterior_door" else None,
                    utility=utility,
                    operating_steps="Quarter-turn the handle; wrench in the custodial room."
                    if utility
                    else "",
                    tag_id=f"CP-{n:03d}-{i:03d}" if kind == "checkpoint" else "",
                    location={
                        "type": "Point",
                        "coordinates": list(o.point(rng.uniform(40, 260), rng.uniform(40, 170))),
                    },
                )
            )
    Asset.objects.bulk_create(assets)
    Surrounding.objects.bulk_create(
        Surrounding(
            school=school,
            kind=kind,
            name=f"{kind.replace('_', ' ').title()} {i + 1}",
            geometry={"type": "Point", "coordinates": list(o.point(-30 - i * 10, 100))},
        )
        for i, kind in enumerate(
            [
                "major_road",
                "side_street",
                "alley",
                "creek",
                "fast_food",
                "shop",
                "store",
                "neighbour",
                "natural_hazard",
                "manmade_hazard",
            ]
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    setup(args.database_url)
    start = time.perf_counter()
    counts = generate(args.schools, args.seed)
    print(", ".join(f"{v} {k}" for k, v in counts.items()))
    print(f"generated in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
