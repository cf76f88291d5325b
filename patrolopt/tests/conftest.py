"""Shared fixtures: small named instances (the shipped maps and a generated campus)."""

from __future__ import annotations

from pathlib import Path

import pytest

from patrolopt.campus import generate_campus
from patrolopt.graph import PatrolGraph
from patrolopt.io import read_patrolling_sim

MAP_DIR = Path(__file__).resolve().parents[3] / "shared" / "bench" / "patrol_maps"


def shipped_map(name: str) -> PatrolGraph:
    """A shipped ``patrolling_sim`` map at 1 m/s."""
    return read_patrolling_sim(MAP_DIR / name / f"{name}.graph")


@pytest.fixture(scope="session")
def grid() -> PatrolGraph:
    """The 5 x 5 grid map (25 nodes, 5.7 m edges)."""
    return shipped_map("grid")


@pytest.fixture(scope="session")
def campus() -> PatrolGraph:
    """The small generated campus (41 nodes, deadlines, windows, a hot spot)."""
    return generate_campus("small", seed=1)
