"""``degree2``: ``h = sqrt(1 − a²) Qz + a v(z)``, ``v_i = He_2(z_i)/√2`` (docs/theory.md §4).

``Cov h = I`` so ``ε = 0``; the degree-2 energy ``n a²`` costs ``2(1 − ρ²)`` instead of
``2(1 − ρ)``, so ``δ = 2 n a² ρ(1 − ρ)`` and ``D = n a²``; ``M = E[h zᵀ] = sqrt(1 − a²) Q``, so
the polar factor is ``Q`` and ``E||h − Qz||² = n(1 − sqrt(1 − a²))² + n a²``; bound
``n a² + n² a⁴``. Exact for ``a ∈ [0, 1]``.
"""

from __future__ import annotations

import math

from lejepa_verify.numerics.bound_families.base import BoundFamily, register


@register
class Degree2(BoundFamily):
    """The linear part shrunk and the normalised second Hermite polynomial added."""

    name = "degree2"
    summary = "sqrt(1 − a²) Qz + a He₂(z)/√2 coordinatewise, a in [0, 1]"
    has_closed_form = True

    def check_a(self, a):
        if not 0.0 <= a <= 1.0:
            raise ValueError(f"a must lie in [0, 1] for family 'degree2', got {a}")
        return a

    def map(self, a, n, Q):
        c = math.sqrt(1.0 - a * a)
        return lambda z: c * z @ Q.T + a * (z ** 2 - 1.0) / math.sqrt(2.0)

    def closed_form(self, a, n, rho):
        D = n * a * a
        return {"epsilon": 0.0, "delta": 2 * n * a * a * rho * (1 - rho), "D": D,
                "bound": D + D * D, "error": n * (1 - math.sqrt(1 - a * a)) ** 2 + n * a * a}
