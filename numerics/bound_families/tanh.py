"""``tanh``: ``h = Q t(z)``, ``t_i = tanh(a z_i)/s`` with ``s² = E tanh²(a z)`` (docs/theory.md §4).

``ε = 0``; with ``c = E[tanh(a z) z]/s`` and ``k = E[tanh(a z) tanh(a z')]/s²``:
``E||h − Qz||² = 2n(1 − c)``, ``δ = 2n(ρ − k)``. The 1D and 2D Gaussian integrals are taken by
the trapezoidal rule on three halving steps, each with the error their sequence shows.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from lejepa_verify.numerics.bound_families.base import BoundFamily, point, register, trapezoid_normal
from lejepa_verify.numerics.convergence import sequence_error

_STEPS = (0.2, 0.1, 0.05)


@lru_cache(maxsize=256)
def tanh_moments(a: float):
    """``(s², e_s², E[tanh(a z) z], its error)`` by the trapezoidal rule on three halving steps.

    The trapezoidal rule on the real line converges like ``exp(−2π d / step)`` for an integrand
    analytic in the strip ``|Im z| < d``; ``tanh(a z)`` has its poles at ``|Im z| = π/(2a)``, so
    for the ``a <= 4`` used here this beats Gauss–Hermite, whose nodes do not adapt to nearby poles.
    """
    vals = []
    for step in _STEPS:
        x, w = trapezoid_normal(step)
        t = np.tanh(a * x)
        vals.append((float(w @ t ** 2), float(w @ (t * x))))
    s2 = [v[0] for v in vals]
    c = [v[1] for v in vals]
    npts = len(trapezoid_normal(_STEPS[-1])[0])
    return s2[-1], sequence_error(s2, n_points=npts).error, c[-1], sequence_error(c, n_points=npts).error


@lru_cache(maxsize=256)
def tanh_correlation(a: float, rho: float):
    """``E[tanh(a z) tanh(a z')]`` on the (z, η) trapezoidal grid, with its error."""
    ks = []
    for step in _STEPS:
        x, w = trapezoid_normal(step)
        t = np.tanh(a * x)
        tp = np.tanh(a * (rho * x[:, None] + math.sqrt(1.0 - rho * rho) * x[None, :]))
        ks.append(float((w * t) @ tp @ w))
    npts = len(trapezoid_normal(_STEPS[-1])[0]) ** 2
    return ks[-1], sequence_error(ks, n_points=npts).error


@register
class Tanh(BoundFamily):
    """A saturating coordinatewise map, standardised to unit variance."""

    name = "tanh"
    summary = "Q tanh(a z)/s coordinatewise, a > 0"

    def check_a(self, a):
        if a <= 0.0:
            raise ValueError(f"a must be > 0 for family 'tanh', got {a}")
        return a

    def map(self, a, n, Q):
        sd = math.sqrt(tanh_moments(a)[0])
        return lambda z: np.tanh(a * z) @ Q.T / sd

    def population(self, a, n, rho):
        s2, e_s2, m1, e_m1 = tanh_moments(a)
        K, e_K = tanh_correlation(a, rho)
        sd = math.sqrt(s2)
        c = m1 / sd
        e_c = e_m1 / sd + abs(m1) * e_s2 / (2.0 * s2 * sd)
        k = K / s2
        e_k = e_K / s2 + abs(K) * e_s2 / s2 ** 2
        # the map divides by the computed s, so Cov h = (s²_true / s²) I: ε is the relative error of s²
        return point(self.name, a, n, rho, 0.0, math.sqrt(n) * e_s2 / s2, 2 * n * (rho - k), 2 * n * e_k,
                     2 * n * (1 - c), 2 * n * e_c, "1D and 2D trapezoidal rules, error from 3 halving steps")
