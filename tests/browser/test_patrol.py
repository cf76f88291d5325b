"""On a phone, an officer starts a shift, sees only the next stop, checks in by scanning a
printed QR tag (the supervisor's tag sheet, decoded from the PDF), records a propped door with
a photo; the supervisor sees the finding on the patrol board."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_shell import VIEWPORTS, sign_in
from vigil.demo.builder import DEMO_LOGINS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

OFFICER = next(login for login in DEMO_LOGINS if login.username == "officer")
SUPERVISOR = next(login for login in DEMO_LOGINS if login.username == "supervisor")


def _door_tag_urls(pdf: bytes, tmp: Path) -> list[str]:
    """The URLs of the QR codes on the first page of a tag sheet, read as a phone would."""
    (tmp / "tags.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "150",
            "-f",
            "1",
            "-l",
            "1",
            str(tmp / "tags.pdf"),
            str(tmp / "p"),
        ],
        check=True,
    )
    image = Image.open(next(tmp.glob("p*.png")))
    return [code.text for code in zxingcpp.read_barcodes(image)]


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (180, 60, 40)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_officer_patrols_by_qr_and_reports_a_propped_door(
    browser: Any, server: str, tmp_path: Path
) -> None:
    # The supervisor prints the Main Building's tags.
    boss = browser.new_context(viewport=VIEWPORTS["desktop"])
    desk = boss.new_page()
    sign_in(desk, server, SUPERVISOR)
    desk.goto(f"{server}/patrol/board/cedar-hollow-hs/")
    expect(desk.get_by_role("heading", name="Patrol board")).to_be_visible()
    # The building id comes from the school page's link to it.
    desk.goto(f"{server}/schools/cedar-hollow-hs/")
    href = desk.get_by_role("link", name="Main Building").first.get_attribute("href")
    assert href is not None
    building_pk = href.rstrip("/").rsplit("/", 1)[-1]
    sheet = desk.request.get(f"{server}/patrol/tags/{building_pk}.pdf")
    assert sheet.ok
    assert sheet.headers["content-type"] == "application/pdf"
    urls = _door_tag_urls(sheet.body(), tmp_path)
    assert len(urls) >= 6
    door_url = next(url for url in urls if ".door-" in url)

    phone = browser.new_context(viewport=VIEWPORTS["phone"])
    page = phone.new_page()
    sign_in(page, server, OFFICER)
    page.goto(f"{server}/patrol/")
    page.get_by_label("Zone").select_option(label="Cedar Hollow High School – Main Building")
    page.get_by_label("Shift length (hours)").select_option("2")
    screenshot(page, "patrol-start-phone")
    page.get_by_role("button", name="Start shift").click()
    stop = page.locator(".patrol-stop")
    expect(stop.get_by_text("Next stop")).to_be_visible()
    expect(stop.locator("h1")).not_to_be_empty()
    expect(stop.locator(".patrol-why")).not_to_be_empty()
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    screenshot(page, "patrol-next-stop-phone")

    # The phone's camera opens the door tag's URL; the page checks in on its own.
    page.goto(door_url)
    page.wait_for_url("**/patrol/check/door-*/")
    expect(page.get_by_text("Checked in at Door")).to_be_visible()
    page.get_by_label("Propped open").check()
    page.get_by_label("Note (what you saw)").fill("Wedged open with a rubber stop.")
    page.get_by_label("Photo of what is wrong").set_input_files(
        files=[{"name": "propped.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    screenshot(page, "patrol-checklist-phone")
    page.get_by_role("button", name="Save checklist").click()
    page.wait_for_url(f"{server}/patrol/")
    expect(page.get_by_text("1 finding(s) recorded")).to_be_visible()
    # The walk from the door to the next stop, on a small map (that leg only).
    expect(page.locator(".route-map path.map-next")).to_be_visible()
    expect(page.locator(".route-map path.map-here")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS["phone"]["width"]
    screenshot(page, "patrol-after-finding-phone")

    desk.goto(f"{server}/patrol/board/cedar-hollow-hs/")
    row = desk.locator("tr.finding", has_text="propped")
    expect(row).to_be_visible()
    expect(row).to_contain_text("Wedged open with a rubber stop.")
    on_shift = desk.locator("section", has=desk.get_by_role("heading", name="On shift"))
    expect(on_shift.locator("tbody tr", has_text="Main Building")).to_contain_text("Door 1")
    screenshot(desk, "patrol-board-desktop")

    # Coverage: the walked stop on the map, heat-coloured like its row in the table.
    desk.goto(f"{server}/patrol/coverage/cedar-hollow-hs/")
    expect(desk.get_by_role("heading", name="On the map")).to_be_visible()
    dots = desk.locator(
        ".coverage-map path.map-ok, .coverage-map path.map-close, .coverage-map path.map-missed"
    )
    expect(dots.first).to_be_visible()
    assert dots.count() == desk.locator("tbody tr").count()
    heat = desk.locator(".coverage-map path.map-ok").first
    assert heat.get_attribute("fill") == "#22c55e"
    screenshot(desk, "patrol-coverage-desktop")

    # The week: every stop at its worst day, on the same kind of map.
    desk.goto(f"{server}/patrol/week/cedar-hollow-hs/")
    expect(desk.get_by_role("heading", name="Coverage over the week")).to_be_visible()
    expect(desk.locator(".coverage-map path.map-ok").first).to_be_visible()
    screenshot(desk, "patrol-week-desktop")
    phone.close()
    boss.close()
