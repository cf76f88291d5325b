"""An officer on a phone finds the gas shutoff, sees it on the map and opens the responder card;
a supervisor's desktop view of the campus map."""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

import pytest
from PIL import Image

from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.browser.test_shell import VIEWPORTS, sign_in
from vigil.demo.builder import DEMO_LOGINS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LOGINS = {login.username: login for login in DEMO_LOGINS}


def test_officer_finds_the_gas_shutoff_on_a_phone(browser: Any, server: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS["phone"], has_touch=True, is_mobile=True)
    page = context.new_page()
    sign_in(page, server, LOGINS["officer"])
    page.goto(f"{server}/find/")
    page.get_by_label("Find a door, shutoff, panel or room").fill("gas shutoff")
    page.get_by_role("button", name="Find").click()
    page.wait_for_url(re.compile(r".*/find/\?q=gas\+shutoff"))
    results = page.locator(".find-results li")
    titles = [t.strip() for t in results.locator("b").all_inner_texts()]
    assert titles == [
        "Gas main shutoff – Main Building",
        "Lab gas emergency shutoff – Science Wing",
    ]
    # Both answers are at the high school: its campus is drawn under them.
    page.locator("[data-campus-map][data-ready=true]").wait_for()
    assert page.locator(".mk.hit").count() == 2
    assert page.locator(".leaflet-overlay-pane path").count() > 20  # buildings and rooms
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS["phone"]["width"]
    screenshot(page, "kb-find-gas-shutoff-phone")

    # The first answer opens the campus map focused on it, with the steps to shut it off.
    results.first.locator("a").click()
    page.locator("[data-campus-map][data-ready=true]").wait_for()
    details = page.locator("[data-details]")
    details.wait_for(state="visible")
    assert details.get_by_role("heading", level=2).inner_text() == (
        "Gas main shutoff – Main Building"
    )
    assert "quarter turn" in details.inner_text()
    assert page.locator(".focus-ring").count() == 1
    screenshot(page, "kb-map-focus-gas-shutoff-phone")

    # The responder card of the main building: download it and look at page 1.
    card = page.locator(".building-cards li", has_text="Main Building").get_by_role(
        "link", name="Responder card (PDF)"
    )
    response = page.request.get(server + str(card.get_attribute("href")))
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = SCREENSHOTS / "kb-responder-card-main-building.pdf"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf.write_bytes(response.body())
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    stem = SCREENSHOTS / "kb-responder-card-main-building"
    subprocess.run([pdftoppm, "-png", "-r", "80", "-singlefile", str(pdf), str(stem)], check=True)
    image = Image.open(f"{stem}.png").convert("L")
    assert image.size == (680, 880)  # US Letter at 80 dpi
    histogram = image.histogram()
    assert sum(histogram[:128]) / sum(histogram) > 0.04  # ink on the page, not blank
    context.close()


def test_campus_map_on_a_desktop(browser: Any, server: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    sign_in(page, server, LOGINS["officer"])
    page.goto(f"{server}/schools/cedar-hollow-hs/map/")
    page.locator("[data-campus-map][data-ready=true]").wait_for()
    levels = page.get_by_role("group", name="Level").get_by_role("button")
    assert levels.all_inner_texts() == ["Ground floor", "Floor 2"]
    assert levels.first.get_attribute("aria-pressed") == "true"
    doors = page.locator(".mk-exterior_door")
    assert doors.count() > 5
    page.get_by_label("Surroundings").check()
    assert page.locator(".mk-surrounding").count() > 0
    page.locator(".mk-exterior_door", has_text=re.compile(r"^1$")).first.click()
    details = page.locator("[data-details]")
    details.wait_for(state="visible")
    assert details.get_by_role("heading", level=2).inner_text().startswith("Door 1 – ")
    screenshot(page, "kb-campus-map-desktop")
    levels.last.click()
    assert levels.last.get_attribute("aria-pressed") == "true"
    context.close()
