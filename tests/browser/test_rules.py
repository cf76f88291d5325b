"""On a phone and a desk, the supervisor adds an after-hours severity rule (a missing day is
refused with the field named) and declares a drill; both show on the rules page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_shell import VIEWPORTS, sign_in
from vigil.demo.builder import DEMO_LOGINS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SUPERVISOR = next(login for login in DEMO_LOGINS if login.username == "supervisor")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_supervisor_edits_console_rules(browser: Any, server: str, viewport: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()
    sign_in(page, server, SUPERVISOR)
    page.goto(f"{server}/rules/")
    expect(page.get_by_role("heading", name="Console rules")).to_be_visible()
    page.get_by_role("link", name="Add a rule").first.click()
    name = f"Doors after hours ({viewport})"
    page.get_by_label("Name").fill(name)
    page.locator("#id_school").select_option(label="Cedar Hollow High School")
    page.get_by_label("Event type").select_option("door_held")
    page.get_by_label("Applies").select_option("outside")
    for day in ("Mon", "Tue", "Wed", "Thu", "Fri"):
        page.get_by_role("checkbox", name=day).uncheck()
    page.get_by_label("Start time").fill("07:30")
    page.get_by_label("End time").fill("15:30")
    page.get_by_label("Severity", exact=True).select_option("5")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_role("alert").filter(has_text="Days: This field is required.")
    ).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    screenshot(page, f"rules-form-refused-{viewport}")
    for day in ("Mon", "Tue", "Wed", "Thu", "Fri"):
        page.get_by_role("checkbox", name=day).check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"Saved: {name}.")).to_be_visible()
    row = page.locator("tr", has_text=name)
    expect(row).to_contain_text("outside Mon, Tue, Wed, Thu, Fri 07:30–15:30")
    expect(row).to_contain_text("Critical")

    page.get_by_role("link", name="Declare a drill").click()
    page.locator("#id_school").select_option(label="Cedar Hollow High School")
    page.get_by_role("checkbox", name="Fire").check()
    page.get_by_label("Starts").fill("2026-12-01T10:00")
    page.get_by_label("Ends").fill("2026-12-01T10:30")
    page.get_by_label("Reason").fill(f"Fire drill ({viewport})")
    page.get_by_role("button", name="Save").click()
    drill = page.locator("tr", has_text=f"Fire drill ({viewport})")
    expect(drill).to_contain_text("Fire")
    expect(drill.get_by_role("button", name="Call off")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    screenshot(page, f"rules-list-{viewport}")
    context.close()
