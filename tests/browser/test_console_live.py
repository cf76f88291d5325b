"""The live console in a real browser against `vigil run`: a supervisor's console shows an event
the ingest pipeline stores (in another process) without reloading, the supervisor dispatches an
officer, and the officer's phone page (/console/mine/) receives it live."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, screenshot
from tests.browser.test_shell import sign_in
from vigil.demo.builder import DEMO_LOGINS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LOGINS = {login.username: login for login in DEMO_LOGINS}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}

INGEST = """
import sys
from django.utils import timezone
from vigil.events.models import DeviceMapping
from vigil.events.pipeline import Inbound, Normalized, ingest
from vigil.sites.models import Area, School

key, title = sys.argv[1], sys.argv[2]
school = School.objects.get(slug="cedar-hollow-hs")
area = (
    Area.objects.filter(school=school, building__isnull=False)
    .exclude(geometry=None)
    .order_by("pk")
    .first()
)
DeviceMapping.objects.get_or_create(
    source="browser", external_id="pull-station-7", defaults={"school": school, "area": area}
)
now = timezone.now()
result = ingest(
    Inbound(source="browser", payload=title.encode(), received_at=now, dedupe_key=key),
    lambda message: Normalized(
        source_event_id=key,
        event_type="fire",
        title=title,
        occurred_at=now,
        device="pull-station-7",
        severity=5,
    ),
)
print(result.outcome, result.event_id)
"""


def _data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data directory of the session's `vigil run` (tests/browser/conftest.py `server`)."""
    base = tmp_path_factory.getbasetemp()
    dirs = {p.resolve() for p in base.glob("vigil-data*") if (p / "server.log").exists()}
    assert len(dirs) == 1, dirs
    return dirs.pop()


def _ingest(data_dir: Path, title: str) -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["VIGIL_DATA_DIR"] = str(data_dir)
    script = data_dir / "ingest_one.py"
    script.write_text(INGEST)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os, runpy, sys; "
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); django.setup(); "
            "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')",
            str(script),
            uuid.uuid4().hex,
            title,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("created "), done.stdout


def test_an_ingested_event_appears_live_and_reaches_the_officers_phone(
    browser: Any, server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    data_dir = _data_dir(tmp_path_factory)
    desk = browser.new_context(viewport=DESKTOP)
    console = desk.new_page()
    sign_in(console, server, LOGINS["supervisor"])
    console.goto(f"{server}/console/")
    expect(console.locator("[data-live-console]")).to_have_attribute("data-live", "on")
    console.evaluate("window.__notReloaded = true")

    phone_context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = phone_context.new_page()
    sign_in(phone, server, LOGINS["officer"])
    phone.goto(f"{server}/console/mine/")
    expect(phone.locator("[data-live-console]")).to_have_attribute("data-live", "on")

    title = f"Pull station 7 fire alarm {uuid.uuid4().hex[:6]}"
    _ingest(data_dir, title)  # another process: the ingest pipeline, as a receiver runs it
    row = console.locator("tr", has_text=title)
    expect(row).to_be_visible(timeout=5000)
    expect(row).to_have_class("critical")
    expect(row).to_contain_text("Open")
    assert console.evaluate("window.__notReloaded") is True  # pushed, not reloaded
    screenshot(console, "console-live-desktop")

    console.get_by_role("link", name=title).click()
    expect(console.get_by_role("heading", name=title)).to_be_visible()
    expect(console.locator("[data-event-map] .leaflet-interactive").first).to_be_attached()
    expect(console.get_by_text("Nearest camera")).to_be_visible()
    expect(console.get_by_role("link", name="Responder card (PDF)")).to_be_visible()
    console.get_by_label("Send an officer").select_option(label="Fatima Nguyen")
    console.get_by_role("button", name="Dispatch").click()
    expect(console.get_by_text("Dispatched to Fatima Nguyen").first).to_be_visible()
    screenshot(console, "console-event-place-desktop")

    card = phone.locator("article", has_text=title)
    expect(card).to_be_visible(timeout=5000)  # pushed to the phone page, no reload
    expect(card).to_contain_text("Dispatched to Fatima Nguyen")
    screenshot(phone, "console-mine-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    card.get_by_role("button", name="I'm on it").click()
    expect(phone.locator("article", has_text=title)).to_contain_text("Being handled by")

    console.goto(f"{server}/console/")
    expect(console.locator("tr", has_text=title)).to_contain_text("Being handled by")
    card = phone.locator("article", has_text=title)
    card.get_by_label("How it ended").select_option("handled")
    card.get_by_role("button", name="Resolve").click()
    expect(phone.locator("article", has_text=title)).to_have_count(0)
    expect(console.locator("tr", has_text=title)).to_have_count(0, timeout=5000)  # removed live
    desk.close()
    phone_context.close()
