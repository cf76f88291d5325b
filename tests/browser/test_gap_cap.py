"""On a phone, a supervisor measures what each gap cap buys at a school (a real worker runs the
measurement while the page shows its progress), chooses a looser cap, then undoes it."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, screenshot
from tests.browser.test_console_live import _data_dir
from tests.browser.test_shell import VIEWPORTS, sign_in
from vigil.demo.builder import DEMO_LOGINS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SUPERVISOR = next(login for login in DEMO_LOGINS if login.username == "supervisor")


def test_supervisor_measures_the_caps_then_chooses_and_undoes_one(
    browser: Any, server: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    sign_in(page, server, SUPERVISOR)
    page.goto(f"{server}/patrol/board/juniper-ridge-ms/")
    page.get_by_role("link", name="Gap cap").click()
    expect(page.get_by_role("heading", name="Now: 1.25 × (the default)")).to_be_visible()
    expect(page.get_by_text("Not measured yet")).to_be_visible()

    page.get_by_role("button", name="Measure this school's zones").click()
    expect(page.get_by_text("Waiting to start")).to_be_visible()
    screenshot(page, "gap-cap-queued-phone")
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["VIGIL_DATA_DIR"] = str(_data_dir(tmp_path_factory))
    # The worker `vigil run` starts, once: the page polls while it measures, then reloads.
    worker = subprocess.Popen(
        [sys.executable, "-m", "vigil", "db_worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    out, _ = worker.communicate(timeout=600)
    assert worker.returncode == 0, out
    main = page.locator(".gc-zone").filter(has_text="Main Building")
    expect(main.get_by_role("row")).to_have_count(5, timeout=30_000)  # a head and four caps
    expect(main.get_by_role("row", name="1.25\u00a0× now")).to_be_visible()
    expect(page.get_by_text("Whole campus")).to_be_visible()
    expect(page.get_by_text("needs a visit more often than one officer can manage")).to_be_visible()
    screenshot(page, "gap-cap-measured-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS["phone"]["width"]

    page.get_by_label("2 ×").check()
    page.get_by_role("button", name="Save the choice").click()
    expect(page.locator(".messages li.error")).to_contain_text("note: Say why")
    page.get_by_label("Why").fill("Break-ins at the portables after school")
    page.get_by_role("button", name="Save the choice").click()
    expect(page.locator(".messages li.success")).to_contain_text("Saved: 2 ×")
    expect(page.get_by_role("heading", name="Now: 2 ×")).to_be_visible()
    expect(main.get_by_role("row", name="2\u00a0× now")).to_be_visible()
    screenshot(page, "gap-cap-chosen-phone")

    page.get_by_role("link", name="Undo").click()
    page.get_by_role("button", name="Undo the choice").click()
    expect(page.locator(".messages li.success")).to_contain_text("plan with 1.25 ×")
    expect(page.get_by_role("heading", name="Now: 1.25 × (the default)")).to_be_visible()
    context.close()
