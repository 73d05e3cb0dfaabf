"""Gaussian quadrature rules for ``E f(z)``, ``z ~ N(0, I_n)`` (docs/theory.md §2).

Two rules, both with weights normalised so that they sum to 1 (the Gaussian is a probability):

* **Tensor Gauss–Hermite** (probabilists'): ``q`` nodes per axis, ``q^n`` points. Exact for
  every polynomial whose degree in *each* coordinate is at most ``2q − 1``.
* **Smolyak sparse grid** of level ``k`` built by the combination technique from the
  *non-nested* Gauss–Hermite rules ``U^l`` with ``l`` nodes (``l = 1, 2, ...``)::

      A(k, n) = Σ_{k−n+1 <= |j| <= k} (−1)^{k−|j|} C(n−1, k−|j|) ⊗_i U^{j_i + 1},   j ∈ N^n.

  It is exact for every polynomial of *total* degree at most ``2k + 1``: a monomial ``z^β``
  with an odd exponent integrates to 0 under every (symmetric) tensor term, and one with all
  exponents even lies in ``⊗ P_{2 l_i − 1}`` as soon as ``Σ (l_i − 1) >= |β| / 2``. Because the
  1D rules are not nested, points of different terms coincide only at the origin; coinciding
  points are merged. Some weights are negative.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.linalg import eigh_tridiagonal

from lejepa_verify.numerics.hermite import _hermite_table
from lejepa_verify.theory.validate import check_int

__all__ = [
    "MAX_NODES",
    "MAX_POINTS",
    "QuadratureRule",
    "gauss_hermite",
    "tensor_rule",
    "smolyak_rule",
    "smolyak_size",
]

#: Largest 1D Gauss–Hermite rule offered (its outermost node is about sqrt(4 q) ≈ 40).
MAX_NODES = 400
#: Largest number of points a multivariate rule may hold.
MAX_POINTS = 4_000_000


@dataclass(frozen=True)
class QuadratureRule:
    """Points (P, n) and weights (P,) with ``Σ w = 1`` approximating ``E f(z)``, ``z ~ N(0, I_n)``.

    ``exact_degree``: every polynomial of total degree ``<= exact_degree`` is integrated
    exactly (for the tensor rule also every polynomial of that degree in each coordinate).
    ``kind`` is ``"tensor"`` or ``"smolyak"``; ``size`` is the 1D node count (tensor) or the
    level (Smolyak).
    """

    points: np.ndarray
    weights: np.ndarray
    exact_degree: int
    kind: str
    size: int

    @property
    def dim(self) -> int:
        """Dimension ``n`` of the points."""
        return int(self.points.shape[1])

    @property
    def n_points(self) -> int:
        """Number of points ``P`` of the rule."""
        return int(self.points.shape[0])

    def integrate(self, values) -> np.ndarray:
        """``Σ_p w_p f(z_p)`` for values of shape (P,) or (P, m)."""
        values = np.asarray(values, dtype=float)
        if values.shape[0] != self.n_points:
            raise ValueError(f"values must have {self.n_points} rows (one per point), got {values.shape[0]}")
        return self.weights @ values

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {
            "kind": self.kind,
            "size": self.size,
            "dim": self.dim,
            "n_points": self.n_points,
            "exact_degree": self.exact_degree,
        }


@lru_cache(maxsize=64)
def _gauss_hermite_cached(q: int):
    # Golub–Welsch: the nodes are the eigenvalues of the Jacobi matrix of the orthonormal
    # recurrence (zero diagonal, off-diagonal sqrt(k)); numpy's hermegauss overflows beyond
    # q ≈ 300, so the weights come from the Christoffel function instead,
    # w_i = 1 / Σ_{k<q} h_k(x_i)², evaluated with the overflow-free normalised recurrence.
    if q == 1:
        x, w = np.zeros(1), np.ones(1)
    else:
        x = eigh_tridiagonal(np.zeros(q), np.sqrt(np.arange(1.0, q)), eigvals_only=True)
        # one Newton step on h_q, using h_q' = sqrt(q) h_{q-1}
        table = _hermite_table(x, q)
        x = x - table[:, q] / (np.sqrt(q) * table[:, q - 1])
        x = 0.5 * (x - x[::-1])  # the rule is symmetric; enforce it to the last bit
        with np.errstate(over="ignore"):  # beyond |x| ≈ 37 at q = 400, w underflows to 0 anyway
            table = _hermite_table(x, q - 1)
            w = 1.0 / np.einsum("ik,ik->i", table, table)
        w = 0.5 * (w + w[::-1])
        w = w / w.sum()
    x.setflags(write=False)
    w.setflags(write=False)
    return x, w


def gauss_hermite(q: int) -> tuple[np.ndarray, np.ndarray]:
    """``q``-point probabilists' Gauss–Hermite rule: nodes and weights summing to 1.

    Exact for ``E p(z)``, ``z ~ N(0, 1)``, for every polynomial ``p`` of degree ``<= 2q − 1``.
    Returns read-only arrays.
    """
    q = check_int(q, "q (number of Gauss–Hermite nodes)", 1, MAX_NODES)
    return _gauss_hermite_cached(q)


def tensor_rule(dim: int, q: int) -> QuadratureRule:
    """Tensor Gauss–Hermite rule with ``q`` nodes per axis in ``dim`` dimensions (``q^dim`` points).

    Points are ordered with the last coordinate fastest (C order), so values reshape to
    ``(q,) * dim``.
    """
    dim = check_int(dim, "dim", 1)
    x, w = gauss_hermite(q)
    if q**dim > MAX_POINTS:
        raise ValueError(f"a tensor rule with {q} nodes in dim {dim} has {q**dim} points; at most {MAX_POINTS} are allowed")
    grids = np.meshgrid(*([x] * dim), indexing="ij")
    points = np.stack([g.reshape(-1) for g in grids], axis=1)
    wgrids = np.meshgrid(*([w] * dim), indexing="ij")
    weights = np.prod(np.stack([g.reshape(-1) for g in wgrids], axis=1), axis=1)
    return QuadratureRule(points, weights, 2 * q - 1, "tensor", q)


def _smolyak_terms(dim: int, level: int):
    """(coefficient, 1D node counts) of each tensor term of the combination technique."""
    for total in range(max(0, level - dim + 1), level + 1):
        coef = (-1) ** (level - total) * math.comb(dim - 1, level - total)
        # compositions of `total` into `dim` non-negative parts
        for bars in itertools.combinations(range(total + dim - 1), dim - 1):
            parts, prev = [], -1
            for b in bars + (total + dim - 1,):
                parts.append(b - prev - 1)
                prev = b
            yield coef, tuple(p + 1 for p in parts)


def smolyak_size(dim: int, level: int) -> int:
    """Upper bound on the number of points of the Smolyak rule (before merging; for budgeting)."""
    dim = check_int(dim, "dim", 1)
    level = check_int(level, "level", 0)
    return sum(math.prod(ls) for _, ls in _smolyak_terms(dim, level))


def smolyak_rule(dim: int, level: int) -> QuadratureRule:
    """Smolyak sparse grid of ``level`` from non-nested Gauss–Hermite rules; exact to total degree ``2 level + 1``.

    Its weights sum to 1 but are partly negative (``Σ |w|`` is 575 at n = 8, level 3): for an
    integrand with a kink the rule can amplify its local errors by up to that factor, and a
    quantity that is non-negative for every positive-weight rule (a second moment) can come out
    negative. Returns read-only arrays (the rule is cached).
    """
    dim = check_int(dim, "dim", 1)
    level = check_int(level, "level", 0, MAX_NODES - 1)
    if smolyak_size(dim, level) > MAX_POINTS:
        raise ValueError(
            f"a Smolyak rule of level {level} in dim {dim} has more than {MAX_POINTS} points; lower the level"
        )
    return _smolyak_cached(dim, level)


@lru_cache(maxsize=16)
def _smolyak_cached(dim: int, level: int) -> QuadratureRule:
    pts, wts = [], []
    for coef, ls in _smolyak_terms(dim, level):
        rules = [gauss_hermite(l) for l in ls]
        grids = np.meshgrid(*[r[0] for r in rules], indexing="ij")
        wgrids = np.meshgrid(*[r[1] for r in rules], indexing="ij")
        pts.append(np.stack([g.reshape(-1) for g in grids], axis=1))
        wts.append(coef * np.prod(np.stack([g.reshape(-1) for g in wgrids], axis=1), axis=1))
    points = np.vstack(pts)
    weights = np.concatenate(wts)
    # merge coinciding points (only the origin of odd rules coincides across terms, but a
    # coordinate value 0 appears in many terms); rounding guards against last-bit differences
    key = np.round(points, 12) + 0.0  # + 0.0 turns -0.0 into 0.0
    uniq, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    merged = np.bincount(inverse.reshape(-1), weights=weights, minlength=len(uniq))
    keep = merged != 0.0
    # keep an original (unrounded) copy of each point so the nodes stay exact
    points, weights = points[first][keep], merged[keep]
    points.setflags(write=False)
    weights.setflags(write=False)
    return QuadratureRule(points, weights, 2 * level + 1, "smolyak", level)
