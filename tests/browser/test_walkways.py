"""On a phone, a supervisor confirms an assumed walkway from the list, changes one tapped on the
map, adds one by tapping two stops, then undoes the addition."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_shell import VIEWPORTS, sign_in
from vigil.demo.builder import DEMO_LOGINS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SUPERVISOR = next(login for login in DEMO_LOGINS if login.username == "supervisor")


def test_supervisor_confirms_changes_and_adds_walkways_on_the_map(
    browser: Any, server: str
) -> None:
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    sign_in(page, server, SUPERVISOR)
    page.goto(f"{server}/patrol/schools/")
    page.get_by_role("link", name="Walkways").first.click()
    expect(page.get_by_role("heading", name="Walkways", exact=True)).to_be_visible()
    expect(page.locator(".walkway-map path.ww-stop").first).to_be_attached()
    done = page.locator(".messages li.success")
    screenshot(page, "walkways-phone")

    # Stops of different floors share a spot: one floor at a time, the grounds always.
    every = page.locator(".walkway-map path.ww-stop").count()
    page.get_by_label("Show").select_option(label="1 floor up")
    upstairs = page.locator(".walkway-map path.ww-stop").count()
    assert 0 < upstairs < every
    screenshot(page, "walkways-floor-phone")
    page.get_by_label("Show").select_option(label="All floors")
    expect(page.locator(".walkway-map path.ww-stop")).to_have_count(every)

    # An assumed walkway from the list (a link: it works without the map too) is confirmed.
    page.get_by_role("link", name="Check").first.click()
    expect(page.get_by_label("Confirm the assumed walkway")).to_be_checked()
    page.get_by_label("Why").fill("Walked it: the door between them is open")
    page.get_by_role("button", name="Save").click()
    expect(done).to_contain_text("Confirm the assumed walkway:")
    expect(
        page.get_by_role("cell", name="Walked it: the door between them is open")
    ).to_be_visible()

    # A tap on a walkway on the map offers to remove or change it.
    page.locator(".walkway-map").scroll_into_view_if_needed()
    lines = page.locator(".walkway-map path.ww-hit-generated").evaluate_all(
        """paths => paths.map(p => { const r = p.getBoundingClientRect();
             return [r.x + r.width / 2, r.y + r.height / 2, r.width + r.height]; })"""
    )
    x, y, _ = max(lines, key=lambda line: line[2])  # the longest: easy to hit mid-way
    page.mouse.click(x, y)
    selected = page.locator("[data-ww-selected]")
    expect(selected).to_contain_text("Walkway ")
    expect(page.get_by_label("Change its length or modes")).to_be_checked()
    expect(page.get_by_label("Add a walkway")).to_be_hidden()
    expect(page.get_by_label("Confirm the assumed walkway")).to_be_hidden()
    page.get_by_label("Length (m)").fill("80")
    page.get_by_label("Why").fill("Round the construction fence")
    screenshot(page, "walkways-change-phone")
    page.get_by_role("button", name="Save").click()
    expect(done).to_contain_text("Change its length or modes:")
    expect(page.locator(".walkway-map path.ww-hit-change")).to_have_count(1)

    # Two taps on stops no walkway joins offer to add one between them.
    page.locator(".walkway-map").scroll_into_view_if_needed()
    stops = page.locator(".walkway-map path.ww-stop").evaluate_all(
        """paths => paths.map(p => { const r = p.getBoundingClientRect();
             const id = [...p.classList].find(c => c.startsWith("ww-stop-")).slice(8);
             return [id, r.x + r.width / 2, r.y + r.height / 2]; })"""
    )
    joined = set(
        page.locator(".walkway-map path.ww-hit").evaluate_all(
            """paths => paths.map(p => [...p.classList].find(c => c.startsWith("ww-pair-")))"""
        )
    )
    box = page.locator(".walkway-map").bounding_box()
    assert box is not None

    def clear(stop: list[Any]) -> bool:
        inside = box["x"] + 20 < stop[1] < box["x"] + box["width"] - 20 and (
            box["y"] + 60 < stop[2] < box["y"] + box["height"] - 20
        )
        near = [s for s in stops if abs(s[1] - stop[1]) + abs(s[2] - stop[2]) < 24]
        return inside and len(near) == 1

    alone = [s for s in stops if clear(s)]
    a, b = next(
        (p, q)
        for p in alone
        for q in alone
        if p[0] < q[0] and f"ww-pair-{p[0]}--{q[0]}" not in joined
    )
    page.mouse.click(a[1], a[2])
    expect(selected).to_contain_text("tap a second stop")
    page.mouse.click(b[1], b[2])
    expect(selected).to_contain_text("New walkway")
    expect(page.get_by_label("Add a walkway")).to_be_checked()
    page.get_by_label("Length (m)").fill("35")
    page.get_by_label("Why").fill("Service corridor behind the stage")
    page.get_by_role("button", name="Save").click()
    expect(done).to_contain_text("Add a walkway:")
    expect(page.locator(".walkway-map path.ww-hit-add")).to_have_count(1)
    screenshot(page, "walkways-edited-phone")
    # No horizontal scrolling on a phone: wide tables scroll inside their cards.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS["phone"]["width"]

    # Undo it (asked first).
    row = page.get_by_role("row").filter(has_text="Service corridor behind the stage")
    row.get_by_role("link", name="Undo").click()
    expect(page.get_by_role("heading", name="Undo this edit?")).to_be_visible()
    page.get_by_role("button", name="Undo the edit").click()
    expect(done).to_contain_text("is as generated from the map again")
    expect(page.locator(".walkway-map path.ww-hit-add")).to_have_count(0)
    context.close()

    # On a desk, the same page: the map over the buildings, the edits listed.
    desk = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = desk.new_page()
    sign_in(page, server, SUPERVISOR)
    page.goto(f"{server}/patrol/walkways/cedar-hollow-hs/")
    expect(page.locator(".walkway-map path.ww-hit-change")).to_have_count(1)
    screenshot(page, "walkways-desktop")
    desk.close()
