"""On a phone and a desktop, the systems administrator maps a vape sensor's MQTT topic: a bad
field path is refused with the field named, "Try it" shows the normalised event without
storing it, then the topic is saved and shows on the MQTT diagnostics page; the SIA receiver's
page lists its counters. No page scrolls sideways."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_shell import VIEWPORTS, sign_in
from vigil.demo.builder import DEMO_LOGINS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ADMIN = next(login for login in DEMO_LOGINS if login.username == "admin")
SAMPLE = {
    "deviceName": "B2 boys restroom",
    "event": {
        "uuid": "5f0b6a0e-3f7c-4d6e-9d0e-1c2b7f6a9e01",
        "type": "Vape",
        "priority": "high",
        "timestamp": "2026-11-28T10:15:02-08:00",
    },
}


def _fits(page: Any, viewport: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_admin_maps_a_vape_sensor_topic(browser: Any, server: str, viewport: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()
    sign_in(page, server, ADMIN)
    page.goto(f"{server}/integrations/")
    expect(page.get_by_role("heading", name="Integrations", exact=True)).to_be_visible()
    _fits(page, viewport)
    page.get_by_role("link", name="Add a topic").first.click()
    name = f"halo-{viewport}"
    page.get_by_label("Name").fill(name)
    page.get_by_label("Topic filter").fill(f"halo/{viewport}/+")
    page.locator("form.form").get_by_label("School").select_option(label="Cedar Hollow High School")
    page.get_by_label("Event id field").fill("event..uuid")
    page.get_by_label("Time field").fill("event.timestamp")
    page.get_by_label("Type field").fill("event.type")
    page.get_by_label("Severity field").fill("event.priority")
    page.get_by_label("Device field").fill("deviceName")
    page.get_by_label("Type values").fill("Vape = vape\nAggression = sound")
    page.get_by_label("Sample message").fill(json.dumps(SAMPLE, indent=2))
    page.get_by_role("button", name="Try it").click()
    expect(
        page.get_by_role("alert").filter(has_text="Event id field: 'event..uuid' is not a field")
    ).to_be_visible()
    page.get_by_label("Event id field").fill("$.event.uuid")
    page.get_by_role("button", name="Try it").click()
    result = page.locator("section.try-result")
    expect(result).to_contain_text("Nothing was stored.")
    expect(result).to_contain_text("vape (Vape / smoke detected)")
    expect(result).to_contain_text("4 (High)")
    expect(result).to_contain_text("B2 boys restroom")
    _fits(page, viewport)
    screenshot(page, f"integrations-mqtt-try-{viewport}")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"Topic “{name}” saved.")).to_be_visible()
    expect(
        page.get_by_role("heading", name="MQTT (Frigate and generic JSON topics)")
    ).to_be_visible()
    expect(page.get_by_role("link", name=name)).to_be_visible()
    _fits(page, viewport)
    screenshot(page, f"integrations-mqtt-diagnostics-{viewport}")
    page.goto(f"{server}/integrations/sia/")
    expect(page.get_by_role("heading", name="Alarm panels (SIA DC-09)")).to_be_visible()
    expect(page.get_by_role("heading", name="Counters")).to_be_visible()
    _fits(page, viewport)
    screenshot(page, f"integrations-sia-{viewport}")
    context.close()
