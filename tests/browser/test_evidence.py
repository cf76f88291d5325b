"""Evidence on a phone: an officer uploads a photo, opens its page, says why they look at it,
sees the upright thumbnail and the custody log; a supervisor downloads the original with a
reason. Screenshots: test-output/screenshots/evidence-*.png."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests.browser.conftest import screenshot
from tests.browser.test_shell import sign_in
from vigil.demo.builder import DEMO_LOGINS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

OFFICER = next(login for login in DEMO_LOGINS if login.username == "officer")
SUPERVISOR = next(login for login in DEMO_LOGINS if login.username == "supervisor")
PHONE = {"width": 360, "height": 780}


def _photo(path: Path) -> Path:
    """A landscape photo the camera held sideways (EXIF orientation 6: stand it upright)."""
    image = Image.new("RGB", (640, 320), (200, 40, 40))
    image.paste((40, 40, 200), (320, 0, 640, 320))
    exif = Image.Exif()
    exif[0x010F] = "Acme"
    exif[0x0110] = "Acme PocketCam 2"
    exif[0x0112] = 6
    exif.get_ifd(0x8769)[0x9003] = "2026:11:02 10:05:00"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    path.write_bytes(buffer.getvalue())
    return path


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"


def test_officer_uploads_views_and_supervisor_downloads(
    browser: Any, server: str, tmp_path: Path
) -> None:
    photo = _photo(tmp_path / "bike-rack.jpg")
    officer = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = officer.new_page()
    sign_in(phone, server, OFFICER)
    phone.goto(f"{server}/evidence/upload/")
    phone.get_by_label("Title").fill("Bike rack, cut lock")
    phone.get_by_label("How it was collected").fill("Photographed at the bike rack")
    phone.get_by_label("File").set_input_files(str(photo))
    _fits(phone)
    phone.get_by_role("button", name="Upload").click()
    phone.wait_for_url("**/evidence/*/")
    page_text = phone.locator("main").inner_text()
    assert hashlib.sha256(photo.read_bytes()).hexdigest() in page_text
    assert "Acme PocketCam 2" in page_text
    assert "Photographed at the bike rack" in page_text  # the ingest custody entry
    _fits(phone)
    phone.get_by_label("Reason").fill("Checking the photo before writing the report")
    phone.get_by_role("button", name="Show the photo").click()
    thumbnail = phone.locator("img.ev-thumb")
    thumbnail.wait_for()
    # The element appears before its image has loaded: wait for the pixels, not the tag.
    phone.wait_for_function(
        "() => { const i = document.querySelector('img.ev-thumb');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    size = phone.evaluate(
        "() => { const i = document.querySelector('img.ev-thumb');"
        " return [i.naturalWidth, i.naturalHeight]; }"
    )
    assert size == [320, 640]  # upright: taller than wide
    assert "Checking the photo before writing the report" in phone.locator("main").inner_text()
    _fits(phone)
    screenshot(phone, "evidence-01-item-phone")
    item_url = phone.url

    supervisor = browser.new_context(viewport={"width": 1280, "height": 900})
    desk = supervisor.new_page()
    sign_in(desk, server, SUPERVISOR)
    desk.goto(item_url)
    desk.get_by_text("Download the original").click()
    desk.locator("#id_download-reason").fill("Copy for the district attorney")
    with desk.expect_download() as download_info:
        desk.get_by_role("button", name="Download original").click()
    saved = tmp_path / "download.jpg"
    download_info.value.save_as(saved)
    assert saved.read_bytes() == photo.read_bytes()
    desk.goto(item_url)
    assert "Copy for the district attorney" in desk.locator("main").inner_text()
    screenshot(desk, "evidence-02-item-desktop")
    officer.close()
    supervisor.close()
