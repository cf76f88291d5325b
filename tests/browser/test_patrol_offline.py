"""On a phone with no signal, an officer records a propped door with a photo at a stop: the
checklist opens from the phone's copy, is saved on the phone and says so, and is sent by
itself when the signal returns; the supervisor then sees the finding on the patrol board."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_patrol import OFFICER, SUPERVISOR, _door_tag_urls
from tests.browser.test_shell import VIEWPORTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

NOTE = "Propped with a chair; recorded with no signal."


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 90, 160)).save(buffer, format="JPEG")
    return buffer.getvalue()


def _end_shift(page: Any) -> None:
    """End the officer's running shift, if one is (another test may have left it running)."""
    end = page.get_by_role("button", name="End shift")
    if end.count():
        page.once("dialog", lambda dialog: dialog.accept())
        end.click()
        expect(page.get_by_role("button", name="Start shift")).to_be_visible()


def _start_shift(browser: Any, server: str) -> tuple[Any, Any]:
    """The officer on a phone, a fresh two-hour shift in the Main Building: (context, page)."""
    phone = browser.new_context(viewport=VIEWPORTS["phone"])
    page = phone.new_page()
    sign_in(page, server, OFFICER)
    page.goto(f"{server}/patrol/")
    _end_shift(page)
    page.get_by_label("Zone").select_option(label="Cedar Hollow High School – Main Building")
    page.get_by_label("Shift length (hours)").select_option("2")
    page.get_by_role("button", name="Start shift").click()
    expect(page.locator(".patrol-stop").get_by_text("Next stop")).to_be_visible()
    return phone, page


