"""Incident report search over 200,000 reports: p50/p95 of what the list page asks of the
database, and of the list page itself, on SQLite (FTS5) and PostgreSQL (tsvector + GIN).

    .venv/bin/python bench/incidents_search.py --fresh --database-url URL [--reports 200000]
    .venv/bin/python bench/incidents_search.py --skip-generate --requests 100 --database-url URL

The database is migrated here and must hold no district (a fresh SQLite file, or an empty
PostgreSQL database: ``createdb -h 127.0.0.1 -U postgres vigil_bench_incidents``). It receives
the demo district (its logins and three schools) plus three generated schools, then
``--reports`` reports bulk-inserted directly (no services, no audit rows: this measures reads)
with 60-word texts drawn Zipf-like from 76 school words and 4,000 rarer made-up ones (see
VOCABULARY: a few words are in most reports, most in well under 1 %), one or two
classifications and one to three people each. The full-text index fills through the SQLite
triggers / the PostgreSQL generated column, exactly as in production.

Each case runs ``--requests`` times with varying words. A "search" is what the list page asks
of the database for one screen: the bounded counts per state (one to three queries) and the
first page (25 rows + 1) with its details. The list page is the whole request through Django's test
client (middleware, permission checks, form, counts, rendering). Target: p95 <= 150 ms.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 150.0
SEED = 20261128

# Report words, most common first: a Zipf-like law (the word of rank r is drawn with weight
# 1/r) over these 76 words and RARE_WORDS made-up ones, so a few words are in most reports (the
# first is in ~99 %, the 8th in ~55 %), rank 100 in ~6 %, rank 1,000 in ~0.7 % and the last in
# ~0.2 % — like real narratives once stop words are dropped. The bench measures a common word,
# a mid-frequency one and a rare one.
DOMAIN_WORDS = [
    "student",
    "hallway",
    "door",
    "saw",
    "officer",
    "said",
    "teacher",
    "called",
    "office",
    "after",
    "lunch",
    "bell",
    "class",
    "left",
    "camera",
    "near",
    "room",
    "bag",
    "phone",
    "group",
    "two",
    "walked",
    "asked",
    "told",
    "stairs",
    "restroom",
    "gym",
    "parking",
    "lot",
    "field",
    "bus",
    "morning",
    "afternoon",
    "police",
    "parent",
    "nurse",
    "locker",
    "window",
    "fence",
    "cafeteria",
    "library",
    "portable",
    "vape",
    "smell",
    "smoke",
    "alarm",
    "pulled",
    "glass",
    "broken",
    "wallet",
    "backpack",
    "knife",
    "lighter",
    "marker",
    "graffiti",
    "paint",
    "bicycle",
    "helmet",
    "jacket",
    "hoodie",
    "scooter",
    "skateboard",
    "keyboard",
    "chromebook",
    "trophy",
    "projector",
    "extinguisher",
    "bleachers",
    "dumpster",
    "trampoline",
    "saxophone",
    "microscope",
    "aquarium",
    "greenhouse",
    "kiln",
    "forklift",
]
RARE_WORDS = 4000
WORDS_PER_REPORT = 60


def _made_up_words(count: int) -> list[str]:
    """``count`` distinct pronounceable words, the same for a given seed, none a real one."""
    rng = random.Random(SEED)
    onsets, vowels, codas = "bdfgklmnprstvz", "aeiou", ("", "n", "r", "l", "sk", "nd", "x")
    found: list[str] = []
    seen = set(DOMAIN_WORDS)
    while len(found) < count:
        word = "".join(rng.choice(onsets) + rng.choice(vowels) for _ in range(3))
        word += rng.choice(codas)
        if word not in seen:
            seen.add(word)
            found.append(word)
    return found


VOCABULARY = DOMAIN_WORDS + _made_up_words(RARE_WORDS)
TITLES = (
    "Fight in the {0}",
    "Vaping in the {0}",
    "Theft from the {0}",
    "Graffiti near the {0}",
    "Trespasser at the {0}",
    "Fire alarm pulled in the {0}",
    "Medical call in the {0}",
    "Threat found in the {0}",
)
PLACES = ("cafeteria", "gym", "restroom", "library", "parking lot", "field", "hallway", "bus loop")
CATEGORIES = ("fight", "vaping", "theft", "vandalism", "trespass", "fire_alarm", "medical")
NIBRS = ("13B", "13C", "23D", "290", "90J", "520", "35A", "90Z")
ROLES = ("victim", "offender", "suspect", "witness", "reporting_party", "bystander")
STATUSES = ("approved",) * 7 + ("submitted", "returned", "draft")


def _setup(database_url: str) -> None:
    os.environ.setdefault(
        "VIGIL_DATA_DIR", str(Path(tempfile.gettempdir()) / "vigil-bench-incidents")
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("VIGIL_DB_CONN_MAX_AGE", "600")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _empty(database_url: str) -> None:
    if database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///"))
        for stale in path.parent.glob(path.name + "*"):
            stale.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    name = database_url.rsplit("/", 1)[-1]
    if not name.startswith("vigil_bench"):
        raise SystemExit(f"--fresh drops every table: refusing on database {name!r}")
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


def _zipf_words(rng: random.Random, count: int) -> list[str]:
    return rng.choices(VOCABULARY, cum_weights=_CUMULATIVE, k=count)


_CUMULATIVE = list(itertools.accumulate(1.0 / (rank + 1) for rank in range(len(VOCABULARY))))


def generate(total: int) -> dict[str, Any]:
    """The demo district, three more schools and ``total`` reports. Returns what was made."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from vigil.demo import builder
    from vigil.incidents import search
    from vigil.incidents.models import Classification, InvolvedPerson, Report
    from vigil.incidents.services import default_template
    from vigil.sites.models import Area, Building, District, School

    call_command("migrate", verbosity=0)
    if District.objects.exists():
        raise SystemExit("The database already holds a district: use a fresh one.")
    started = time.perf_counter()
    builder.build(builder.DEFAULT_SEED)
    district = District.objects.get()
    for n in range(3):
        school = School.objects.create(
            district=district,
            name=f"Generated School {n + 1}",
            slug=f"gen-incidents-{n + 1}",
            level="high",
            latitude=38.5 + n / 100,
            longitude=-121.7 - n / 100,
        )
        building = Building.objects.create(school=school, name="Main", code="A")
        for k in range(20):
            Area.objects.create(
                school=school, building=building, name=f"Room {k}", area_type="classroom"
            )
    from vigil.accounts.models import User

    schools = list(School.objects.order_by("pk"))
    areas = {
        s.pk: list(Area.objects.filter(school=s).values_list("pk", flat=True)) for s in schools
    }
    authors = list(User.objects.filter(username__in=["officer", "officer2", "supervisor"]))
    template = default_template()
    rng = random.Random(SEED)
    now = timezone.now()
    batch = 5000
    for offset in range(0, total, batch):
        reports, parts = [], []
        size = min(batch, total - offset)
        for n in range(offset, offset + size):
            school = schools[n % len(schools)]
            written = now - timedelta(minutes=(total - n) * 3)
            occurred = written - timedelta(minutes=rng.randint(30, 3000))
            place = rng.choice(PLACES)
            words = _zipf_words(rng, WORDS_PER_REPORT)
            status = rng.choice(STATUSES)
            types = [("school", rng.choice(CATEGORIES))]
            if rng.random() < 0.6:
                types.append(("nibrs", rng.choice(NIBRS)))
            roles = [rng.choice(ROLES) for _ in range(rng.randint(1, 3))]
            parts.append((types, roles))
            reports.append(
                Report(
                    number=f"BENCH-{school.pk}-{n + 1:07d}",
                    school=school,
                    template=template,
                    status=status,
                    title=rng.choice(TITLES).format(place),
                    area_id=rng.choice(areas[school.pk]) if areas[school.pk] else None,
                    location_text=f"near the {place}" if rng.random() < 0.3 else "",
                    occurred_start=occurred,
                    occurred_end=occurred + timedelta(minutes=rng.randint(1, 60)),
                    written_at=written,
                    submitted_at=None if status == "draft" else written,
                    narrative=" ".join(words[:50]) + ".",
                    actions_taken=" ".join(words[50:]) + ".",
                    author=rng.choice(authors),
                    updated_at=written,
                    # As services write it with the parts below.
                    search_facets=search.facets_text(types, roles),
                )
            )
        with transaction.atomic():
            Report.objects.bulk_create(reports, batch_size=1000)  # sets pk (RETURNING)
            classes, people = [], []
            for report, (types, roles) in zip(reports, parts, strict=True):
                classes += [Classification(report_id=report.pk, scheme=s, code=c) for s, c in types]
                people += [
                    InvolvedPerson(
                        report_id=report.pk,
                        role=role,
                        kind="student",
                        name=f"Person {position}",
                        position=position,
                    )
                    for position, role in enumerate(roles)
                ]
            Classification.objects.bulk_create(classes, batch_size=2000)
            InvolvedPerson.objects.bulk_create(people, batch_size=2000)
        print(f"  {offset + size:,} reports", file=sys.stderr, flush=True)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO incidents_report_fts(incidents_report_fts) VALUES ('optimize')"
            )
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            # As autovacuum leaves them after a load: statistics, and the visibility map that
            # lets the (scheme, code, report) and (role, report) indexes answer alone.
            cursor.execute("VACUUM ANALYZE incidents_report")
            cursor.execute("VACUUM ANALYZE incidents_classification")
            cursor.execute("VACUUM ANALYZE incidents_involvedperson")
    return {
        "reports": Report.objects.count(),
        "generate_s": round(time.perf_counter() - started, 1),
    }


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(ordered[-1], 1),
    }


