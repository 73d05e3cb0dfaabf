"""``spiral``: ``g(z) = R(π||z||) z`` in the plane, the authors' first mixing (docs/theory.md §7).

The radial rotation at one turn: it preserves N(0, I) and keeps the radius, so
``g⁻¹(x) = R(−π||x||) x``. :func:`spiral` and :func:`spiral_inverse` are the formulas, written
for any array namespace ``xp`` (numpy, torch), so the trainer's observation can evaluate the
same lines.
"""

from __future__ import annotations

import numpy as np

from lejepa_verify.numerics.maps.base import Fixed2D, register
from lejepa_verify.numerics.maps.radial_rotation import radial_rotation


def spiral(z, xp=np):
    """``x = R(π||z||) z`` on the last axis (size 2); ``xp`` is numpy or torch."""
    return radial_rotation(z, 1.0, xp)


def spiral_inverse(x, xp=np):
    """``z = R(−π||x||) x`` (the angle depends only on the norm, which the rotation keeps)."""
    return radial_rotation(x, -1.0, xp)


@register
class Spiral(Fixed2D):
    """The spiral, a Gaussian-preserving nonlinear mixing of the plane."""

    name = "spiral"
    summary = "R(π||z||) z (2D; preserves N(0, I))"
    gaussian_preserving = True
    library = "mixing"

    def build(self, dim, seed):
        return self.make(spiral, dim, {"turns": 1.0})