def test_a_finding_saved_with_no_signal_is_sent_when_it_returns(
    browser: Any, server: str, tmp_path: Path
) -> None:
    boss = browser.new_context(viewport=VIEWPORTS["desktop"])
    desk = boss.new_page()
    sign_in(desk, server, SUPERVISOR)
    desk.goto(f"{server}/schools/cedar-hollow-hs/")
    href = desk.get_by_role("link", name="Main Building").first.get_attribute("href")
    assert href is not None
    sheet = desk.request.get(f"{server}/patrol/tags/{href.rstrip('/').rsplit('/', 1)[-1]}.pdf")
    doors = [url for url in _door_tag_urls(sheet.body(), tmp_path) if ".door-" in url]
    assert len(doors) >= 2

    phone, page = _start_shift(browser, server)
    stop = page.locator(".patrol-stop")
    next_label = stop.locator("h1").inner_text()
    # The next stop's own tag, as its "tag missing or unreadable?" link holds it.
    next_tag = stop.locator("a[href*='via=manual']").get_attribute("href")
    # The patrol page installs the service worker and keeps the next stop's checklist.
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller")
    expect(page.locator("[data-kept-offline=yes]")).to_have_count(1)

    # At a door the check-in goes through; the checklist page keeps a copy of itself.
    page.goto(doors[1])
    page.wait_for_url("**/patrol/check/door-*/")
    label = page.locator("h1").inner_text()
    expect(page.locator("[data-kept-offline=yes]")).to_have_count(1)

    # The signal drops; the checklist still opens, from the phone's copy.
    phone.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", name=label)).to_be_visible()
    page.get_by_label("Propped open").check()
    page.get_by_label("Note (what you saw)").fill(NOTE)
    page.get_by_label("Photo of what is wrong").set_input_files(
        files=[{"name": "propped.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    page.get_by_role("button", name="Save checklist").click()
    status = page.locator("[data-checklist-status]")
    expect(status).to_contain_text("saved on this phone, will send when signal returns")
    expect(status).to_contain_text("1 checklist waiting")
    expect(page.get_by_role("button", name="Saved on this phone")).to_be_disabled()
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    page.evaluate("window.scrollTo(0, 0)")  # the sticky top bar where it belongs in the shot
    screenshot(page, "patrol-offline-queued-phone")

    # Still no signal at the next stop: its tag opens the offline page, which queues the
    # check-in and opens the stop's checklist from the copy kept of it.
    assert next_tag is not None
    page.goto(f"{server}{next_tag}")
    expect(page.get_by_role("heading", name="Check-in saved on this phone")).to_be_visible()
    queue = page.locator("[data-checklist-queue]")
    expect(queue).to_contain_text(
        "Saved on this phone, will send when signal returns: 1 checklist waiting."
    )
    screenshot(page, "patrol-offline-tag-phone")
    page.get_by_role("link", name="Open this stop's checklist").click()
    expect(page.get_by_role("heading", name=next_label)).to_be_visible()
    page.get_by_role("button", name="Save checklist").click()  # all in order
    expect(page.locator("[data-checklist-status]")).to_contain_text("2 checklists waiting")

    desk.goto(f"{server}/patrol/board/cedar-hollow-hs/")
    expect(desk.get_by_role("heading", name="Patrol board")).to_be_visible()
    expect(desk.locator("tr.finding", has_text=NOTE)).to_have_count(0)

    # The signal returns: the queue goes out by itself, oldest first.
    phone.set_offline(False)
    queue = page.locator("[data-checklist-queue]")
    expect(queue.locator(".sent")).to_have_count(2)
    expect(queue.locator(".sent").first).to_contain_text(f"{label}: 1 finding(s) recorded")
    expect(queue.locator(".sent").last).to_contain_text(f"{next_label}: all in order.")
    expect(queue).not_to_contain_text("waiting")
    expect(page.locator("[data-checklist-status]")).to_have_text(
        f"Sent: {next_label}: all in order."
    )
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "patrol-offline-sent-phone")
    assert (
        page.evaluate(
            "new Promise(r => indexedDB.open('vigil-patrol').onsuccess = e =>"
            " e.target.result.transaction('checklists').objectStore('checklists').count()"
            ".onsuccess = c => r(c.target.result))"
        )
        == 0
    )

    desk.goto(f"{server}/patrol/board/cedar-hollow-hs/")
    row = desk.locator("tr.finding", has_text=NOTE)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(label)
    expect(row).to_contain_text("propped")
    expect(row).to_contain_text("evidence #")
    screenshot(desk, "patrol-offline-board-desktop")

    # The patrol page sends the check-in queued on the offline page too.
    page.goto(f"{server}/patrol/")
    expect(page.locator(".patrol-stop").get_by_text("Next stop")).to_be_visible()
    page.wait_for_function("localStorage.getItem('vigil-patrol-queue') === '[]'")
    desk.goto(f"{server}/patrol/board/cedar-hollow-hs/")
    on_shift = desk.locator("section", has=desk.get_by_role("heading", name="On shift"))
    expect(on_shift.locator("tbody tr", has_text="Main Building")).to_contain_text(next_label)
    page.goto(f"{server}/patrol/")
    _end_shift(page)
    phone.close()
    boss.close()


def test_a_queued_checklist_the_server_refuses_stays_with_the_reason(
    browser: Any, server: str, tmp_path: Path
) -> None:
    phone, page = _start_shift(browser, server)
    stop = page.locator(".patrol-stop")
    manual = stop.locator("a[href*='via=manual']").get_attribute("href")
    page.goto(f"{server}{manual}")
    page.wait_for_url("**/patrol/check/*/")
    label = page.locator("h1").inner_text()

    # With no signal, a photo the phone mangled (not a picture at all) is saved all the same.
    phone.set_offline(True)
    page.get_by_label("Out (dark spot)").check()
    page.get_by_label("Photo of what is wrong").set_input_files(
        files=[{"name": "dark.jpg", "mimeType": "image/jpeg", "buffer": b"\xff\xd8 garbled"}]
    )
    page.get_by_role("button", name="Save checklist").click()
    expect(page.locator("[data-checklist-status]")).to_contain_text("1 checklist waiting")

    # The signal returns: the server refuses it, naming the photo; the phone keeps it.
    phone.set_offline(False)
    queue = page.locator("[data-checklist-queue]")
    expect(queue.locator(".refused")).to_contain_text(f"Not accepted: {label}")
    expect(queue.locator(".refused")).to_contain_text("photo: dark.jpg: the content of dark.jpg")
    status = page.locator("[data-checklist-status]")
    expect(status).to_contain_text("Not accepted – photo: dark.jpg")
    expect(page.get_by_role("button", name="Save checklist")).to_be_enabled()
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "patrol-offline-refused-phone")

    page.once("dialog", lambda dialog: dialog.accept())
    queue.get_by_role("button", name="Discard the ones not accepted").click()
    expect(queue).to_be_hidden()
    page.goto(f"{server}/patrol/")
    _end_shift(page)
    phone.close()
