"""Normalised Hermite functions and the total-degree basis of L²(γ_n) (docs/theory.md §2).

``h_k(z) = He_k(z) / sqrt(k!)`` with the probabilists' polynomials ``He_k``; under ``N(0, 1)``
they are orthonormal. They are evaluated by the normalised three-term recurrence

    h_0 = 1,   h_1 = z,   h_{k+1} = (z h_k − sqrt(k) h_{k−1}) / sqrt(k + 1),

which never forms ``He_k`` or ``k!`` separately: for ``|z| <= 40`` and ``k <= 200`` the values
stay below about 1e134 (``h_k(z) ≈ z^k / sqrt(k!)``), far from overflow, and forward evaluation
of the dominant solution of this recurrence loses only a few ulps per step.

Multivariate basis: ``h_α(z) = Π_j h_{α_j}(z_j)`` for multi-indices ``α`` with ``|α| <= D``,
enumerated by :func:`total_degree_indices` in graded order (degree 0, then 1, ...).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from numba import njit

from lejepa_verify.theory.validate import check_int

__all__ = [
    "MAX_DEGREE",
    "MAX_ABS_Z",
    "hermite_functions",
    "max_abs_z",
    "total_degree_indices",
    "basis_size",
    "basis_matrix",
    "degree_of_indices",
]

#: Largest degree whose accuracy the package guarantees (tests check up to here at ``|z| <= 40``).
MAX_DEGREE = 200
#: Largest ``|z|`` at which the recurrence is guaranteed overflow-free up to ``MAX_DEGREE``.
MAX_ABS_Z = 40.0
#: The basis is materialised as (K, n) integers and coefficient arrays (m, K); cap K.
_MAX_BASIS = 2_000_000


@njit(cache=True)
def _hermite_table(z, max_degree):
    """``out[i, k] = h_k(z[i])`` for a flat float array ``z``."""
    out = np.empty((z.size, max_degree + 1))
    for i in range(z.size):
        x = z[i]
        out[i, 0] = 1.0
        if max_degree >= 1:
            out[i, 1] = x
        for k in range(1, max_degree):
            out[i, k + 1] = (x * out[i, k] - math.sqrt(k) * out[i, k - 1]) / math.sqrt(k + 1)
    return out


@njit(cache=True)
def _basis_from_table(table, coords, degs, nnz):
    """``out[p, a] = Π_j table[p, coords[a, j], degs[a, j]]`` over the nonzero entries of α_a.

    ``table`` is (N, n, D + 1) univariate values; a multi-index is stored sparsely because in
    high dimension (n = 64, D = 3) each α has at most D nonzero entries out of n.
    """
    n_points = table.shape[0]
    n_basis = coords.shape[0]
    out = np.empty((n_points, n_basis))
    for p in range(n_points):
        for a in range(n_basis):
            v = 1.0
            for j in range(nnz[a]):
                v *= table[p, coords[a, j], degs[a, j]]
            out[p, a] = v
    return out


def _check_points(z, name: str = "z") -> np.ndarray:
    z = np.asarray(z, dtype=float)
    if not np.all(np.isfinite(z)):
        bad = np.argwhere(~np.isfinite(z))[0]
        raise ValueError(f"{name} must be finite, got a non-finite value at index {tuple(int(i) for i in bad)}")
    return z


def hermite_functions(z, max_degree: int) -> np.ndarray:
    """Normalised Hermite functions ``h_k(z) = He_k(z)/sqrt(k!)`` for ``k = 0..max_degree``.

    Parameters
    ----------
    z : array_like, any shape, finite.
    max_degree : int in ``[0, MAX_DEGREE]``.

    Returns
    -------
    ndarray of shape ``z.shape + (max_degree + 1,)``.
    """
    max_degree = check_int(max_degree, "max_degree", 0, MAX_DEGREE)
    z = _check_points(z)
    flat = np.ascontiguousarray(z.reshape(-1))
    out = _hermite_table(flat, max_degree)
    if not np.all(np.isfinite(out)):
        # h_k(z) ≈ z^k / sqrt(k!) overflows double precision for large |z|: refuse instead of
        # returning inf or nan (inf − inf in the recurrence)
        i = int(np.argmax(~np.all(np.isfinite(out), axis=1)))
        raise ValueError(
            f"z is too large for max_degree {max_degree}: h_k(z) ≈ z^k/sqrt(k!) overflows double "
            f"precision from about |z| ≈ {max_abs_z(max_degree):.3g} at this degree (finite for every "
            f"|z| <= {MAX_ABS_Z:g} up to degree {MAX_DEGREE}), got z = {float(flat[i])!r}"
        )
    return out.reshape(z.shape + (max_degree + 1,))


def max_abs_z(max_degree: int) -> float:
    """About the largest ``|z|`` at which ``h_k(z)``, ``k <= max_degree``, stays below double-precision overflow.

    From ``h_k(z) ≈ z^k/sqrt(k!)``: ``min_k exp((log(1.8e308) + log(k!)/2)/k)`` (the recurrence
    overflows a little earlier or later than this leading-order estimate).
    """
    max_degree = check_int(max_degree, "max_degree", 0, MAX_DEGREE)
    if max_degree == 0:
        return math.inf
    return min(math.exp((math.log(np.finfo(float).max) + 0.5 * math.lgamma(k + 1)) / k)
               for k in range(1, max_degree + 1))


def basis_size(dim: int, max_degree: int) -> int:
    """Number of multi-indices ``α ∈ N^dim`` with ``|α| <= max_degree``: ``C(dim + D, D)``."""
    dim = check_int(dim, "dim", 1)
    max_degree = check_int(max_degree, "max_degree", 0)
    return math.comb(dim + max_degree, max_degree)


def total_degree_indices(dim: int, max_degree: int) -> np.ndarray:
    """All ``α ∈ N^dim`` with ``|α| <= max_degree`` as a (K, dim) int array, graded order.

    Within one degree the order is that of sorted coordinate tuples, e.g. for ``dim = 2``,
    degree 2: ``(2, 0), (1, 1), (0, 2)``. ``K = C(dim + max_degree, max_degree)``.
    """
    dim = check_int(dim, "dim", 1)
    max_degree = check_int(max_degree, "max_degree", 0, MAX_DEGREE)
    k = basis_size(dim, max_degree)
    if k > _MAX_BASIS:
        raise ValueError(
            f"max_degree {max_degree} in dim {dim} gives {k} basis functions; at most {_MAX_BASIS} are allowed"
        )
    out = np.zeros((k, dim), dtype=np.int64)
    row = 0
    for d in range(max_degree + 1):
        for combo in itertools.combinations_with_replacement(range(dim), d):
            for j in combo:
                out[row, j] += 1
            row += 1
    return out


def degree_of_indices(indices: np.ndarray) -> np.ndarray:
    """Total degree ``|α|`` of each row of a (K, n) multi-index array."""
    return np.asarray(indices, dtype=np.int64).sum(axis=1)


def _sparse_indices(indices: np.ndarray):
    """(coords, degs, nnz): the nonzero entries of each multi-index, padded to the max count."""
    indices = np.asarray(indices, dtype=np.int64)
    nnz = np.count_nonzero(indices, axis=1).astype(np.int64)
    width = max(int(nnz.max(initial=0)), 1)
    coords = np.zeros((len(indices), width), dtype=np.int64)
    degs = np.zeros((len(indices), width), dtype=np.int64)
    rows, cols = np.nonzero(indices)
    # position of each nonzero within its row
    pos = np.arange(len(rows)) - np.searchsorted(rows, rows)
    coords[rows, pos] = cols
    degs[rows, pos] = indices[rows, cols]
    return coords, degs, nnz


def basis_matrix(z, indices) -> np.ndarray:
    """``B[p, a] = h_{α_a}(z_p)`` for points ``z`` (N, n) and multi-indices (K, n).

    The univariate values come from the normalised recurrence; the products are formed in a
    numba kernel that touches only the nonzero entries of each α.
    """
    z = _check_points(z)
    indices = np.asarray(indices, dtype=np.int64)
    if z.ndim != 2 or indices.ndim != 2 or z.shape[1] != indices.shape[1]:
        raise ValueError(f"z must be (N, n) and indices (K, n) with the same n, got {z.shape} and {indices.shape}")
    if indices.size and indices.min() < 0:
        raise ValueError("indices must be non-negative multi-indices")
    max_degree = int(indices.max(initial=0))
    table = hermite_functions(z, max_degree)
    coords, degs, nnz = _sparse_indices(indices)
    return _basis_from_table(np.ascontiguousarray(table), coords, degs, nnz)
