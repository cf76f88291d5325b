from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def evidence_storage(media_root: Path) -> Path:
    """Each test stores its files under its own temporary directory."""
    return media_root
