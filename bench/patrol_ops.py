"""Server time of patrol operations on a generated 200-school district (issue 5 figures):

- next stop: 20 officers on shift at 20 schools; each check-in (POST /patrol/checkin/, which
  records the scan and chooses the next stop online) and the phone's next-stop page
  (GET /patrol/) — p50/p95;
- coverage: one campus with a week of patrol history (2 shifts a day, a check-in every
  ~70 s), the coverage page of a day and the week page — p50/p95.

    .venv/bin/python bench/generate_district.py --database-url sqlite:////tmp/vigil-patrol.sqlite3
    .venv/bin/python bench/patrol_ops.py --database-url sqlite:////tmp/vigil-patrol.sqlite3

In-process through Django's test client, as bench/kb_bench.py: from the request entering
Django's handler to the response leaving it, every middleware and permission check included.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NEXT_STOP_TARGET_MS = 50.0
COVERAGE_TARGET_MS = 200.0


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _summary(name: str, values: list[float], target: float) -> dict[str, Any]:
    row = {
        "name": name,
        "n": len(values),
        "p50_ms": round(statistics.median(values), 1),
        "p95_ms": round(_p(values, 0.95), 1),
        "target_ms": target,
    }
    print(
        f"{name:48s} n={row['n']:4d} p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms"
        f"  (target p95 ≤ {target:g})"
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rounds", type=int, default=10, help="check-ins per officer")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    # The data dir of bench/generate_district.py: the district's encrypted fields (the demo
    # users' second factors) need the key generated there.
    os.environ.setdefault("VIGIL_DATA_DIR", str(Path(tempfile.gettempdir()) / "vigil-bench-kb"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("VIGIL_DB_CONN_MAX_AGE", "600")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from conftest import sign_in
    from vigil.accounts import services as accounts
    from vigil.accounts.models import User
    from vigil.core.permissions import Role
    from vigil.patrols import services, tags
    from vigil.patrols.models import Scan, Shift, ShiftStatus
    from vigil.sites.models import Building, School

    setup_test_environment()

    def _person(name: str, role: Role, school: School) -> User:
        user: User | None = User.objects.filter(username=name).first()
        if user is None:
            user = accounts.user_create(actor=None, username=name, password=None)
            accounts.role_assign(actor=None, user=user, role=role, schools=[school])
        return user

    Shift.objects.filter(status=ShiftStatus.ACTIVE).update(status=ShiftStatus.ENDED)
    schools = list(School.objects.filter(slug__startswith="gen-").order_by("slug")[:20])
    if len(schools) < 20:
        raise SystemExit("Generate the district first (bench/generate_district.py).")
    rng = random.Random(5)
    officers = []
    for n, school in enumerate(schools):
        name = f"bench-officer-{n:02d}"
        user = _person(name, Role.OFFICER, school)
        # The generated classroom wings are too big for one officer to keep 20-minute restroom
        # deadlines (the planner refuses them); the gymnasium is a zone one officer can hold.
        building = Building.objects.get(school=school, code="G")
        shift = services.shift_start(
            actor=user, school=school, building=building, mode="foot", hours=8
        )
        officers.append((user, shift, sign_in(Client(), name)))

    results = []
    page: list[float] = []
    checkin: list[float] = []
    for _ in range(args.rounds):
        for _user, shift, client in officers:
            start = time.perf_counter()
            response = client.get("/patrol/")
            page.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
            shift.refresh_from_db()
            token = tags.sign(shift.school_id, shift.next_node)
            data = {
                "token": token,
                "client_id": f"b{rng.random()}",
                "occurred_at": timezone.now().isoformat(),
            }
            start = time.perf_counter()
            response = client.post("/patrol/checkin/", data)
            checkin.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 302, response.content[:300]
    results.append(
        _summary("check-in → next stop (POST /patrol/checkin/)", checkin, NEXT_STOP_TARGET_MS)
    )
    results.append(_summary("next-stop page (GET /patrol/)", page, NEXT_STOP_TARGET_MS))

    # A week of history at the first school, then the supervisor's pages.
    school = schools[0]
    walker = officers[0][0]
    building = Building.objects.get(school=school, code="G")
    history_start = timezone.localtime().replace(
        hour=7, minute=0, second=0, microsecond=0
    ) - timedelta(days=7)
    made = 0
    for day in range(7):
        for half in range(2):
            begin = history_start + timedelta(days=day, hours=4 * half)
            shift = Shift.objects.create(
                officer=walker,
                school=school,
                building=building,
                mode="foot",
                status=ShiftStatus.ENDED,
                started_at=begin,
                planned_until=begin + timedelta(hours=4),
                ended_at=begin + timedelta(hours=4),
                seed=day * 2 + half,
                graph=officers[0][1].graph,
                plan=officers[0][1].plan,
            )
            nodes = [raw["id"] for raw in shift.graph["nodes"]]
            labels = {raw["id"]: raw["label"] for raw in shift.graph["nodes"]}
            scans = []
            for k in range(200):
                node = rng.choice(nodes)
                at = begin + timedelta(seconds=70 * k)
                scans.append(
                    Scan(
                        shift=shift,
                        school=school,
                        node=node,
                        label=labels[node],
                        method="qr",
                        occurred_at=at,
                        received_at=at,
                        client_id=f"h{day}-{half}-{k}",
                    )
                )
            Scan.objects.bulk_create(scans)
            made += len(scans)
    boss = sign_in(Client(), "director")  # the demo's, with its second factor: district-wide
    coverage: list[float] = []
    week: list[float] = []
    sample_day = (history_start + timedelta(days=3)).date().isoformat()
    monday = (history_start.date() - timedelta(days=history_start.weekday())).isoformat()
    for _ in range(40):
        start = time.perf_counter()
        response = boss.get(f"/patrol/coverage/{school.slug}/?day={sample_day}")
        coverage.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
        start = time.perf_counter()
        response = boss.get(f"/patrol/week/{school.slug}/?week={monday}")
        week.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    print(f"history: {made} check-ins over 7 days at {school.name}")
    results.append(
        _summary("coverage page, one day of a week of scans", coverage, COVERAGE_TARGET_MS)
    )
    results.append(_summary("week page (predictability, door sweep)", week, COVERAGE_TARGET_MS))
    if args.out:
        Path(args.out).write_text(
            json.dumps({"database": args.database_url.split(":")[0], "results": results}, indent=1)
            + "\n"
        )


if __name__ == "__main__":
    main()
