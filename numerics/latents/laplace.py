"""The Laplace law ``exp(−|z|/b)/(2b)`` with ``b = 1/sqrt(2)`` (unit variance; docs/theory.md §3).

Score ``−sign(z)/b`` (0 at the kink ``z = 0``, the symmetric value); moments ``b^k k!`` for even
``k``. Spectral class: ``V = 1/(4b²) − δ(z)/b``; the delta well binds only the constant (even)
state, so a Poincaré gap exists but the bottom of the non-constant spectrum, ``K/(4b²) = K/2``,
is the edge of the continuous spectrum, not an eigenvalue. Exact AR(1) chain: ``ε = 0`` with
probability ρ², else a Laplace variable of the same scale (the characteristic functions satisfy
``φ(t)/φ(ρt) = ρ² + (1 − ρ²)/(1 + b²t²)``). The generalised normal with α = 1 is this law and
shares the chain, which lives in :mod:`gennorm` (the family that contains both).
"""

from __future__ import annotations

from scipy import stats

from lejepa_verify.numerics.latents.base import LawFamily, register
from lejepa_verify.numerics.latents.gennorm import (
    LAPLACE_CHAIN,
    LAPLACE_SCALE,
    exponential_tails,
    power_moment,
    power_score,
)

@register
class Laplace(LawFamily):
    """The Laplace law ``exp(−|z|)``, standardised (scale ``1/√2``); it has an exact AR(1) chain."""
    name = "laplace"
    summary = "exp(−|z|/b)/(2b), b = 1/√2"
    scipy_name = "laplace"

    def build(self, p):
        return stats.laplace(scale=LAPLACE_SCALE), LAPLACE_SCALE

    def score(self, law, z):
        return power_score(z, 1.0, law.scale)

    def moment(self, law, k):
        return power_moment(k, 1.0, law.scale)

    def spectral_theory(self, law):
        return exponential_tails(law.scale)

    def ar1_chain(self, law):
        return LAPLACE_CHAIN
