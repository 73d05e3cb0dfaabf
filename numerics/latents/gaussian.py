"""The standard Gaussian N(0, 1): the one law for which linear recovery is optimal (docs/theory.md §1, §3).

Density ``exp(−z²/2)/sqrt(2π)``; score ``−z``; moments ``(k − 1)!!`` for even ``k``. Spectral
class: ``V = s²/4 + s'/2 = z²/4 − 1/2 → ∞``, a discrete spectrum with ``f₁ = z``, ``λ₁ = K``.
Exact AR(1) chain: the Ornstein–Uhlenbeck (Mehler) channel ``z' = ρz + sqrt(1 − ρ²) η``,
``η ~ N(0, 1)``; its natural transition is ``ou``.
"""

from __future__ import annotations

import math

import mpmath
from scipy import special, stats

from lejepa_verify.numerics.latents.base import AR1Chain, LawFamily, SpectralTheory, register

DISCRETE = SpectralTheory(True, True, math.inf, "V = s²/4 + s'/2 → ∞: discrete spectrum")


def gauss_moment(k: int) -> float:
    """``E z^k`` for ``z ~ N(0, 1)``: ``(k − 1)!!`` for even ``k``, 0 for odd ``k``."""
    return 0.0 if k % 2 else float(math.prod(range(k - 1, 0, -2)))


class GaussianChain(AR1Chain):
    """``z' = ρz + sqrt(1 − ρ²) η``, ``η ~ N(0, 1)``: stationary and reversible for N(0, 1)."""

    name = "gaussian"

    def step(self, law, rho, z, rng):
        return rho * z + math.sqrt(1.0 - rho * rho) * rng.standard_normal(z.shape)

    def next_cdf(self, law, rho, t, zq, wq):
        shifted = t[:, None] - rho * zq[None, :]
        return special.ndtr(shifted / math.sqrt(1.0 - rho * rho)) @ wq

    def shape_moments(self, rho, n):
        mp = mpmath.mp
        m, e = [], []
        for i in range(n + 1):
            mi = mp.mpf(0) if i % 2 else mpmath.fac2(i - 1) if i > 0 else mp.mpf(1)
            m.append(mi)
            e.append(mi * (1 - rho**2) ** (mp.mpf(i) / 2))
        return m, e


GAUSSIAN_CHAIN = GaussianChain()


@register
class Gaussian(LawFamily):
    """The standard Gaussian N(0, 1): the only law for which the LeJEPA optimum is linear (docs/theory.md §3)."""
    name = "gaussian"
    summary = "N(0, 1)"
    scipy_name = "norm"

    def build(self, p):
        return stats.norm(0.0, 1.0), 1.0

    def score(self, law, z):
        return -z

    def moment(self, law, k):
        return gauss_moment(k)

    def is_gaussian(self, law):
        return True

    def spectral_theory(self, law):
        return DISCRETE

    def ar1_chain(self, law):
        return GAUSSIAN_CHAIN
