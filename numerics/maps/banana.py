"""``banana``: ``g(z) = (z0, z1 + z0²)``, a quadratic shear of the plane (docs/theory.md §7).

:func:`banana` and :func:`banana_inverse` are the formulas, written for any array namespace
``xp`` (numpy, torch), so the trainer's observation can evaluate the same lines.
"""

from __future__ import annotations

import numpy as np

from lejepa_verify.numerics.maps.base import Fixed2D, register


def banana(z, xp=np):
    """``x = (z0, z1 + z0²)`` on the last axis (size 2); ``xp`` is numpy or torch."""
    return xp.stack((z[..., 0], z[..., 1] + z[..., 0] ** 2), -1)


def banana_inverse(x, xp=np):
    """``z = (x0, x1 − x0²)``."""
    return xp.stack((x[..., 0], x[..., 1] - x[..., 0] ** 2), -1)


@register
class Banana(Fixed2D):
    """The authors' banana mixing."""

    name = "banana"
    summary = "(z0, z1 + z0²) (2D)"
    library = "mixing"

    def build(self, dim, seed):
        return self.make(banana, dim)
