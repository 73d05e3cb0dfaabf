"""The uniform law on ``[−√3, √3]`` (unit variance; docs/theory.md §3).

Score 0 inside the support, ``nan`` outside it (undefined there); moments ``3^{k/2}/(k + 1)`` for
even ``k``. Spectral class: a compact interval with reflecting ends, a discrete spectrum with
``f₁ = sin(πz/(2√3))``, ``λ₁ = Kπ²/12`` and ``R² = 96/π⁴``. Exact AR(1) chain only for
``ρ = 1/k`` (integer ``k >= 2``): ``ε`` uniform on the ``k`` points ``a(−1 + (2j + 1)/k)``, since
the uniform on ``[−a, a]`` is the sum of the uniform on ``[−a/k, a/k]`` and those centres.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
from scipy import stats

from lejepa_verify.numerics.latents.base import AR1Chain, LawFamily, SpectralTheory, register

UNIFORM_HALF_WIDTH = math.sqrt(3.0)

COMPACT = SpectralTheory(True, True, math.inf, "compact support with reflecting ends: discrete spectrum")


def uniform_k(rho: float) -> int:
    """The integer ``k >= 2`` with ``rho = 1/k``: the uniform AR(1) chain exists only for these ``rho``."""
    k = round(1.0 / rho)
    if k < 2 or abs(1.0 / rho - k) > 1e-9 * k:
        raise ValueError(f"rho must be 1/k for an integer k >= 2 for the uniform AR(1) chain, got {rho!r}")
    return k


class UniformChain(AR1Chain):
    """``z' = z/k + ε``, ``ε`` uniform on the ``k`` cell centres ``a(−1 + (2j + 1)/k)``, ``ρ = 1/k``."""

    name = "uniform"

    def check_rho(self, rho):
        uniform_k(rho)

    def exact_rho(self, rho):
        return mpmath.mpf(1) / uniform_k(rho)

    def step(self, law, rho, z, rng):
        k = uniform_k(rho)
        a = law.support[1]
        j = rng.integers(0, k, size=z.shape)
        return z / k + a * (-1.0 + (2 * j + 1) / k)

    def next_cdf(self, law, rho, t, zq, wq):
        k = uniform_k(rho)
        a = law.support[1]
        centres = a * (-1.0 + (2 * np.arange(k) + 1) / k)
        return law.cdf((t[:, None] - centres[None, :]) / rho).mean(axis=1)

    def shape_moments(self, rho, n):
        mp = mpmath.mp
        k = int(mpmath.nint(1 / rho))
        centres = [mp.mpf(-1) + mp.mpf(2 * j + 1) / k for j in range(k)]
        m = [mp.mpf(0) if i % 2 else mp.mpf(1) / (i + 1) for i in range(n + 1)]
        e = [sum(c**i for c in centres) / k for i in range(n + 1)]
        return m, e


UNIFORM_CHAIN = UniformChain()


@register
class Uniform(LawFamily):
    """The uniform law on ``[−√3, √3]``; exact AR(1) chains exist for ρ = 1/k."""
    name = "uniform"
    summary = "uniform on [−√3, √3]"
    scipy_name = "uniform"
    equispaced_cells = True

    def build(self, p):
        s = UNIFORM_HALF_WIDTH
        return stats.uniform(loc=-s, scale=2 * s), s

    def support(self, law):
        return (-UNIFORM_HALF_WIDTH, UNIFORM_HALF_WIDTH)

    def score(self, law, z):
        lo, hi = self.support(law)
        return np.where((z >= lo) & (z <= hi), 0.0, np.nan)

    def moment(self, law, k):
        return 0.0 if k % 2 else float(law.scale**k / (k + 1))

    def spectral_theory(self, law):
        return COMPACT

    def ar1_chain(self, law):
        return UNIFORM_CHAIN
