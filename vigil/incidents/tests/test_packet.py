"""The court packet: what it holds, that verify.py passes on it with the standard library
alone, that it names the first altered file or entry, and that the PDF renders."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from PIL import Image

from vigil.accounts.models import User
from vigil.core.models import AuditEntry
from vigil.evidence.models import CustodyEntry
from vigil.evidence.tests.reports import Sample, sample_report
from vigil.incidents import services
from vigil.incidents.packet import PacketError, build_packet
from vigil.incidents.snapshot import canonical_json

# Uploads are stored under each test's own folder (media_root).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

PYTHON = shutil.which("python3") or "/usr/bin/python3"
REASON = "Subpoena from the county district attorney, case SO-26-11873"


@pytest.fixture
def sample() -> Sample:
    return sample_report()


def _packet(sample: Sample, out: Path) -> tuple[Path, Path, str]:
    stdout = io.StringIO()
    call_command(
        "incidents",
        "packet",
        str(sample.report.pk),
        str(out),
        "--reason",
        REASON,
        "--user",
        "supervisor",
        stdout=stdout,
    )
    pdf_line, zip_line, summary = stdout.getvalue().splitlines()
    return Path(pdf_line), Path(zip_line), summary.split("manifest SHA-256 ")[1].split()[0]


def _unpack(zip_path: Path, into: Path) -> Path:
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(into)
    return into


def _verify(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # The system interpreter in isolated mode, in the unpacked folder: no Vigil on the path.
    return subprocess.run(
        [PYTHON, "-I", "verify.py", *args],
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_the_packet_holds_everything_and_verifies(sample: Sample, tmp_path: Path) -> None:
    pdf_path, zip_path, digest = _packet(sample, tmp_path / "out")
    number = sample.report.number
    assert pdf_path.name == f"{number}-court-packet.pdf"
    assert zip_path.name == f"{number}-court-packet.zip"
    directory = _unpack(zip_path, tmp_path / "unpacked")
    names = sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())
    versions = sample.report.versions.count()
    assert versions == 8  # created, 2 attached, submitted, returned, edited, submitted, approved
    assert names == sorted(
        [
            f"{number}-court-packet.pdf",
            "README.txt",
            "SHA256SUMS",
            f"files/{sample.photo.pk}-hallway.jpg",
            f"files/{sample.document.pk}-statement.pdf",
            "manifest.json",
            "provenance.jsonld",
            *[f"report/version-{n:03d}.json" for n in range(1, versions + 1)],
            "verify.py",
        ]
    )
    assert (directory / f"{number}-court-packet.pdf").read_bytes() == pdf_path.read_bytes()
    raw = (directory / "manifest.json").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == digest
    manifest = json.loads(raw)
    assert manifest["format"] == "vigil-court-packet/1"
    assert manifest["created_by"] == "supervisor"
    assert manifest["reason"] == REASON
    report = manifest["report"]
    assert [v["change"] for v in report["versions"]] == [
        "created",
        "evidence attached",
        "evidence attached",
        "submitted",
        "returned",
        "edited",
        "submitted",
        "approved",
    ]
    assert report["versions"][4]["comment"] == "Say how the fight ended and who separated them."
    for version in sample.report.versions.all():
        stored = (directory / f"report/version-{version.number:03d}.json").read_bytes()
        assert stored == canonical_json(version.content)
        assert hashlib.sha256(stored).hexdigest() == version.sha256
    assert [a["number"] for a in report["addenda"]] == [1]
    # Each item's chain ends with the export, with the stated reason, by the supervisor.
    photo = manifest["items"][0]
    assert photo["sha256"] == sample.photo.sha256
    assert [e["action"] for e in photo["custody"]] == ["ingest", "export"]
    assert photo["custody"][-1]["reason"] == REASON
    assert photo["custody"][-1]["actor_label"] == "supervisor"
    last = CustodyEntry.objects.get(item=sample.photo, seq=2)
    assert photo["chain_head"] == {"seq": 2, "hash": last.hash}
    assert photo["camera"] == "Acme PocketCam 2"
    assert photo["gps"] == [pytest.approx(37.775), pytest.approx(-122.42)]
    # The export is in the audit log, with the reason.
    entry = AuditEntry.objects.filter(action="export", object_id=str(sample.report.pk)).get()
    assert entry.reason == REASON
    assert entry.actor_label == "supervisor"

    result = _verify(directory, "--manifest-sha256", digest)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == (
        "PASS 2 files, 4 custody entries, 8 report versions, 1 addenda and "
        f"{len(names) - 1} listed files verified."
    )
    # The ZIP itself, unopened, verifies too.
    from_zip = _verify(directory, str(zip_path))
    assert from_zip.returncode == 0, from_zip.stdout


def test_the_provenance_record_speaks_case_uco(sample: Sample, tmp_path: Path) -> None:
    _, zip_path, digest = _packet(sample, tmp_path / "out")
    with zipfile.ZipFile(zip_path) as archive:
        record = json.loads(archive.read("provenance.jsonld"))
        pdf_bytes = archive.read(f"{sample.report.number}-court-packet.pdf")
    context = record["@context"]
    assert context["case-investigation"] == "https://ontology.caseontology.org/case/investigation/"
    assert context["uco-core"] == "https://ontology.unifiedcyberontology.org/uco/core/"
    assert context["uco-observable"] == "https://ontology.unifiedcyberontology.org/uco/observable/"
    assert context["uco-action"] == "https://ontology.unifiedcyberontology.org/uco/action/"
    graph = record["@graph"]
    by_type: dict[str, list[dict[str, Any]]] = {}
    for node in graph:
        by_type.setdefault(node["@type"], []).append(node)
    (investigation,) = by_type["case-investigation:Investigation"]
    assert investigation["uco-core:name"] == sample.report.number
    records = by_type["case-investigation:ProvenanceRecord"]
    assert [r["case-investigation:exhibitNumber"] for r in records] == [
        f"{sample.report.number}-E1",
        f"{sample.report.number}-E2",
    ]
    hashes = {
        node["uco-core:name"]: facet["uco-observable:hash"][0]
        for node in by_type["uco-observable:File"]
        for facet in node["uco-core:hasFacet"]
        if facet["@type"] == "uco-observable:ContentDataFacet"
    }
    assert hashes["hallway.jpg"]["uco-types:hashValue"] == {
        "@type": "xsd:hexBinary",
        "@value": sample.photo.sha256,
    }
    assert hashes["hallway.jpg"]["uco-types:hashMethod"]["@value"] == "SHA256"
    assert hashes["manifest.json"]["uco-types:hashValue"]["@value"] == digest
    pdf_hash = hashes[f"{sample.report.number}-court-packet.pdf"]["uco-types:hashValue"]["@value"]
    assert pdf_hash == hashlib.sha256(pdf_bytes).hexdigest()
    actions = by_type["case-investigation:InvestigativeAction"]
    assert len(actions) == 5  # 2 + 2 custody entries and the export of the packet
    export = actions[-1]
    assert export["uco-core:name"] == "Court packet exported"
    assert export["uco-core:description"] == REASON
    performers = {node["@id"]: node["uco-core:name"] for node in by_type["uco-identity:Identity"]}
    assert performers[export["uco-action:performer"]["@id"]] == "supervisor"
    ingest = actions[0]
    assert performers[ingest["uco-action:performer"]["@id"]] == "officer"
    assert ingest["uco-action:startTime"]["@type"] == "xsd:dateTime"
    ids = {node["@id"] for node in graph}
    assert {ref["@id"] for ref in investigation["uco-core:object"]} == ids - {
        investigation["@id"]
    } - {
        node["@id"] for node in graph if node["@type"] in ("uco-identity:Identity", "uco-tool:Tool")
    }


def _tampered(sample: Sample, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    _, zip_path, _ = _packet(sample, tmp_path / "out")
    directory = _unpack(zip_path, tmp_path / "unpacked")
    return directory, json.loads((directory / "manifest.json").read_text())


def _rewrite(directory: Path, manifest: dict[str, Any]) -> None:
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))


def test_one_changed_byte_of_an_evidence_file_is_named(sample: Sample, tmp_path: Path) -> None:
    directory, _ = _tampered(sample, tmp_path)
    target = directory / "files" / f"{sample.photo.pk}-hallway.jpg"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    result = _verify(directory)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == (
        f"FAIL file files/{sample.photo.pk}-hallway.jpg (item {sample.photo.pk}): SHA-256 is "
        f"{hashlib.sha256(bytes(data)).hexdigest()}, the manifest says {sample.photo.sha256}"
    )


def test_one_changed_byte_of_the_pdf_is_named(sample: Sample, tmp_path: Path) -> None:
    directory, _ = _tampered(sample, tmp_path)
    name = f"{sample.report.number}-court-packet.pdf"
    data = bytearray((directory / name).read_bytes())
    data[200] ^= 0x01
    (directory / name).write_bytes(bytes(data))
    result = _verify(directory)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1].startswith(f"FAIL file {name}: SHA-256 is ")


def test_one_changed_report_version_file_is_named(sample: Sample, tmp_path: Path) -> None:
    directory, _ = _tampered(sample, tmp_path)
    path = directory / "report" / "version-006.json"
    content = json.loads(path.read_text())
    content["narrative"] = content["narrative"].replace("push", "shove")
    path.write_text(json.dumps(content))
    result = _verify(directory)
    assert result.returncode == 1
    version = sample.report.versions.get(number=6)
    assert result.stdout.splitlines()[-1] == (
        "FAIL report version 6 (report/version-006.json): its content hashes to "
        f"{hashlib.sha256(canonical_json(content)).hexdigest()}, the manifest says "
        f"{version.sha256}"
    )


def test_one_changed_manifest_entry_is_named(sample: Sample, tmp_path: Path) -> None:
    # A custody entry's reason.
    directory, manifest = _tampered(sample, tmp_path)
    manifest["items"][1]["custody"][0]["reason"] = "Found in a drawer"
    _rewrite(directory, manifest)
    result = _verify(directory)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == (
        f"FAIL custody entry #1 of item {sample.document.pk}: contents do not match its hash "
        "(the entry was altered)"
    )


def test_a_version_removed_from_the_chain_is_named(sample: Sample, tmp_path: Path) -> None:
    directory, manifest = _tampered(sample, tmp_path)
    del manifest["report"]["versions"][4]  # the return, with its comment
    for later in manifest["report"]["versions"][4:]:
        later["number"] -= 1
    _rewrite(directory, manifest)
    result = _verify(directory)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == (
        "FAIL report version 5 (report/version-006.json): previous-version link does not "
        "match the version before"
    )


def test_a_changed_addendum_is_named(sample: Sample, tmp_path: Path) -> None:
    directory, manifest = _tampered(sample, tmp_path)
    manifest["report"]["addenda"][0]["text"] = "Nothing happened."
    _rewrite(directory, manifest)
    result = _verify(directory)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == (
        "FAIL addendum 1: its signature does not match its text, author and time"
    )


def test_a_changed_manifest_fails_the_digest_on_the_certification_page(
    sample: Sample, tmp_path: Path
) -> None:
    _, zip_path, digest = _packet(sample, tmp_path / "out")
    directory = _unpack(zip_path, tmp_path / "unpacked")
    manifest = json.loads((directory / "manifest.json").read_text())
    manifest["reason"] = "Nobody asked"
    _rewrite(directory, manifest)
    result = _verify(directory, "--manifest-sha256", digest)
    assert result.returncode == 1
    assert result.stdout.startswith("FAIL manifest.json: SHA-256 is ")
    # Without the digest, SHA256SUMS still names it.
    plain = _verify(directory)
    assert plain.returncode == 1
    assert plain.stdout.splitlines()[-1].startswith("FAIL file manifest.json: SHA-256 is ")


def test_the_pdf_renders(sample: Sample, tmp_path: Path) -> None:
    pdf_path, _, digest = _packet(sample, tmp_path / "out")
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    prefix = tmp_path / "page"
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "2", str(pdf_path), str(prefix)],
        check=True,
        timeout=60,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2
    kept = Path(settings.BASE_DIR) / "test-output" / "screenshots"
    kept.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf_path, kept / "court-packet.pdf")
    for number, page_png in enumerate(pages, start=1):
        shutil.copy(page_png, kept / f"court-packet-page-{number}.png")
    with Image.open(pages[0]) as page:
        assert page.size == (425, 550)  # US Letter at 50 dpi
        darkest = page.convert("L").getextrema()[0]
    assert isinstance(darkest, int)
    assert darkest < 64  # there is dark text on it
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Court packet" in text
    assert sample.report.number in text
    assert digest in text  # on the cover and on the certification page
    assert "SO-26-11873" in text
    assert "13B" in text
    assert "Simple Assault" in text
    assert "Student A" in text
    assert "Say how the fight ended" in text
    assert "sheriff's deputy collected" in text
    assert sample.photo.sha256[:32] in text.replace(" ", "")
    assert "Acme PocketCam 2" in text
    assert "Certification of records" in text


def test_the_photo_in_the_pdf_stands_upright(sample: Sample) -> None:
    from vigil.incidents.packet.bundle import thumbnail_jpeg

    data = thumbnail_jpeg(sample.photo)
    assert data is not None
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (48, 96)  # the 96×48 original turned by its EXIF orientation
        red = image.getpixel((24, 10))
        blue = image.getpixel((24, 86))
    assert isinstance(red, tuple)
    assert isinstance(blue, tuple)
    assert red[0] > 150
    assert red[2] < 100
    assert blue[2] > 150
    assert blue[0] < 100


def test_only_exporters_at_the_school_may_make_a_packet(sample: Sample, tmp_path: Path) -> None:
    before = CustodyEntry.objects.count()
    out = tmp_path / "out"
    for username in ("officer", "principal", "officer2"):
        user = User.objects.get(username=username)
        with pytest.raises(PacketError, match="You may not export report"):
            build_packet(actor=user, report=sample.report, out_dir=out, reason=REASON)
        denied = AuditEntry.objects.filter(action="denied", actor_label=username).last()
        assert denied is not None
        assert denied.object_id == str(sample.report.pk)
    assert CustodyEntry.objects.count() == before
    assert not out.exists()


def test_a_reason_is_required(sample: Sample, tmp_path: Path) -> None:
    with pytest.raises(PacketError) as refused:
        build_packet(
            actor=sample.supervisor, report=sample.report, out_dir=tmp_path, reason="court"
        )
    assert refused.value.field == "reason"
    with pytest.raises(CommandError, match="report: no incident report 999999"):
        call_command("incidents", "packet", "999999", str(tmp_path))


def test_the_number_names_the_report_on_the_command_line(sample: Sample, tmp_path: Path) -> None:
    stdout = io.StringIO()
    call_command("incidents", "packet", sample.report.number, str(tmp_path), stdout=stdout)
    lines = stdout.getvalue().splitlines()
    assert lines[0].endswith(".pdf")
    assert lines[1].endswith(".zip")
    entry = CustodyEntry.objects.filter(item=sample.photo).order_by("-seq").first()
    assert entry is not None
    assert (entry.action, entry.actor_label) == ("export", "system (command line)")
    assert entry.reason == "Court packet exported from the command line"


def test_a_version_altered_in_the_database_is_named_in_the_packet(
    sample: Sample, tmp_path: Path
) -> None:
    version = sample.report.versions.get(number=3)
    content = dict(version.content)
    content["narrative"] = "Nothing happened."
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE incidents_reportversion SET content = %s WHERE id = %s",
            [json.dumps(content), version.pk],
        )
    _, zip_path, _ = _packet(sample, tmp_path / "out")
    directory = _unpack(zip_path, tmp_path / "unpacked")
    result = _verify(directory)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == (
        "FAIL report version 3 (report/version-003.json): its content hashes to "
        f"{hashlib.sha256(canonical_json(content)).hexdigest()}, the manifest says "
        f"{version.sha256}"
    )


def test_an_addendum_signed_on_a_local_clock_verifies(sample: Sample, tmp_path: Path) -> None:
    # The signature covers the time in UTC, so a clock in the district's zone (as the demo
    # builder uses) signs the same text the database gives back.
    local = timezone.localtime(timezone.now())
    assert local.utcoffset() != timedelta(0)
    with mock.patch.object(timezone, "now", return_value=local):
        services.addendum_add(actor=sample.officer, report=sample.report, text="Second fact.")
    _, zip_path, _ = _packet(sample, tmp_path / "out")
    directory = _unpack(zip_path, tmp_path / "unpacked")
    result = _verify(directory)
    assert result.returncode == 0, result.stdout
    assert "ok   2 addenda signatures" in result.stdout
