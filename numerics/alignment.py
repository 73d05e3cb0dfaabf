"""The alignment loss ``L(h) = E ||h(z) − h(z')||²`` computed directly (THEORY.md §1, §2).

``z ~ N(0, I_n)`` and ``z' = ρ z + sqrt(1 − ρ²) η`` with ``η ~ N(0, I_n)`` independent: the
OU (Mehler) channel. This is the *direct* computation, independent of the Hermite expansion,
against which the spectral formula ``2 Σ_i Σ_{d>=1} (1 − ρ^d) E_{i,d}`` is checked.

Methods
-------
``"quadrature"`` (``n <= 2``)
    Tensor Gauss–Hermite over the ``2n`` variables ``(z, η)``, ``q`` nodes per axis
    (default ``q = 96`` for n = 1 and 24 for n = 2, or ``floor(n_samples^(1/2n))``). It is exact
    when ``h`` is a polynomial of degree ``<= q − 1`` in each coordinate. For other maps
    ``error_estimate`` is ``|Q_q − Q_{q'}|`` with ``q' = ceil(3q/4)``, the change from a
    coarser rule: a heuristic, not a bound (it can understate the error of a discontinuous map).
``"montecarlo"``
    ``n_samples`` OU pairs (default 200 000) drawn with ``seed``; ``value`` is the sample mean of
    ``||h(z) − h(z')||²`` and ``standard_error`` its sample standard deviation over ``sqrt(N)``.
``"auto"``
    quadrature for ``n <= 2``, Monte Carlo otherwise.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Callable

import numpy as np

from lejepa_verify.numerics.quadrature import MAX_POINTS, tensor_rule
from lejepa_verify.numerics.spectrum import evaluate_map
from lejepa_verify.theory.validate import check_choice, check_int, check_rho

__all__ = ["ALIGNMENT_METHODS", "AlignmentLoss", "alignment_loss"]

ALIGNMENT_METHODS = ("auto", "quadrature", "montecarlo")
_DEFAULT_NODES = {1: 96, 2: 24}
_MC_DEFAULT_PAIRS = 200_000
_MC_BLOCK = 50_000


@dataclass(frozen=True)
class AlignmentLoss:
    """Direct alignment loss ``E ||h(z) − h(z')||²``.

    ``standard_error`` (Monte Carlo) or ``error_estimate`` (quadrature) is set, the other is
    ``None``; ``error`` is whichever is set. ``n_points``: evaluations of ``h`` per argument.
    """

    value: float
    standard_error: float | None
    method: str
    n_points: int
    rho: float
    error_estimate: float | None = None
    seed: int | None = None

    @property
    def error(self) -> float:
        """The error bar used: the Monte Carlo standard error, or else the quadrature error estimate."""
        return float(self.standard_error if self.standard_error is not None else self.error_estimate)

    def __float__(self) -> float:
        return float(self.value)

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        d = asdict(self)
        d["error"] = self.error
        return d


def _quadrature_value(h, dim: int, rho: float, q: int) -> float:
    # one tensor rule over (z, η) in 2·dim dimensions: z' = ρz + √(1−ρ²)η
    rule = tensor_rule(2 * dim, q)
    pts, weights = rule.points, rule.weights
    z, eta = pts[:, :dim], pts[:, dim:]
    a = evaluate_map(h, np.ascontiguousarray(z))
    b = evaluate_map(h, np.ascontiguousarray(rho * z + math.sqrt(1.0 - rho * rho) * eta))
    if a.shape != b.shape:
        raise ValueError(f"h returned shapes {a.shape} and {b.shape} for two inputs of the same shape")
    return float(weights @ ((a - b) ** 2).sum(axis=1))


def alignment_loss(h: Callable, dim: int, rho, *, method: str = "auto", seed=None,
                   n_samples: int | None = None) -> AlignmentLoss:
    """Direct alignment loss ``E ||h(z) − h(ρ z + sqrt(1 − ρ²) η)||²`` under ``N(0, I_dim)``.

    Parameters
    ----------
    h : callable mapping an (N, dim) array to an (N, m) array.
    dim : latent dimension ``n >= 1``.
    rho : OU correlation in (0, 1).
    method : ``"auto"``, ``"quadrature"`` (dim <= 2) or ``"montecarlo"``.
    seed : seed of the Monte Carlo pairs.
    n_samples : quadrature: budget of points of the 2n-dim rule; Monte Carlo: number of pairs.
    """
    if not callable(h):
        raise ValueError(f"h must be a callable mapping an (N, n) array to an (N, m) array, got {type(h).__name__}")
    dim = check_int(dim, "dim", 1)
    rho = float(check_rho(rho))
    check_choice(method, "method", ALIGNMENT_METHODS)
    if n_samples is not None:
        n_samples = check_int(n_samples, "n_samples", 1)
    if method == "auto":
        method = "quadrature" if dim <= 2 else "montecarlo"
    if method == "quadrature":
        if dim > 2:
            raise ValueError(f"method 'quadrature' for the direct alignment loss needs dim <= 2 (a 2n-dim rule), got dim = {dim}")
        q = _DEFAULT_NODES[dim] if n_samples is None else int(math.floor(n_samples ** (1.0 / (2 * dim)) + 1e-9))
        if q < 2:
            raise ValueError(f"n_samples = {n_samples} gives {q} nodes per axis; at least 2 are needed")
        if q ** (2 * dim) > MAX_POINTS:
            raise ValueError(f"n_samples gives {q ** (2 * dim)} quadrature points; at most {MAX_POINTS} are allowed")
        value = _quadrature_value(h, dim, rho, q)
        coarse = _quadrature_value(h, dim, rho, max(1, math.ceil(3 * q / 4)))
        return AlignmentLoss(value, None, "quadrature", q ** (2 * dim), rho, abs(value - coarse))
    n = _MC_DEFAULT_PAIRS if n_samples is None else n_samples
    if n < 2:
        raise ValueError(f"n_samples must be >= 2 for the Monte Carlo method, got {n}")
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
        v = ((a - c) ** 2).sum(axis=1)
        # Chan et al.'s pairwise update of mean and sum of squared deviations (no cancellation)
        bm = float(v.mean())
        bm2 = float(((v - bm) ** 2).sum())
        delta = bm - mean
        tot = done + b
        mean += delta * b / tot
        m2 += bm2 + delta * delta * done * b / tot
        done = tot
    var = m2 / (n - 1)
    return AlignmentLoss(mean, math.sqrt(var / n), "montecarlo", n, rho, None, seed)
