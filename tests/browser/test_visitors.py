"""At the front desk on a tablet: check in by pasted AAMVA text, compare a screening match,
clear it, print the badge (PDF → PNG, kept and checked), and sign out by the badge's QR URL."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.browser.test_shell import sign_in
from vigil.demo.builder import DEMO_LOGINS
from vigil.visitors.tests.helpers import scan_of

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

FRONT_DESK = next(login for login in DEMO_LOGINS if login.username == "frontdesk")
TABLET = {"width": 1024, "height": 768}


def test_front_desk_checks_in_reviews_prints_and_signs_out(
    browser: Any, server: str, tmp_path: Path
) -> None:
    context = browser.new_context(viewport=TABLET)
    page = context.new_page()
    sign_in(page, server, FRONT_DESK)
    page.get_by_role("link", name="Visitors").click()
    page.get_by_role("link", name="Willow Creek Elementary School").click()
    page.get_by_role("link", name="Check in a visitor").click()
    # The demo's custody order at the elementary school: Merrick Kettleby, born 1984-07-21.
    # The card as typed has two digits of the day transposed.
    page.get_by_label("Scanned ID").fill(scan_of("KETTLEBY", "MERRICK", date(1984, 7, 12)))
    page.get_by_label("Purpose of visit").fill("Pick up a student")
    page.get_by_label("Host or destination").fill("Main office")
    page.get_by_label("Expected duration (minutes)").fill("20")
    photo = tmp_path / "camera.png"
    face = Image.new("RGB", (480, 640), "#d9c2a7")
    face.paste((52, 84, 140), (0, 440, 480, 640))  # a blue jacket, to find on the badge
    face.save(photo)
    page.get_by_label("Visitor photo").set_input_files(str(photo))
    screenshot(page, "visitors-check-in-tablet")
    page.get_by_role("button", name="Check in").click()

    page.wait_for_url("**/review/")
    expect(page.get_by_role("heading", name="Screening review")).to_be_visible()
    candidate = page.locator("section.card", has_text="Custody order")
    expect(candidate).to_contain_text("Merrick Kettleby")
    expect(candidate).to_contain_text("12 Jul 1984")
    expect(candidate).to_contain_text("21 Jul 1984")
    expect(candidate).to_contain_text("Grade 2, room 4")
    screenshot(page, "visitors-review-tablet")
    candidate.get_by_label("Not a match").check()
    candidate.get_by_label("Reason").fill("Different person: photo and middle name on file differ")
    candidate.get_by_role("button", name="Record decision").click()

    expect(page.get_by_text("Screening cleared. The badge can be printed.")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("Admitted")
    badge_link = page.get_by_role("link", name="Print badge (2.25″ × 4″)")
    pdf = page.request.get(server + badge_link.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    (tmp_path / "badge.pdf").write_bytes(pdf.body())
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    png = SCREENSHOTS / "visitors-badge-label.png"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", str(tmp_path / "badge.pdf"),
         str(png.with_suffix(""))],
        check=True,
    )  # fmt: skip
    image = Image.open(png).convert("RGB")
    assert image.size == (600, 338)
    pixels = np.asarray(image).astype(int)
    assert int((pixels.sum(axis=2) < 200).sum()) > 5000, "the badge is blank"
    jacket = (abs(pixels[:, :, 0] - 52) < 20) & (abs(pixels[:, :, 2] - 140) < 20)
    assert int(jacket.sum()) > 1000, "the visitor's photo is not on the badge"
    [qr] = zxingcpp.read_barcodes(image, formats=zxingcpp.barcode_formats_from_str("QRCode"))
    assert qr.text.startswith(f"{server}/visitors/out/")

    page.goto(qr.text)
    page.get_by_role("button", name="Sign out Merrick").click()
    expect(page.get_by_role("status")).to_contain_text("Signed out at")
    screenshot(page, "visitors-signed-out-tablet")
    page.goto(f"{server}/visitors/school/willow-creek-es/")
    expect(page.locator("table.vis-roster")).not_to_contain_text("Merrick Kettleby")
    context.close()