def measure(requests: int) -> list[dict[str, Any]]:
    from django.db import reset_queries
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from conftest import sign_in
    from vigil.accounts.models import User
    from vigil.incidents import selectors
    from vigil.sites.models import School

    setup_test_environment()
    director = User.objects.get(username="director")
    supervisor = User.objects.get(username="supervisor")
    hs = School.objects.get(slug="cedar-hollow-hs")
    rng = random.Random(SEED + 1)
    # In ~55-97 % of reports, ~2-6 %, ~0.2-0.4 % (see VOCABULARY).
    common, middle, rare = VOCABULARY[1:8], VOCABULARY[100:300], VOCABULARY[-2000:]
    now = timezone.now()

    def screen(user: Any, **filters: Any) -> None:
        # As the list page does: the chips' bounded counts per state, then the first page
        # (25 rows + 1 to know there is a next one) with its details.
        status = filters.pop("status", "")
        counts = selectors.report_counts(user, **filters)
        reports = selectors.search_reports(
            user, **filters, status=status, how=counts.words_plan(status)
        )
        many = counts.count_of(status) >= selectors.MANY_ROWS
        list(selectors.list_rows(reports, 0, 26, many=many))

    cases: list[tuple[str, Callable[[], None]]] = [
        ("text: a common word", lambda: screen(director, text=rng.choice(common))),
        ("text: a mid-frequency word", lambda: screen(director, text=rng.choice(middle))),
        ("text: a rare word", lambda: screen(director, text=rng.choice(rare))),
        (
            "text: two words",
            lambda: screen(director, text=f"{rng.choice(common)} {rng.choice(middle)}"),
        ),
        ("text: prefix", lambda: screen(director, text=rng.choice(middle)[:4] + "*")),
        (
            "text + school + status (supervisor)",
            lambda: screen(
                supervisor, text=rng.choice(middle), school_ids=[hs.pk], status="approved"
            ),
        ),
        (
            "text + type + person role",
            lambda: screen(
                director,
                text=rng.choice(common),
                code=rng.choice(CATEGORIES),
                person_role=rng.choice(ROLES),
            ),
        ),
        (
            "filters: school + status",
            lambda: screen(
                director, school_ids=[hs.pk], status=rng.choice(["approved", "returned"])
            ),
        ),
        (
            "filters: type + last 30 days",
            lambda: screen(
                director, code=rng.choice(NIBRS), since=now - timedelta(days=30), until=now
            ),
        ),
        ("filters: none (newest first)", lambda: screen(director)),
    ]
    clients = {
        "director": sign_in(Client(), "director"),
        "supervisor": sign_in(Client(), "supervisor"),
    }
    for client in clients.values():
        client.get("/")
    url = reverse("incidents:list")

    def page(who: str, query: str) -> Callable[[], None]:
        def run() -> None:
            response = clients[who].get(f"{url}?{query}" if query else url)
            assert response.status_code == 200, response.status_code

        return run

    cases += [
        ("list page: first page, no filter", page("director", "")),
        ("list page: words", page("director", f"q={rng.choice(middle)}")),
        (
            "list page: words + school + state (supervisor)",
            page("supervisor", f"q={rng.choice(common)}&school={hs.pk}&status=approved"),
        ),
    ]
    results = []
    for name, run in cases:
        run()  # warm caches and the connection
        samples = []
        for _ in range(requests):
            reset_queries()
            started = time.perf_counter()
            run()
            samples.append((time.perf_counter() - started) * 1000)
        stats = _stats(samples)
        row: dict[str, Any] = {"case": name, **stats, "target_ms": TARGET_MS}
        row["ok"] = stats["p95_ms"] <= TARGET_MS
        results.append(row)
        print(f"{name:48} p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--reports", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--skip-generate", action="store_true", help="reuse a generated database")
    parser.add_argument("--generate-only", action="store_true", help="fill the database, no runs")
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="start from an empty database: delete the SQLite file, or drop every table of a "
        "PostgreSQL database whose name starts with vigil_bench",
    )
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    if args.fresh:
        _empty(args.database_url)
    _setup(args.database_url)
    from django.db import connection

    if args.skip_generate:
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)  # later index migrations, on a reused database
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    made = {} if args.skip_generate else generate(args.reports)
    if args.generate_only:
        print(json.dumps(made))
        return
    results = measure(args.requests)
    report = {
        "benchmark": "incidents_search",
        "database": connection.vendor,
        "reports": args.reports,
        "requests_per_case": args.requests,
        **made,
        "machine": f"{platform.machine()} · {os.cpu_count()} CPUs · {platform.python_version()}",
        "load_average": os.getloadavg(),
        "results": results,
        "all_ok": all(r["ok"] for r in results),
    }
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: v for k, v in report.items() if k != "results"}))


if __name__ == "__main__":
    main()
