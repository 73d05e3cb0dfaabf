"""The alignment loss ``L(h) = E ||h(z) − h(z')||²`` computed directly (docs/theory.md §1, §2).

``z ~ N(0, I_n)`` and ``z' = ρ z + sqrt(1 − ρ²) η`` with ``η ~ N(0, I_n)`` independent: the
OU (Mehler) channel. This is the *direct* computation, independent of the Hermite expansion,
against which the spectral formula ``2 Σ_i Σ_{d>=1} (1 − ρ^d) E_{i,d}`` is checked.

Every result carries ``error``: a bound on ``|value − L(h)|`` meant to hold with probability at
least 95 %.

Methods
-------
``"quadrature"`` (``n <= 2``)
    Tensor Gauss–Hermite over the ``2n`` variables ``(z, η)`` on three rules with ``q/4, q/2, q``
    nodes per axis (default ``q = 384`` for n = 1 and 32 for n = 2, or
    ``floor(n_samples^(1/2n))``); ``value`` is the finest. It is exact when ``h`` is a
    polynomial of degree ``<= q/4 − 1`` in each coordinate. The error comes from the observed
    convergence of the three values (:func:`numerics.convergence.sequence_error`): the last
    change for fast (smooth-map) convergence, a Richardson tail for slow algebraic convergence
    (a kink or a jump: ``resolved`` is False), and when the sequence does not converge the
    result falls back to Monte Carlo and says so in ``reason``. A fourth rule with an odd node
    count near ``3q/4`` cross-checks a "fast" verdict: if it differs from the finest value by
    more than the error, the map is not resolved and the error becomes twice that difference
    (a heuristic, said so in ``reason``).
``"montecarlo"``
    ``n_samples`` OU pairs (default 200 000) drawn with ``seed``; ``value`` is the sample mean of
    ``||h(z) − h(z')||²``, ``standard_error`` its sample standard deviation over ``sqrt(N)``, and
    ``error`` the 95 % normal half-width ``1.96 · standard_error`` (valid for integrands with a
    finite variance, which the CLT needs).
``"auto"``
    quadrature for ``n <= 2`` when it resolves the map (fast convergence); a map it cannot
    resolve (a kink, a jump: slow or no convergence of the sequence) goes to Monte Carlo, whose
    half-width does not depend on smoothness; Monte Carlo for ``n > 2``. ``reason`` says why.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Callable

import numpy as np

from lejepa_verify.numerics.convergence import Z95, sequence_error
from lejepa_verify.numerics.quadrature import MAX_POINTS, tensor_rule
from lejepa_verify.numerics.spectrum import evaluate_map
from lejepa_verify.theory.validate import check_choice, check_int, check_rho

__all__ = ["ALIGNMENT_METHODS", "AlignmentLoss", "alignment_loss"]

ALIGNMENT_METHODS = ("auto", "quadrature", "montecarlo")
_DEFAULT_NODES = {1: 384, 2: 32}
_MIN_NODES = 8  # the coarsest of the three rules has q/4 >= 2 nodes
_MC_DEFAULT_PAIRS = 200_000
_MC_BLOCK = 50_000


@dataclass(frozen=True)
class AlignmentLoss:
    """Direct alignment loss ``E ||h(z) − h(z')||²`` with an error bar.

    ``error`` bounds ``|value − L(h)|`` with probability >= 95 % (Monte Carlo: the 95 %
    half-width; quadrature: from the observed convergence, module docstring).
    ``standard_error`` is set for Monte Carlo, ``error_estimate`` (the quadrature error) for
    quadrature. ``resolved`` is False when quadrature converged only slowly (a kink or a
    jump); ``reason`` says how the method and its error were chosen. ``n_points``: evaluations
    of ``h`` per argument (all rules together for quadrature).
    """

    value: float
    standard_error: float | None
    method: str
    n_points: int
    rho: float
    error_estimate: float | None = None
    seed: int | None = None
    resolved: bool = True
    reason: str = ""

    @property
    def error(self) -> float:
        """The error bar used: the 95 % half-width of a Monte Carlo estimate (``Z95`` standard errors), or else the quadrature error estimate."""
        if self.standard_error is not None:
            return float(Z95 * self.standard_error)
        return float(self.error_estimate)

    def __float__(self) -> float:
        return float(self.value)

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        d = asdict(self)
        d["error"] = self.error
        return d


OVERFLOW = "h is too large for a finite alignment loss (||h(z) − h(z')||² overflows)"


def _quadrature_value(h, dim: int, rho: float, q: int) -> float:
    # one tensor rule over (z, η) in 2·dim dimensions: z' = ρz + √(1−ρ²)η
    rule = tensor_rule(2 * dim, q)
    pts, weights = rule.points, rule.weights
    z, eta = pts[:, :dim], pts[:, dim:]
    a = evaluate_map(h, np.ascontiguousarray(z))
    b = evaluate_map(h, np.ascontiguousarray(rho * z + math.sqrt(1.0 - rho * rho) * eta))
    if a.shape != b.shape:
        raise ValueError(f"h returned shapes {a.shape} and {b.shape} for two inputs of the same shape")
    # an overflow is this function's ValueError below, not a RuntimeWarning printed before it
    with np.errstate(over="ignore", invalid="ignore"):
        value = float(weights @ ((a - b) ** 2).sum(axis=1))
    if not math.isfinite(value):
        raise ValueError(OVERFLOW)
    return value


def _quadrature(h, dim: int, rho: float, q: int):
    qs = (q // 4, q // 2, q)
    values = [_quadrature_value(h, dim, rho, k) for k in qs]
    seq = sequence_error(values, n_points=q ** (2 * dim))
    # a cross-check on a rule with other node positions: an odd count near 3q/4 puts a node
    # where the even rules have none (at the origin, where kinks and jumps of the library sit).
    # For a smooth map it is as converged as the q/2 rule, so it lies within the error; a
    # map that only looked resolved by chance moves by about its true error
    q_alt = (3 * q // 4) | 1
    alt = _quadrature_value(h, dim, rho, q_alt)
    gap = abs(values[-1] - alt)
    points = sum(k ** (2 * dim) for k in qs) + q_alt ** (2 * dim)
    error, resolved, reason = seq.error, seq.resolved, seq.reason
    if seq.converging and gap > seq.error:
        # two rules of comparable size differ by gap: each is off by about that much or more
        error, resolved = max(seq.error, 2.0 * gap), False
        reason += (f"; the {q_alt}-node rule differs by {gap:.2e} > that error: not resolved, "
                   "error raised to twice the difference")
    return values[-1], error, resolved, seq.converging, reason, points, qs + (q_alt,)


def _montecarlo(h, dim: int, rho: float, n: int, seed):
    rng = np.random.default_rng(seed)
    mean, m2, done = 0.0, 0.0, 0
    s = math.sqrt(1.0 - rho * rho)
    while done < n:
        b = min(_MC_BLOCK, n - done)
        z = rng.standard_normal((b, dim))
        zp = rho * z + s * rng.standard_normal((b, dim))
        a, c = evaluate_map(h, z), evaluate_map(h, zp)
        if a.shape != c.shape:
            raise ValueError(f"h returned shapes {a.shape} and {c.shape} for two inputs of the same shape")
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is the ValueError below
            v = ((a - c) ** 2).sum(axis=1)
            # Chan et al.'s pairwise update of mean and sum of squared deviations (no cancellation)
            bm = float(v.mean())
            bm2 = float(((v - bm) ** 2).sum())
        if not (math.isfinite(bm) and math.isfinite(bm2)):
            raise ValueError(OVERFLOW)
        delta = bm - mean
        tot = done + b
        mean += delta * b / tot
        m2 += bm2 + delta * delta * done * b / tot
        done = tot
    if not math.isfinite(mean) or not math.isfinite(m2):
        raise ValueError(OVERFLOW)
    return mean, math.sqrt(m2 / (n - 1) / n)


def alignment_loss(h: Callable, dim: int, rho, *, method: str = "auto", seed=None,
                   n_samples: int | None = None) -> AlignmentLoss:
    """Direct alignment loss ``E ||h(z) − h(ρ z + sqrt(1 − ρ²) η)||²`` under ``N(0, I_dim)``.

    Parameters
    ----------
    h : callable mapping an (N, dim) array to an (N, m) array.
    dim : latent dimension ``n >= 1``.
    rho : OU correlation in (0, 1).
    method : ``"auto"``, ``"quadrature"`` (dim <= 2) or ``"montecarlo"``.
    seed : seed of the Monte Carlo pairs (also of a fall-back from quadrature).
    n_samples : quadrature: budget of points of the finest 2n-dim rule; Monte Carlo (and the
        fall-back): number of pairs.
    """
    if not callable(h):
        raise ValueError(f"h must be a callable mapping an (N, n) array to an (N, m) array, got {type(h).__name__}")
    dim = check_int(dim, "dim", 1)
    rho = float(check_rho(rho))
    check_choice(method, "method", ALIGNMENT_METHODS)
    if n_samples is not None:
        n_samples = check_int(n_samples, "n_samples", 1)
    requested = method
    reason = ""
    if method == "auto":
        method = "quadrature" if dim <= 2 else "montecarlo"
        reason = f"n = {dim} <= 2: tensor Gauss–Hermite" if dim <= 2 else f"n = {dim} > 2: Monte Carlo"
    if method == "quadrature":
        if dim > 2:
            raise ValueError(f"method 'quadrature' for the direct alignment loss needs dim <= 2 (a 2n-dim rule), got dim = {dim}")
        q = _DEFAULT_NODES[dim] if n_samples is None else int(math.floor(n_samples ** (1.0 / (2 * dim)) + 1e-9))
        if q < _MIN_NODES:
            raise ValueError(f"n_samples = {n_samples} gives {q} nodes per axis; the quadrature method needs "
                             f"at least {_MIN_NODES} (three rules with q/4, q/2, q nodes), i.e. "
                             f"n_samples >= {_MIN_NODES ** (2 * dim)}")
        if q ** (2 * dim) > MAX_POINTS:
            raise ValueError(f"n_samples gives {q ** (2 * dim)} quadrature points; at most {MAX_POINTS} are allowed")
        value, error, resolved, converging, why, points, qs = _quadrature(h, dim, rho, q)
        why = (f"{reason + '; ' if reason else ''}rules with {qs[0]}, {qs[1]}, {qs[2]} nodes per axis "
               f"(cross-check {qs[3]}): {why}")
        keep = resolved if requested == "auto" else converging
        if keep:
            return AlignmentLoss(value, None, "quadrature", points, rho, error, None, resolved, why)
        # the error of this sequence cannot be stood behind: Monte Carlo's half-width can
        reason = why + "; falling back to Monte Carlo"
        n_samples = None
    n = _MC_DEFAULT_PAIRS if n_samples is None else n_samples
    if n < 2:
        raise ValueError(f"n_samples must be >= 2 for the Monte Carlo method, got {n}")
    mean, se = _montecarlo(h, dim, rho, n, seed)
    return AlignmentLoss(mean, se, "montecarlo", n, rho, None, seed, True,
                         reason or f"Monte Carlo with {n} pairs: 95 % half-width 1.96 × standard error")
