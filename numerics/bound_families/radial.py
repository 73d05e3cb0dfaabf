"""``radial``: ``h = Q R(z)``, ``R`` rotating each pair ``(z_{2j}, z_{2j+1})`` by ``a π r_j`` (docs/theory.md §4).

``r_j`` is the pair's radius (``n = 2``, ``a = 1``: the spiral). Each block preserves
``N(0, I_2)``, so ``ε = 0``. With ``r`` Rayleigh, ``C = E r² cos(aπr)``, ``S = E r² sin(aπr)``:
``M = Q · diag-blocks((C I + S J)/2)``, whose singular values are all ``sqrt(C² + S²)/2``, so
``E||h − Q* z||² = (n/2)(4 − 2 sqrt(C² + S²))``. In polar coordinates the angular integral of
the OU density is a Bessel function:
``P = E[R(z)·R(z')]_block = ∫∫ r² r'² I_1(κ) cos(aπ(r − r')) e^{−(r² + r'²)/(2(1 − ρ²))}
dr dr' / (1 − ρ²)``, ``κ = ρ r r'/(1 − ρ²)``, and ``δ = (n/2)(4 − 2P − 4(1 − ρ))``.
Both integrands are smooth on ``[0, ∞)`` (the direct 2D integrand is not: ``||z||`` has a
kink at the origin, which is why a fixed tensor rule was off in the fourth digit).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy.special import ive

from lejepa_verify.numerics.bound_families.base import BoundFamily, gauss_legendre_radius, point, register
from lejepa_verify.numerics.convergence import sequence_error


def radial_blocks(x: np.ndarray, a: float) -> np.ndarray:
    """Rotate each pair ``(x_{2j}, x_{2j+1})`` of the rows of ``x`` by ``a π r_j``."""
    n = x.shape[1]
    p = x.reshape(len(x), n // 2, 2)
    ang = a * math.pi * np.sqrt(np.sum(p * p, axis=2))
    c, s = np.cos(ang), np.sin(ang)
    out = np.stack([c * p[..., 0] - s * p[..., 1], s * p[..., 0] + c * p[..., 1]], axis=2)
    return out.reshape(len(x), n)


@lru_cache(maxsize=256)
def radial_integrals(a: float, rho: float):
    """``(C, e_C, S, e_S, P, e_P)`` of the module docstring (Gauss–Legendre on [0, 12], errors
    from three doubling rules)."""
    w_ = a * math.pi
    cs = []
    for q in (32, 64, 128):
        r, w = gauss_legendre_radius(q)
        base = w * r ** 3 * np.exp(-0.5 * r * r)
        cs.append((float(base @ np.cos(w_ * r)), float(base @ np.sin(w_ * r))))
    one = 1.0 - rho * rho
    ps = []
    for q in (50, 100, 200):
        r, w = gauss_legendre_radius(q)
        R, Rp = np.meshgrid(r, r, indexing="ij")
        kappa = rho * R * Rp / one
        # I_1(κ) e^{−(r² + r'²)/(2(1−ρ²))} = ive(1, κ) e^{−(r − r')²/(2(1−ρ²)) − (1−ρ) r r'/(1−ρ²)}
        f = (R * Rp) ** 2 * ive(1, kappa) * np.exp(-(R * R + Rp * Rp - 2.0 * rho * R * Rp) / (2.0 * one))
        f *= np.cos(w_ * (R - Rp)) / one
        ps.append(float(w @ f @ w))
    C = [v[0] for v in cs]
    S = [v[1] for v in cs]
    return (C[-1], sequence_error(C, n_points=128).error, S[-1], sequence_error(S, n_points=128).error,
            ps[-1], sequence_error(ps, n_points=200 ** 2).error)


@register
class Radial(BoundFamily):
    """Radius-dependent rotations of coordinate pairs: Gaussian-preserving, nonlinear."""

    name = "radial"
    summary = "Q R(z), each coordinate pair rotated by a π r (even n; n = 2, a = 1 is the spiral)"

    def check_n(self, n):
        if n % 2:
            raise ValueError(f"n must be even for family 'radial' (rotations of pairs of coordinates), got n = {n}")
        return n

    def map(self, a, n, Q):
        return lambda z: radial_blocks(np.asarray(z, dtype=float), a) @ Q.T

    def population(self, a, n, rho):
        C, e_C, S, e_S, P, e_P = radial_integrals(a, rho)
        amp = math.hypot(C, S)
        e_amp = (abs(C) * e_C + abs(S) * e_S) / amp if amp > 0 else e_C + e_S
        blocks = n // 2
        return point(self.name, a, n, rho, 0.0, 0.0, blocks * (4 - 2 * P - 4 * (1 - rho)), 2 * blocks * e_P,
                     blocks * (4 - 2 * amp), 2 * blocks * e_amp,
                     "polar coordinates: 1D and 2D Gauss–Legendre, error from 3 doubling rules")
