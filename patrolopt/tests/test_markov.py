"""Closed forms on complete graphs with self-loops, Kac's formula, the capture sum bound."""

from __future__ import annotations

import math

import numpy as np
import pytest

from patrolopt.markov import (
    MarkovChain,
    capture_probabilities,
    entropy_rate,
    kac_return_times,
    kemeny_constant,
    mean_return_times,
    min_capture,
    return_time_entropy,
    sinkhorn,
    stationary,
)


def complete(n: int) -> MarkovChain:
    """Uniform chain on the complete graph with self-loops, unit step times."""
    return MarkovChain(np.full((n, n), 1.0 / n), np.ones((n, n)))


def ring_chain() -> MarkovChain:
    """A lazy, non-uniform chain on a 6-cycle with integer travel times 1-3."""
    n = 6
    P = np.zeros((n, n))
    times = np.ones((n, n))
    for i in range(n):
        P[i, (i + 1) % n] = 0.5
        P[i, (i - 1) % n] = 0.3
        P[i, i] = 0.2
        times[i, (i + 1) % n] = times[(i + 1) % n, i] = 1 + i % 3
    return MarkovChain(P, times)


@pytest.mark.parametrize("n", [5, 10])
def test_entropy_rate_is_log_n(n: int) -> None:
    assert entropy_rate(complete(n)) == pytest.approx(math.log(n), abs=1e-12)


@pytest.mark.parametrize("n", [5, 10])
def test_kemeny_constant_is_n_minus_1(n: int) -> None:
    assert kemeny_constant(complete(n).P) == pytest.approx(n - 1, abs=1e-9)


@pytest.mark.parametrize("n", [5, 10])
def test_return_time_entropy_is_geometric(n: int) -> None:
    p = 1.0 / n
    geometric = (-(1 - p) * math.log(1 - p) - p * math.log(p)) / p
    assert return_time_entropy(complete(n), tail=1e-14) == pytest.approx(geometric, abs=1e-9)


@pytest.mark.parametrize(("n", "tau"), [(5, 1), (5, 7), (10, 3), (10, 12)])
def test_min_capture_closed_form(n: int, tau: int) -> None:
    expected = 1 - (1 - 1 / n) ** tau
    C = capture_probabilities(complete(n), tau)
    assert np.allclose(C, expected, atol=1e-12)
    assert min_capture(complete(n), float(tau)) == pytest.approx(expected, abs=1e-12)


def test_team_capture_of_independent_officers() -> None:
    single = 1 - (1 - 1 / 5) ** 4
    assert min_capture(complete(5), 4.0, k=3) == pytest.approx(1 - (1 - single) ** 3)


def test_kac_formula() -> None:
    chain = ring_chain()
    assert np.allclose(mean_return_times(chain), kac_return_times(chain), rtol=1e-10)


@pytest.mark.parametrize("tau", [1, 4, 9])
def test_capture_sum_bound(tau: int) -> None:
    C = capture_probabilities(ring_chain(), tau)
    assert np.all(C.sum(axis=1) <= tau + 1e-12)


def test_capture_of_deterministic_cycle() -> None:
    n = 4
    P = np.roll(np.eye(n), 1, axis=1)
    chain = MarkovChain(P, np.ones((n, n)))
    C = capture_probabilities(chain, 3)
    assert C[0, 3] == 1.0
    assert C[0, 0] == 0.0  # the return takes 4 steps
    assert capture_probabilities(chain, 4)[0, 0] == 1.0


def test_sinkhorn_hits_marginals() -> None:
    A = np.array([[1.0, 1, 0], [1, 1, 1], [0, 1, 1]])
    pi = np.array([0.2, 0.5, 0.3])
    Q = sinkhorn(A, pi, pi)
    assert np.allclose(Q.sum(axis=1), pi)
    assert np.allclose(Q.sum(axis=0), pi)
    assert np.allclose(stationary(Q / pi[:, None]), pi)


def test_sinkhorn_rejects_bipartite_without_loops() -> None:
    A = np.array([[0.0, 1], [1, 0]])
    with pytest.raises(ValueError, match="cannot carry"):
        sinkhorn(A, np.array([0.3, 0.7]), np.array([0.3, 0.7]), max_iter=200)
