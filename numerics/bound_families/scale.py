"""``scale``: ``h = (1 + a) Qz`` (docs/theory.md §4).

``ε = sqrt(n) |(1 + a)² − 1|``, ``δ = D = 0``, ``E||h − Qz||² = n a²``; bound
``n ((1 + a)² − 1)²``. Exact for ``a > −1``.
"""

from __future__ import annotations

import math

from lejepa_verify.numerics.bound_families.base import BoundFamily, register


@register
class Scale(BoundFamily):
    """A rotation scaled by ``1 + a``: only whitening is violated."""

    name = "scale"
    summary = "(1 + a) Qz, a > −1"
    has_closed_form = True

    def check_a(self, a):
        if a <= -1.0:
            raise ValueError(f"a must be > -1 for family 'scale' (s = 1 + a > 0), got {a}")
        return a

    def map(self, a, n, Q):
        return lambda z: (1.0 + a) * z @ Q.T

    def closed_form(self, a, n, rho):
        s = 1.0 + a
        eps = math.sqrt(n) * abs(s * s - 1)
        return {"epsilon": eps, "delta": 0.0, "D": 0.0, "bound": eps * eps, "error": n * (s - 1) ** 2}
