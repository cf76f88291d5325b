"""On a phone, an officer reveals an alarm code with their password and a reason; it hides
itself after 30 seconds. The page's clock is Playwright's, so no test waits 30 real seconds."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_shell import VIEWPORTS, sign_in
from vigil.demo.builder import DEMO_LOGINS, DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

OFFICER = next(login for login in DEMO_LOGINS if login.username == "officer")


def test_officer_reveals_a_code_that_hides_after_30_seconds(browser: Any, server: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    page.clock.install()
    sign_in(page, server, OFFICER)
    page.goto(f"{server}/vault/")
    row = page.locator("li.vault-row", has_text="Night arm/disarm – security").first
    row.get_by_role("link", name="Reveal").click()
    page.get_by_label("Your password").fill(DEMO_PASSWORD)
    page.get_by_label("Reason").fill("alarm call-out, gym, 02:10")
    # From here the page's time moves only when the test says so.
    page.clock.pause_at(page.evaluate("Date.now()") + 1000)
    page.get_by_role("button", name="Reveal for 30 seconds").click()
    secret = page.locator("[data-secret]")
    expect(secret).to_have_text(re.compile(r"^\d{4}$"))
    expect(page.locator("[data-countdown]")).to_have_text("30")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    screenshot(page, "vault-revealed-phone")
    page.clock.run_for(29_000)
    expect(page.locator("[data-countdown]")).to_have_text("1")
    expect(secret).to_be_visible()
    page.clock.run_for(1_000)
    expect(secret).to_have_count(0)
    expect(page.locator("#revealed-code")).to_contain_text("Hidden again")
    screenshot(page, "vault-hidden-phone")
    context.close()
