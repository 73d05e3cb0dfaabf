"""Recovery metrics of a learned map on a held-out set (docs/theory.md §1, §4, §7). numpy only.

- ``R²(a→b)``: least squares of ``b`` on ``[a, 1]``, ``1 − SS_res / SS_tot`` pooled over the
  coordinates of ``b``. ``R²(h→z)`` (the latent read out linearly from the embedding) is the
  recovery score; ``R²(z→h)`` says how linear the embedding is in the latent.
- MCC: mean absolute Pearson correlation of the coordinates after the best one-to-one matching
  (Hungarian). LeJEPA identifies ``z`` up to a rotation only, so MCC need not approach 1.
- Orthogonality error ``||AᵀA − I||_F`` of the least-squares linear map ``h ≈ A z + b``.
- ε, δ, D, the bound and the Procrustes MSE: :func:`numerics.bounds.approximate_identifiability`.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment


#: above this condition number of the centred design the normal equations give way to an SVD solve
_MAX_COND = 1e6


def affine_fit(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coefficients ``C`` (n × m) of the least-squares fit ``b ≈ (a − ā) C + b̄`` and its residuals.

    The intercept is removed by centring, and the slope solves the normal equations
    ``(AᵀA) C = AᵀB`` of the centred data by a Cholesky factorisation: two GEMMs and an
    ``n × n`` factorisation, where an SVD least squares (``numpy.linalg.lstsq``) of the same
    design is many times slower at ``N = 10⁴``, ``n = 1024`` (evaluation of the authors' largest
    runs). Its error grows with the square of the design's condition number, so a design whose
    condition number exceeds ``1e6`` (a collapsed embedding) is solved by the SVD instead."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    ac, bc = a - a.mean(0), b - b.mean(0)
    gram = ac.T @ ac
    d = np.sqrt(np.diag(gram))
    coef = None
    if np.all(d > 0):
        scaled = gram / np.outer(d, d)          # unit diagonal: its condition number decides
        try:
            from scipy.linalg import cho_factor, cho_solve

            eig = np.linalg.eigvalsh(scaled)
            if eig[0] > 0 and eig[-1] / eig[0] < _MAX_COND ** 2:
                coef = cho_solve(cho_factor(scaled), (ac.T @ bc) / d[:, None]) / d[:, None]
        except np.linalg.LinAlgError:
            coef = None
    if coef is None:
        coef, *_ = np.linalg.lstsq(ac, bc, rcond=None)
    return coef, bc - ac @ coef


def r2(a: np.ndarray, b: np.ndarray) -> float:
    """Pooled ``R²`` of the affine least-squares prediction of ``b`` from ``a``."""
    b = np.asarray(b, float)
    _, res = affine_fit(a, b)
    tot = b - b.mean(0)
    return float(1.0 - np.sum(res ** 2) / np.sum(tot ** 2))


def linear_map(z: np.ndarray, h: np.ndarray) -> np.ndarray:
    """``A`` (m × n) of the least-squares fit ``h ≈ A z + b``."""
    coef, _ = affine_fit(z, h)
    return coef.T


def orthogonality_error(z: np.ndarray, h: np.ndarray) -> float:
    """``||AᵀA − I_n||_F`` for the least-squares ``A`` of ``h ≈ A z + b``."""
    A = linear_map(z, h)
    return float(np.linalg.norm(A.T @ A - np.eye(A.shape[1])))


def mcc(z: np.ndarray, h: np.ndarray) -> float:
    """Mean absolute correlation of ``z``'s coordinates with their best-matched coordinates of ``h``.

    A constant coordinate of ``h`` correlates with nothing (0); it does not zero the score, so an
    embedding ``[z, 0]`` wider than the latent (m > n) scores 1. With ``m < n`` only ``m``
    coordinates of ``z`` find a partner and the score is at most ``m / n``.
    """
    z, h = np.asarray(z, float), np.asarray(h, float)
    n = z.shape[1]
    zc = (z - z.mean(0)) / z.std(0)
    sd = h.std(0)
    hc = (h - h.mean(0)) / np.where(sd > 0, sd, 1.0)  # a constant column stays 0
    corr = np.abs(zc.T @ hc / z.shape[0])             # (n, m)
    rows, cols = linear_sum_assignment(-corr)
    return float(corr[rows, cols].sum() / n)
