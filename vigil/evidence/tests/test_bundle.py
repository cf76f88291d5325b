from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from vigil.accounts.models import User
from vigil.evidence import services
from vigil.evidence.models import CustodyEntry, EvidenceItem
from vigil.evidence.tests.helpers import MINIMAL_PDF, jpeg_bytes, upload
from vigil.sites.models import School

pytestmark = pytest.mark.django_db

PYTHON = shutil.which("python3") or "/usr/bin/python3"


@pytest.fixture
def items() -> list[EvidenceItem]:
    officer = User.objects.get(username="officer")
    school = School.objects.order_by("pk")[0]
    made = []
    for name, content in [
        ("scene photo.jpg", jpeg_bytes(taken="2026:11:02 08:15:00")),
        ("statement.pdf", MINIMAL_PDF),
    ]:
        made.append(
            services.evidence_ingest(
                actor=officer,
                school=school,
                uploaded_file=upload(name, content),
                title=f"Incident 14 — {name}",
                reason="Collected at the scene",
            )
        )
    services.custody_record(actor=officer, item=made[0], action="view", reason="Writing the report")
    return made


def _bundle(items: list[EvidenceItem], out: Path) -> tuple[Path, str]:
    stdout = io.StringIO()
    call_command(
        "evidence",
        "bundle",
        *[str(item.pk) for item in items],
        "--out",
        str(out),
        "--reason",
        "Requested by the district attorney",
        "--user",
        "supervisor",
        stdout=stdout,
    )
    zip_line, summary = stdout.getvalue().splitlines()
    manifest_sha = summary.split("manifest SHA-256 ")[1].split()[0]
    return Path(zip_line), manifest_sha


def _unpack(zip_path: Path, into: Path) -> Path:
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(into)
    return into


def _run_verify(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # A plain interpreter, outside the project's virtualenv, in the unpacked bundle.
    return subprocess.run(
        [PYTHON, "-I", "verify.py", *args],
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_a_fresh_bundle_verifies_with_the_standard_library_alone(
    items: list[EvidenceItem], tmp_path: Path
) -> None:
    zip_path, manifest_sha = _bundle(items, tmp_path / "out")
    directory = _unpack(zip_path, tmp_path / "unpacked")
    names = sorted(p.name for p in (directory / "files").iterdir())
    assert names == [f"{items[0].pk}-scene_photo.jpg", f"{items[1].pk}-statement.pdf"]
    manifest = json.loads((directory / "manifest.json").read_text())
    assert hashlib.sha256((directory / "manifest.json").read_bytes()).hexdigest() == manifest_sha
    first = manifest["items"][0]
    assert [e["action"] for e in first["custody"]] == ["ingest", "view", "export"]
    assert first["custody"][-1]["actor_label"] == "supervisor"
    assert first["chain_head"] == {"seq": 3, "hash": first["custody"][-1]["hash"]}
    assert CustodyEntry.objects.get(item=items[0], seq=3).hash == first["chain_head"]["hash"]

    result = _run_verify(directory, "--manifest-sha256", manifest_sha)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "PASS 2 files and 5 custody entries verified."
    # It also reads the ZIP itself, unopened.
    from_zip = _run_verify(directory, str(zip_path))
    assert from_zip.returncode == 0, from_zip.stdout
    assert services.verify() == (2, None)  # the export entries extend valid chains


def test_one_changed_byte_of_one_file_is_named(items: list[EvidenceItem], tmp_path: Path) -> None:
    zip_path, _ = _bundle(items, tmp_path / "out")
    directory = _unpack(zip_path, tmp_path / "unpacked")
    target = directory / "files" / f"{items[1].pk}-statement.pdf"
    data = bytearray(target.read_bytes())
    data[3] ^= 0x20
    target.write_bytes(bytes(data))
    result = _run_verify(directory)
    assert result.returncode == 1
    actual = hashlib.sha256(bytes(data)).hexdigest()
    assert result.stdout.splitlines()[-1] == (
        f"FAIL file files/{items[1].pk}-statement.pdf (item {items[1].pk}): SHA-256 is {actual}, "
        f"the manifest says {items[1].sha256}"
    )


def test_one_changed_manifest_entry_is_named(items: list[EvidenceItem], tmp_path: Path) -> None:
    zip_path, manifest_sha = _bundle(items, tmp_path / "out")
    directory = _unpack(zip_path, tmp_path / "unpacked")
    manifest_path = directory / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["items"][0]["custody"][1]["actor_label"] = "someone else"
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    result = _run_verify(directory)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == (
        f"FAIL custody entry #2 of item {items[0].pk}: contents do not match its hash "
        "(the entry was altered)"
    )
    # And a manifest digest received separately catches any change at all.
    result = _run_verify(directory, "--manifest-sha256", manifest_sha)
    assert result.returncode == 1
    assert result.stdout.startswith("FAIL manifest.json: SHA-256 is ")


def test_a_file_hash_changed_in_the_manifest_is_caught_by_the_chain(
    items: list[EvidenceItem], tmp_path: Path
) -> None:
    # Swapping a file and its manifest hash together still breaks the custody chain.
    zip_path, _ = _bundle(items, tmp_path / "out")
    directory = _unpack(zip_path, tmp_path / "unpacked")
    target = directory / "files" / f"{items[1].pk}-statement.pdf"
    forged = MINIMAL_PDF.replace(b"1.4", b"1.5")
    target.write_bytes(forged)
    manifest_path = directory / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["items"][1]["sha256"] = hashlib.sha256(forged).hexdigest()
    manifest_path.write_text(json.dumps(manifest))
    result = _run_verify(directory)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == (
        f"FAIL custody entry #1 of item {items[1].pk}: names SHA-256 {items[1].sha256}, "
        "not the file's"
    )


def test_bundle_names_a_missing_item(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="items: no evidence item 999999"):
        call_command(
            "evidence", "bundle", "999999", "--out", str(tmp_path), "--reason", "For court"
        )
