"""``circle_shift``: ``Φ⁻¹(frac(Φ(z_i) + c_i))`` coordinatewise (docs/theory.md §2).

A rotation of the circle ``[0, 1)`` preserves the uniform law, so the map preserves N(0, I);
``c`` is a scalar or one shift per coordinate, each in (0, 1).
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtr, ndtri

from lejepa_verify.numerics.maps.base import MapFamily, register


def _circle_shift(shift: np.ndarray):
    # u = frac(Φ(z) + c) and 1 − u are both formed from Φ(z) and Φ(−z) = 1 − Φ(z) so that
    # neither tail is rounded to 0 or 1; the output takes Φ⁻¹ of the smaller of the two
    tiny = np.finfo(float).tiny

    def fn(z):
        lo, hi = ndtr(z), ndtr(-z)
        wrap = hi <= shift  # Φ(z) + c >= 1
        u = np.where(wrap, shift - hi, lo + shift)
        v = np.where(wrap, (1.0 - shift) + hi, hi - shift)
        # u or v may be exactly 0 at the single wrap point (measure zero): keep it finite
        return np.where(u < 0.5, ndtri(np.maximum(u, tiny)), -ndtri(np.maximum(v, tiny)))
    return fn


@register
class CircleShift(MapFamily):
    """A shift of each coordinate's Gaussian quantile around the circle."""

    name = "circle_shift"
    summary = "Φ⁻¹(frac(Φ(z_i) + c_i)) coordinatewise, c in (0, 1)"
    parameters = ("shift",)
    gaussian_preserving = True
    library = "gaussian_preserving"

    def build(self, dim, seed, **params):
        shift = np.broadcast_to(np.asarray(params.get("shift", 0.3), dtype=float), (dim,)).copy()
        if not np.all((shift > 0) & (shift < 1)):
            raise ValueError(f"shift must lie in (0, 1) in every coordinate, got {shift.tolist()}")
        return self.make(_circle_shift(shift), dim, {"shift": shift})
