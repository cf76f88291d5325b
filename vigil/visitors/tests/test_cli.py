from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from vigil.visitors.tests.test_aamva import V2_NY


def test_parse_id_prints_only_what_a_visit_keeps(tmp_path: Path) -> None:
    scan = tmp_path / "scan.txt"
    scan.write_bytes(V2_NY.encode("latin-1"))
    out = io.StringIO()
    call_command("visitors", "parse-id", str(scan), stdout=out)
    parsed = json.loads(out.getvalue())
    assert parsed["family_name"] == "RAMIREZ"
    assert parsed["date_of_birth"] == "1990-03-14"
    assert parsed["id_last4"] == "6789"
    assert parsed["jurisdiction"] == "NY"
    assert "123456789" not in out.getvalue()  # never the whole ID number
    assert "ELM ST" not in out.getvalue()  # never the address


def test_parse_id_names_the_field_of_a_truncated_scan(tmp_path: Path) -> None:
    scan = tmp_path / "scan.txt"
    scan.write_bytes(V2_NY[:40].encode("latin-1"))
    out = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("visitors", "parse-id", str(scan), stdout=out)
    error = json.loads(out.getvalue())["error"]
    assert str(excinfo.value) == f"{error['field']}: {error['message']}"


def test_parse_id_names_an_unreadable_path() -> None:
    with pytest.raises(CommandError, match="path: cannot read /no/such/file"):
        call_command("visitors", "parse-id", "/no/such/file")
