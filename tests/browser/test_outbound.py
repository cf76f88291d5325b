"""On a phone, the systems administrator adds a signed webhook target: a short secret is refused
with the field named, then the target shows on the outbound diagnostics page with its warning."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_shell import VIEWPORTS, sign_in
from vigil.demo.builder import DEMO_LOGINS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ADMIN = next(login for login in DEMO_LOGINS if login.username == "admin")


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_admin_adds_a_webhook_target(browser: Any, server: str, viewport: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()
    sign_in(page, server, ADMIN)
    page.goto(f"{server}/integrations/outbound/")
    expect(page.get_by_role("heading", name="Outbound events")).to_be_visible()
    page.get_by_role("link", name="Add a target").click()
    name = f"County dispatch ({viewport})"
    page.get_by_label("Name").fill(name)
    page.get_by_label("Kind").select_option("webhook")
    page.get_by_label("URL").fill("http://dispatch.county.example/hooks/vigil/")
    page.get_by_label("Secret").fill("too-short")
    page.get_by_label("Minimum severity").select_option("4")
    page.get_by_role("checkbox", name="Fire").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").filter(has_text="Secret: Use at least 32")).to_be_visible()
    page.get_by_label("Secret").fill("a-long-shared-secret-for-county-dispatch-2026")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"{name} saved.")).to_be_visible()
    target = page.locator("article.outbound-target", has_text=name)
    expect(target).to_contain_text("http://dispatch.county.example/hooks/vigil/")
    expect(target.locator("dd").nth(2)).to_have_text("Fire")  # the types it wants
    expect(target).to_contain_text("0 pending · 0 sent · 0 failed")
    expect(target).to_contain_text("The URL is plain http")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    screenshot(page, f"outbound-diagnostics-{viewport}")
    context.close()
