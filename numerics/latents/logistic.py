"""The logistic law ``sech²(z/2c)/(4c)``, ``c = √3/π`` (unit variance; docs/theory.md §3).

Score ``−tanh(z/2c)/c``; moments ``c^k 2(1 − 2^{1−k}) k! ζ(k)`` for even ``k >= 2``. Spectral
class: ``V = (1 − 2 sech²(z/2c))/(4c²)``, a Pöschl–Teller well with exactly one bound state (the
constant): a Poincaré gap, but the bottom of the non-constant spectrum ``K/(4c²) = Kπ²/12`` is
the edge of the continuous spectrum, not an eigenvalue. No exact AR(1) chain is known here.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special, stats

from lejepa_verify.numerics.latents.base import LawFamily, SpectralTheory, register

LOGISTIC_SCALE = math.sqrt(3.0) / math.pi


@register
class Logistic(LawFamily):
    """The logistic law ``sech²(z/2)``, standardised (scale ``√3/π``)."""
    name = "logistic"
    summary = "sech²(z/2c)/(4c), c = √3/π"
    scipy_name = "logistic"

    def build(self, p):
        return stats.logistic(scale=LOGISTIC_SCALE), LOGISTIC_SCALE

    def score(self, law, z):
        s = law.scale
        return -np.tanh(z / (2 * s)) / s

    def moment(self, law, k):
        if k % 2 == 1:
            return 0.0
        if k == 0:
            return 1.0
        # E z^{2m} for the standard logistic is 2(1 − 2^{1−2m}) (2m)! ζ(2m)
        return float(law.scale**k * 2 * (1 - 2.0 ** (1 - k)) * math.factorial(k) * special.zeta(k))

    def spectral_theory(self, law):
        c = law.scale
        return SpectralTheory(True, False, 1.0 / (4 * c * c),
                              "exponential tails: continuous spectrum from K/(4c²); Pöschl–Teller ℓ = 1 binds only constants")
