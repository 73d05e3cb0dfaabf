"""``piecewise_reflection``: reflect across ``a·z = 0`` only where ``b·z > 0``, with ``b ⟂ a`` (docs/theory.md §2).

The reflection fixes ``b·z``, so it maps that half-space onto itself and is an isometry there:
N(0, I) is preserved. ``a`` and ``b`` are drawn from ``seed`` (``b`` made orthogonal to ``a``)
unless given.
"""

from __future__ import annotations

import numpy as np

from lejepa_verify.numerics.maps.base import Planar, register


def _piecewise_reflection(a: np.ndarray, b: np.ndarray):
    a = a / np.linalg.norm(a)

    def fn(z):
        side = (z @ b) > 0
        proj = z @ a
        return z - 2.0 * (side * proj)[:, None] * a[None, :]
    return fn


@register
class PiecewiseReflection(Planar):
    """A reflection applied on one half-space."""

    name = "piecewise_reflection"
    summary = "reflect across a·z = 0 where b·z > 0 (b ⟂ a), dim >= 2"
    parameters = ("a", "b")
    gaussian_preserving = True
    library = "gaussian_preserving"

    def build(self, dim, seed, **params):
        rng = np.random.default_rng(seed)
        a = np.asarray(params.get("a", rng.standard_normal(dim)), dtype=float)
        b = np.asarray(params.get("b", rng.standard_normal(dim)), dtype=float)
        if "b" not in params:
            b = b - (b @ a) / (a @ a) * a  # Gram–Schmidt: make b ⟂ a
        if a.shape != (dim,) or b.shape != (dim,) or np.linalg.norm(a) == 0 or np.linalg.norm(b) == 0:
            raise ValueError(f"a and b must be nonzero vectors of length {dim}")
        if abs(a @ b) > 1e-10 * np.linalg.norm(a) * np.linalg.norm(b):
            raise ValueError(f"b must be orthogonal to a (so the half-space b·z > 0 maps onto itself), "
                             f"got a·b = {a @ b:.3g}")
        return self.make(_piecewise_reflection(a, b), dim, {"a": a, "b": b})
