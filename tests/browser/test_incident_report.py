"""An officer writes an incident report on a phone with two photos and submits it; the
supervisor returns it with a comment; the officer fixes it and submits again; the supervisor
approves it; the court packet downloads and the first page of its PDF renders."""

from __future__ import annotations

import io
import os
import subprocess
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, screenshot
from tests.browser.test_shell import sign_in
from vigil.demo.builder import DEMO_LOGINS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

OFFICER = next(login for login in DEMO_LOGINS if login.username == "officer")
SUPERVISOR = next(login for login in DEMO_LOGINS if login.username == "supervisor")
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 900}
ZONE = ZoneInfo(os.environ.get("VIGIL_TIME_ZONE", "America/Los_Angeles"))


def _photo(path: Path, color: tuple[int, int, int], taken: datetime) -> Path:
    """A small JPEG as a phone takes it: with camera and capture time in its EXIF."""
    image = Image.new("RGB", (640, 480), color)
    image.paste((250, 250, 250), (40, 40, 240, 140))  # something to see in the thumbnail
    exif = Image.Exif()
    exif[0x010F] = "Acme"
    exif[0x0110] = "Acme PocketCam 2"
    exif.get_ifd(0x8769)[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    path.write_bytes(buffer.getvalue())
    return path


def _fits(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"


def test_officer_writes_supervisor_returns_then_approves_and_packet_renders(
    browser: Any, server: str, tmp_path: Path
) -> None:
    now = datetime.now(ZONE).replace(second=0, microsecond=0)
    started = now - timedelta(hours=1)
    photos = [
        _photo(tmp_path / "landing-1.jpg", (176, 48, 40), started + timedelta(minutes=5)),
        _photo(tmp_path / "landing-2.jpg", (40, 90, 170), started + timedelta(minutes=6)),
    ]

    # The officer, on a phone.
    officer = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = officer.new_page()
    sign_in(phone, server, OFFICER)
    phone.get_by_role("button", name="Menu").click()
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    phone.goto(f"{server}/incidents/new/")
    expect(phone.get_by_role("heading", name="New incident report")).to_be_visible()
    _fits(phone)
    screenshot(phone, "incident-00-new-report-phone")
    phone.get_by_label("Title").fill("Fight on the east stairwell")
    phone.get_by_label("13B Simple Assault").check()
    phone.get_by_label("Fight", exact=True).check()
    phone.locator("#id_area").select_option(index=1)
    phone.get_by_label("Location (free text)").fill("Between the first and second landing")
    phone.get_by_label("Occurred from").fill(started.strftime("%Y-%m-%dT%H:%M"))
    phone.get_by_label("Discovered").fill(started.strftime("%Y-%m-%dT%H:%M"))
    phone.get_by_role("button", name="Add a person").click()
    person = phone.locator("#people-rows [data-row]").last
    person.get_by_label("Role").select_option("offender")
    person.get_by_label("Kind").select_option("student")
    person.get_by_label("Name", exact=True).fill("Jordan Pell")
    person.get_by_label("Juvenile (under 18)").check()
    phone.get_by_role("button", name="Add a person").click()
    witness = phone.locator("#people-rows [data-row]").last
    witness.get_by_label("Role").select_option("witness")
    witness.get_by_label("Kind").select_option("staff")
    witness.get_by_label("Description (when the name is unknown)").fill("Custodian on duty")
    narrative = phone.get_by_label("Narrative", exact=True)
    narrative.fill("I think the student was obviously the aggressor.")
    # The facts-only helper flags opinions and conclusions as the officer writes.
    hints = phone.locator("#facts-hints")
    expect(hints).to_contain_text("obviously", timeout=10_000)
    expect(hints).to_contain_text("I think")
    phone.get_by_role("textbox", name="Actions taken").fill(
        "Separated the students; escorted both to the office."
    )
    phone.get_by_role("button", name="Add a notification").click()
    note = phone.locator("#notifications-rows [data-row]").last
    note.get_by_label("Who").select_option("administrator")
    note.get_by_label("When").fill((started + timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M"))
    note.get_by_label("Name or agency").fill("Assistant Principal")
    note.get_by_label("Notified by").fill("Officer on duty")
    _fits(phone)
    screenshot(phone, "incident-01-officer-writes-phone")
    phone.get_by_role("button", name="Save draft").click()

    expect(phone.get_by_text("saved.")).to_be_visible()
    report_url = phone.url
    heading = phone.get_by_role("heading", level=1)
    expect(heading).to_contain_text("Fight on the east stairwell")
    number = heading.inner_text().split(" · ")[0]
    phone.get_by_label("Add photos").set_input_files([str(p) for p in photos])
    phone.get_by_role("button", name="Upload photos").click()
    expect(phone.get_by_text("2 photos added.")).to_be_visible()
    thumbnails = phone.locator(".ir-photos img")
    expect(thumbnails).to_have_count(2)
    for i in range(2):
        expect(thumbnails.nth(i)).to_have_js_property("complete", True)
        assert thumbnails.nth(i).evaluate("img => img.naturalWidth") > 0
    expect(phone.locator(".ir-photos")).to_contain_text("Acme PocketCam 2")
    _fits(phone)
    screenshot(phone, "incident-02-draft-with-photos-phone")
    phone.get_by_role("button", name="Submit for review").click()
    expect(phone.get_by_text(f"Report {number} submitted for review.")).to_be_visible()
    expect(phone.get_by_role("link", name="Edit")).to_have_count(0)

    # The supervisor, at a desk, returns it.
    supervisor = browser.new_context(viewport=DESKTOP)
    desk = supervisor.new_page()
    sign_in(desk, server, SUPERVISOR)
    desk.goto(report_url)
    expect(desk.get_by_text("Submitted for review").first).to_be_visible()
    expect(desk.get_by_text("Jordan Pell")).to_have_count(0)  # names need a stated reason
    desk.get_by_label("Reason").fill("Reviewing the report before approval")
    desk.get_by_role("button", name="Show people involved").click()
    expect(desk.get_by_text("Jordan Pell")).to_be_visible()
    comment = "Rewrite the narrative without opinions: say what you saw."
    desk.get_by_label("What should the author fix?").fill(comment)
    screenshot(desk, "incident-03-supervisor-returns-desktop")
    desk.get_by_role("button", name="Return to author").click()
    expect(desk.get_by_text(f"Report {number} returned to its author.")).to_be_visible()

    # The officer reads the comment and fixes the narrative.
    phone.goto(report_url)
    expect(phone.get_by_text(comment)).to_be_visible()
    expect(phone.get_by_text("Returned for changes").first).to_be_visible()
    phone.get_by_role("link", name="Edit").click()
    expect(phone.get_by_text(comment)).to_be_visible()
    phone.get_by_label("Narrative", exact=True).fill(
        "At 10:42 I saw Jordan Pell punch another student twice on the landing."
    )
    screenshot(phone, "incident-04-officer-fixes-phone")
    phone.get_by_role("button", name="Save draft").click()
    expect(phone.get_by_text(f"Report {number} saved.")).to_be_visible()
    phone.get_by_role("button", name="Submit for review").click()
    expect(phone.get_by_text(f"Report {number} submitted for review.")).to_be_visible()

    # The supervisor approves it.
    desk.goto(report_url)
    desk.get_by_role("button", name="Approve").click()
    expect(desk.get_by_text(f"Report {number} approved and locked.")).to_be_visible()
    expect(desk.locator("h1 + p")).to_contain_text("Approved")
    screenshot(desk, "incident-05-approved-desktop")
    versions = desk.locator("#ver-h + ol li")
    expect(versions).to_have_count(8)  # created, 2 photos, submitted, returned, edited, ...
    desk.get_by_role("link", name="Version 1", exact=True).click()
    expect(desk.get_by_text("The stored content matches its hash")).to_be_visible()
    expect(desk.get_by_text("obviously the aggressor")).to_be_visible()
    desk.go_back()

    # The court packet downloads and its PDF renders.
    packet = desk.get_by_role("link", name="Court packet")
    if packet.count() == 0:
        pytest.fail("the court packet view is not linked from an approved report")
    packet.click()
    desk.get_by_label("Reason").fill("Requested by the district hearing officer")
    with desk.expect_download() as download_info:
        desk.get_by_role("button", name="Download court packet (ZIP)").click()
    archive = tmp_path / "packet.zip"
    download_info.value.save_as(archive)
    with zipfile.ZipFile(archive) as bundle:
        names = bundle.namelist()
        pdf_name = next(name for name in names if name.endswith(".pdf"))
        (tmp_path / "packet.pdf").write_bytes(bundle.read(pdf_name))
        assert any(name.endswith("verify.py") for name in names)
        assert sum(name.endswith(".jpg") for name in names) >= 2
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    png = SCREENSHOTS / "incident-06-packet-page-1.png"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
         str(tmp_path / "packet.pdf"), str(png.with_suffix(""))],
        check=True,
    )  # fmt: skip
    pixels = np.asarray(Image.open(png).convert("L")).astype(int)
    assert int((pixels < 128).sum()) > 2000, "the first page of the packet is blank"
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(tmp_path / "packet.pdf"), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert number in text
    officer.close()
    supervisor.close()
