"""Markov-chain patrol strategies: exact metrics, Sinkhorn scaling, capture optimisation.

Problem: a Markov patrol moves from node ``i`` to ``j`` with probability ``P[i, j]``, taking
``times[i, j]`` seconds (a self-loop is a dwell).  For such strategies the literature's
metrics are exact:

* stationary distribution, entropy rate ``-sum_i pi_i sum_j P_ij log P_ij`` and the Kemeny
  constant (Kemeny & Snell 1960; George, Jafarpour & Bullo 2019, "Markov chains with maximum
  entropy for robotic surveillance", IEEE TAC 64(4));
* return-time entropy (Duan, George & Bullo 2019, "Markov chains with maximum return time
  entropy for robotic surveillance", IEEE TAC 65(1)) and Kac's formula for the mean return
  time (mean step time / pi_j);
* capture probability ``C_tau(i, j)``: the chance that a patroller now at ``i`` reaches
  ``j`` within ``tau`` seconds, from the first-hitting-time recursion ``F_1 = P``,
  ``F_{k+1} = P (F_k - diag F_k)`` generalised to integer travel times (Asghar & Smith 2016,
  "Stochastic patrolling in adversarial settings", ACC; Duan, George & Bullo 2021,
  "Markov chains with maximum entropy...").  It is computed in the cumulative form
  ``V_s(i, :) = sum_v P_iv X_{s - w_iv}(v, :)`` with ``X_s = V_s`` off the diagonal and 1 on
  it, one vectorised gather and sparse product per time unit.

Construction: :func:`sinkhorn` scales a nonnegative matrix to given row and column sums
(Sinkhorn & Knopp 1967); with equal marginals ``pi`` it yields the maximum-entropy chain with
stationary distribution ``pi`` on a given support.  :func:`optimise_capture` maximises the
minimum capture probability by gradient ascent (reverse-mode through the recursion) on a
soft minimum, with restarts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix

__all__ = [
    "MarkovChain",
    "capture_probabilities",
    "entropy_rate",
    "kac_return_times",
    "kemeny_constant",
    "mean_return_times",
    "min_capture",
    "optimise_capture",
    "return_time_entropy",
    "sinkhorn",
    "stationary",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class MarkovChain:
    """A patrol Markov chain with travel times.

    Parameters
    ----------
    P : ndarray, shape (n, n)
        Row-stochastic transition matrix.
    times : ndarray, shape (n, n)
        Seconds taken by each transition with ``P > 0`` (self-loops: the dwell).
    """

    P: FloatArray
    times: FloatArray

    def __post_init__(self) -> None:
        P = self.P
        if P.ndim != 2 or P.shape[0] != P.shape[1] or self.times.shape != P.shape:
            raise ValueError("P and times must be square matrices of the same shape")
        if np.any(P < -1e-12) or not np.allclose(P.sum(axis=1), 1.0, atol=1e-9):
            raise ValueError("P must be row-stochastic")
        used = P > 0
        if not np.all(np.isfinite(self.times[used])) or np.any(self.times[used] <= 0):
            raise ValueError("every used transition needs a positive finite time")

    @property
    def n(self) -> int:
        """Number of states."""
        return int(self.P.shape[0])


def sinkhorn(
    A: FloatArray, r: FloatArray, c: FloatArray, *, tol: float = 1e-12, max_iter: int = 100_000
) -> FloatArray:
    """Scale ``A`` to ``diag(x) A diag(y)`` with row sums ``r`` and column sums ``c``.

    Raises
    ------
    ValueError
        If the scaling does not converge (the support of ``A`` cannot carry the marginals,
        e.g. a bipartite graph without self-loops and unequal side masses).
    """
    x = np.ones(A.shape[0])
    y = np.ones(A.shape[1])
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        for _ in range(max_iter):
            y = c / (A.T @ x)
            x = r / (A @ y)
            Q = x[:, None] * A * y[None, :]
            if not np.all(np.isfinite(Q)):
                break
            if np.abs(Q.sum(axis=0) - c).max() < tol:
                return Q
    raise ValueError("Sinkhorn scaling did not converge: the support cannot carry the marginals")


def stationary(P: FloatArray) -> FloatArray:
    """Stationary distribution of an irreducible chain."""
    n = P.shape[0]
    A = P.T - np.eye(n)
    A[-1] = 1.0
    b = np.zeros(n)
    b[-1] = 1.0
    return np.asarray(np.linalg.solve(A, b), dtype=np.float64)


def entropy_rate(chain: MarkovChain) -> float:
    """Entropy rate in nats per step: ``-sum_i pi_i sum_j P_ij log P_ij``."""
    P = chain.P
    pi = stationary(P)
    logs = np.log(np.where(P > 0, P, 1.0))
    return float(-(pi[:, None] * P * logs).sum())


def kemeny_constant(P: FloatArray) -> float:
    """Kemeny constant ``trace(Z) - 1`` with the fundamental matrix ``Z = (I - P + 1 pi')^-1``."""
    n = P.shape[0]
    pi = stationary(P)
    Z = np.linalg.inv(np.eye(n) - P + np.outer(np.ones(n), pi))
    return float(np.trace(Z).real - 1.0)


def _mean_step(chain: MarkovChain) -> FloatArray:
    return np.asarray((chain.P * np.where(chain.P > 0, chain.times, 0.0)).sum(axis=1))


def mean_return_times(chain: MarkovChain) -> FloatArray:
    """Mean first-return time to every node, seconds, from the hitting-time equations."""
    n = chain.n
    r = _mean_step(chain)
    out = np.empty(n)
    for j in range(n):
        Q = chain.P.copy()
        Q[:, j] = 0.0
        h = np.linalg.solve(np.eye(n) - Q, r)  # mean time to hit j from every node
        out[j] = h[j]
    return out


def kac_return_times(chain: MarkovChain) -> FloatArray:
    """Mean return times by Kac's formula: mean step time under ``pi`` divided by ``pi_j``."""
    pi = stationary(chain.P)
    return np.asarray(float(pi @ _mean_step(chain)) / pi)


def _integer_times(
    chain: MarkovChain, unit_s: float
) -> tuple[IntArray, IntArray, FloatArray, IntArray]:
    src, dst = np.nonzero(chain.P > 0)
    prob = chain.P[src, dst]
    w = np.maximum(1, np.rint(chain.times[src, dst] / unit_s)).astype(np.int64)
    return src.astype(np.int64), dst.astype(np.int64), prob, w


def _hitting_curves(chain: MarkovChain, steps: int, unit_s: float, keep: bool) -> list[FloatArray]:
    """``V_s`` for ``s = 0..steps`` (all of them if ``keep``, else only the last)."""
    n = chain.n
    src, dst, prob, w = _integer_times(chain, unit_s)
    scatter = csr_matrix((prob, (src, np.arange(len(src)))), shape=(n, len(src)))
    depth = int(w.max()) + 1
    ring = np.zeros((depth, n, n))  # X_s for the last `depth` values of s
    eye = np.eye(n, dtype=bool)
    V = np.zeros((n, n))
    ring[0] = np.where(eye, 1.0, 0.0)
    history = [V.copy()] if keep else []
    for s in range(1, steps + 1):
        gathered = ring[(s - w) % depth, dst, :]
        gathered[w > s] = 0.0
        V = np.asarray(scatter @ gathered)
        ring[s % depth] = np.where(eye, 1.0, V)
        if keep:
            history.append(V)
    return history if keep else [V]


def capture_probabilities(chain: MarkovChain, tau_s: float, *, unit_s: float = 1.0) -> FloatArray:
    """``C[i, j]``: probability to reach ``j`` within ``tau_s`` seconds when leaving ``i`` now.

    Travel times are rounded to whole multiples of ``unit_s`` (at least one unit); ``C[i, i]``
    is the probability of returning to ``i`` within ``tau_s``.
    """
    return _hitting_curves(chain, int(np.floor(tau_s / unit_s + 1e-9)), unit_s, keep=False)[0]


def min_capture(
    chain: MarkovChain, tau_s: FloatArray | float, *, k: int = 1, unit_s: float = 1.0
) -> float:
    """Minimum capture probability of ``k`` independent officers following ``chain``.

    The attacker sees every officer and picks the worst target; with independent officers
    the worst joint position is each officer at its own worst node, so the team captures
    with ``1 - (1 - min_i C[i, j])^k``.  ``tau_s`` may differ per target node.
    """
    taus = np.broadcast_to(np.asarray(tau_s, dtype=np.float64), (chain.n,))
    worst = np.inf
    for tau in np.unique(taus):
        C = capture_probabilities(chain, float(tau), unit_s=unit_s)
        cols = taus == tau
        team = 1.0 - (1.0 - C[:, cols].min(axis=0)) ** k
        worst = min(worst, float(team.min()))
    return worst


def return_time_entropy(
    chain: MarkovChain, *, unit_s: float = 1.0, tail: float = 1e-10, max_steps: int = 100_000
) -> float:
    """Return-time entropy ``sum_j pi_j H(T_jj)`` in nats, times in units of ``unit_s``."""
    n = chain.n
    src, dst, prob, w = _integer_times(chain, unit_s)
    scatter = csr_matrix((prob, (src, np.arange(len(src)))), shape=(n, len(src)))
    depth = int(w.max()) + 1
    ring = np.zeros((depth, n, n))
    eye = np.eye(n, dtype=bool)
    ring[0] = np.where(eye, 1.0, 0.0)
    prev = np.zeros(n)
    entropy = np.zeros(n)
    for s in range(1, max_steps + 1):
        gathered = ring[(s - w) % depth, dst, :]
        gathered[w > s] = 0.0
        V = np.asarray(scatter @ gathered)
        ring[s % depth] = np.where(eye, 1.0, V)
        diag = np.diag(V).copy()
        f = diag - prev
        prev = diag
        pos = f > 0
        entropy[pos] -= f[pos] * np.log(f[pos])
        if 1.0 - diag.min() < tail:
            break
    return float(stationary(chain.P) @ entropy)


def _capture_and_gradient(
    prob: FloatArray,
    src: IntArray,
    dst: IntArray,
    w: IntArray,
    n: int,
    steps: int,
    sharpness: float,
) -> tuple[float, FloatArray]:
    """Exact minimum capture and the gradient of its soft minimum w.r.t. ``prob``."""
    eye = np.eye(n, dtype=bool)
    scatter = csr_matrix((prob, (src, np.arange(len(src)))), shape=(n, len(src)))
    X = np.zeros((steps + 1, n, n))
    X[0][eye] = 1.0
    V = np.zeros((n, n))
    for s in range(1, steps + 1):
        idx = s - w
        valid = idx >= 0
        gathered = np.zeros((len(src), n))
        gathered[valid] = X[idx[valid], dst[valid]]
        V = np.asarray(scatter @ gathered)
        X[s] = np.where(eye, 1.0, V)
    C = V
    low = float(C.min())
    weights = np.exp(-sharpness * (C - low))
    weights /= weights.sum()
    grad = np.zeros(len(src))
    Xbar = np.zeros((steps + 1, n, n))
    for s in range(steps, 0, -1):
        Vbar = np.where(eye, 0.0, Xbar[s])
        if s == steps:
            Vbar = weights
        G = Vbar[src]
        idx = s - w
        valid = idx >= 0
        grad[valid] += (G[valid] * X[idx[valid], dst[valid]]).sum(axis=1)
        np.add.at(Xbar, (idx[valid], dst[valid]), prob[valid, None] * G[valid])
    return low, grad


def optimise_capture(
    support: npt.NDArray[np.bool_],
    times: FloatArray,
    tau_s: float,
    *,
    rng: np.random.Generator,
    unit_s: float,
    restarts: int = 3,
    iterations: int = 150,
    start: FloatArray | None = None,
    sharpness: float = 60.0,
    learning_rate: float = 0.2,
) -> FloatArray:
    """Transition matrix on ``support`` maximising ``min_{i,j} C_tau(i, j)``.

    Gradient ascent (Adam) on row-softmax logits of the soft minimum
    ``-log(sum exp(-sharpness * C)) / sharpness``, with gradients by reverse-mode
    differentiation of the capture recursion; ``restarts`` random starts plus ``start`` if
    given.  Returns the iterate with the best exact minimum.

    Parameters
    ----------
    support : ndarray of bool, shape (n, n)
        Allowed transitions (graph edges, self-loops where dwelling is allowed).
    times : ndarray
        Transition times, seconds.
    tau_s : float
        Attack duration.
    rng : numpy.random.Generator
        Source of the random restarts.
    unit_s : float
        Time unit of the integer recursion (coarse units make the optimisation cheap).
    """
    n = support.shape[0]
    src, dst = np.nonzero(support)
    src = src.astype(np.int64)
    dst = dst.astype(np.int64)
    w = np.maximum(1, np.rint(times[src, dst] / unit_s)).astype(np.int64)
    steps = int(np.floor(tau_s / unit_s + 1e-9))
    rows = csr_matrix((np.ones(len(src)), (src, np.arange(len(src)))), shape=(n, len(src)))

    def softmax(logits: FloatArray) -> FloatArray:
        z = np.exp(logits - logits.max())
        return np.asarray(z / np.asarray(rows @ z)[src])

    starts = [rng.normal(size=len(src)) for _ in range(restarts)]
    if start is not None:
        starts.insert(0, np.log(np.maximum(start[src, dst], 1e-9)))
    best_value, best = -1.0, softmax(starts[0])
    for logits in starts:
        m = np.zeros_like(logits)
        v = np.zeros_like(logits)
        for it in range(1, iterations + 1):
            prob = softmax(logits)
            value, grad = _capture_and_gradient(prob, src, dst, w, n, steps, sharpness)
            if value > best_value:
                best_value, best = value, prob
            row_mean = np.asarray(rows @ (prob * grad))[src]
            g = prob * (grad - row_mean)
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            step = learning_rate * (m / (1 - 0.9**it)) / (np.sqrt(v / (1 - 0.999**it)) + 1e-12)
            logits = logits + step
    P = np.zeros((n, n))
    P[src, dst] = best
    return P
