"""Student's t with ``ν > 2`` degrees of freedom, scaled by ``s = sqrt((ν − 2)/ν)`` (unit variance; docs/theory.md §3).

Density ``∝ (1 + z²/(νs²))^{−(ν+1)/2}``; score ``−(ν + 1)z/(νs² + z²)``; even moments
``Π_{j <= k/2} (2j − 1)(ν − 2)/(ν − 2j)`` for ``k < ν`` and ``inf`` for ``k >= ν``
(odd moments 0 below ν, ``nan`` from ν on). Spectral class: ``V → 0``, no Poincaré gap. No exact
AR(1) chain is known here.
"""

from __future__ import annotations

import math

from scipy import stats

from lejepa_verify.numerics.latents.base import LawFamily, Parameter, register
from lejepa_verify.numerics.latents.gennorm import NO_GAP


@register
class StudentT(LawFamily):
    """Student's t with ``nu > 2`` degrees of freedom, standardised (scale ``√((ν − 2)/ν)``)."""
    name = "student_t"
    summary = "Student-t with nu > 2, unit variance"
    scipy_name = "t"
    parameters = (Parameter("nu", 5.0, 2.0, math.inf, why="degrees of freedom; nu > 2 for a finite variance"),)

    def build(self, p):
        nu = p["nu"]
        s = math.sqrt((nu - 2.0) / nu)
        return stats.t(nu, scale=s), s

    def score(self, law, z):
        nu, s = law.params["nu"], law.scale
        return -(nu + 1.0) * z / (nu * s * s + z * z)

    def moment(self, law, k):
        nu = law.params["nu"]
        if k % 2 == 1:
            return math.nan if k >= nu else 0.0
        if k >= nu:
            return math.inf
        # E|t|^{2m} = ν^m (2m − 1)!! / Π_{j<=m} (ν − 2j) (Γ(x − m)/Γ(x) = 1/Π (x − j)); with
        # s² = (ν − 2)/ν: E z^{2m} = Π_{j<=m} (2j − 1)(ν − 2)/(ν − 2j). A product of ratios near
        # 2j − 1 stays accurate for any ν, where differences of log-Gamma lose ~1e-16·ν.
        return float(math.prod((2 * j - 1) * (nu - 2.0) / (nu - 2.0 * j) for j in range(1, k // 2 + 1)))

    def spectral_theory(self, law):
        return NO_GAP
