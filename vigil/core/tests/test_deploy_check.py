"""`vigil check --deploy` must fail on unsafe production settings and pass on safe ones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def _check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    full.update({"VIGIL_DATA_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-m", "vigil", "check", "--deploy"],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_without_keys_fails_naming_each_problem(tmp_path: Path) -> None:
    result = _check(
        tmp_path,
        VIGIL_ENV="production",
        VIGIL_DEBUG="1",
        ALLOWED_HOSTS="*",
        VIGIL_SECURE_COOKIES="0",
    )
    assert result.returncode != 0
    for code in ("vigil.E001", "vigil.E002", "vigil.E003", "vigil.E004", "vigil.E005"):
        assert code in result.stderr, code


@pytest.mark.parametrize("missing", ["VIGIL_SECRET_KEY", "VIGIL_ENCRYPTION_KEY"])
def test_each_key_is_required_in_production(tmp_path: Path, missing: str) -> None:
    env = {
        "VIGIL_ENV": "production",
        "VIGIL_SECRET_KEY": "k" * 20 + "abcdefghijklmnopqrstuvwxyz0123456789",
        "VIGIL_ENCRYPTION_KEY": "e" * 10 + "abcdefghijklmnopqrstuvwxyz",
        "VIGIL_SECURE_COOKIES": "1",
        "ALLOWED_HOSTS": "vigil.example.org",
    }
    del env[missing]
    result = _check(tmp_path, **env)
    assert result.returncode != 0
    assert ("vigil.E002" if missing == "VIGIL_SECRET_KEY" else "vigil.E003") in result.stderr


def test_safe_production_settings_pass_vigils_checks(tmp_path: Path) -> None:
    result = _check(
        tmp_path,
        VIGIL_ENV="production",
        VIGIL_SECRET_KEY="k" * 20 + "abcdefghijklmnopqrstuvwxyz0123456789",
        VIGIL_ENCRYPTION_KEY="e" * 10 + "abcdefghijklmnopqrstuvwxyz",
        VIGIL_SECURE_COOKIES="1",
        VIGIL_SSL_REDIRECT="1",
        VIGIL_HSTS_SECONDS="31536000",
        ALLOWED_HOSTS="vigil.example.org",
    )
    assert "vigil.E" not in result.stderr
    assert result.returncode == 0, result.stderr
