"""Each demo role signs in on a phone and on a desktop and finds exactly its navigation."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django_otp.oath import TOTP

from tests.browser.conftest import screenshot
from vigil.core.permissions import ROLE_ACTIONS, TWO_FACTOR_ROLES
from vigil.demo.builder import DEFAULT_SEED, DEMO_LOGINS, DEMO_PASSWORD, DemoLogin, totp_key
from vigil.web.navigation import NAVIGATION

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

VIEWPORTS = {"phone": {"width": 360, "height": 780}, "desktop": {"width": 1280, "height": 900}}


def _expected_nav(login: DemoLogin) -> list[str]:
    actions = ROLE_ACTIONS[login.role]
    return [item.label for item in NAVIGATION if item.action is None or item.action in actions]


_LAST_STEP: dict[str, int] = {}


def _fresh_code(username: str) -> str:
    """A TOTP code this user has not used yet: django-otp rightly refuses a replayed code."""
    totp = TOTP(totp_key(DEFAULT_SEED, username))
    step = max(totp.t(), _LAST_STEP.get(username, -1) + 1)
    while step > totp.t() + 1:  # the server accepts at most one step ahead of its clock
        time.sleep(1)
        totp = TOTP(totp_key(DEFAULT_SEED, username))
    _LAST_STEP[username] = step
    totp.time = step * totp.step
    return str(totp.token()).zfill(6)


def sign_in(page: Any, server: str, login: DemoLogin) -> None:
    page.goto(f"{server}/login/")
    page.get_by_label("Username").fill(login.username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    if login.role in TWO_FACTOR_ROLES:
        page.wait_for_url("**/account/two-factor/**")
        page.get_by_label("6-digit code").fill(_fresh_code(login.username))
        page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{server}/")


@pytest.mark.parametrize("viewport", sorted(VIEWPORTS))
@pytest.mark.parametrize("login", DEMO_LOGINS, ids=lambda login: login.username)
def test_role_sees_its_navigation(
    browser: Any, server: str, login: DemoLogin, viewport: str
) -> None:
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    page = context.new_page()
    sign_in(page, server, login)
    nav = page.get_by_role("navigation", name="Main")
    if viewport == "phone":
        assert not nav.is_visible()  # folded away until asked for
        page.get_by_role("button", name="Menu").click()
    assert nav.is_visible()
    labels = [text.strip() for text in nav.get_by_role("link").all_inner_texts()]
    assert labels == _expected_nav(login)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Good ")
    # No horizontal scrolling on a phone: the page fits its viewport.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= VIEWPORTS[viewport]["width"]
    screenshot(page, f"shell-{login.username}-{viewport}")
    context.close()


def test_wrong_password_then_lockout_message(browser: Any, server: str) -> None:
    page = browser.new_page(viewport=VIEWPORTS["phone"])
    page.goto(f"{server}/login/")
    page.get_by_label("Username").fill("liaison")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().startswith("Please enter a correct username")
    screenshot(page, "login-error-phone")
    page.close()


def test_supervisor_reveals_a_phone_number_with_a_reason(browser: Any, server: str) -> None:
    login = next(x for x in DEMO_LOGINS if x.username == "supervisor")
    page = browser.new_page(viewport=VIEWPORTS["desktop"])
    sign_in(page, server, login)
    page.get_by_role("link", name="People").click()
    page.locator("table").get_by_role("link").first.click()
    page.get_by_label("Reason").fill("call-out: alarm at the gym")
    page.get_by_role("button", name="Reveal for 30 seconds").click()
    shown = page.locator("[data-expires-in]")
    shown.wait_for()
    assert "(530) 555-01" in shown.inner_text()
    screenshot(page, "reveal-phone-desktop")
    page.close()
