"""``sinusoid``: ``g(z) = (z0 + sin(1.5 z1), z1)``, a sinusoidal shear of the plane (docs/theory.md §7).

:func:`sinusoid` and :func:`sinusoid_inverse` are the formulas, written for any array namespace
``xp`` (numpy, torch), so the trainer's observation can evaluate the same lines.
"""

from __future__ import annotations

import numpy as np

from lejepa_verify.numerics.maps.base import Fixed2D, register


def sinusoid(z, xp=np):
    """``x = (z0 + sin(1.5 z1), z1)`` on the last axis (size 2); ``xp`` is numpy or torch."""
    return xp.stack((z[..., 0] + xp.sin(1.5 * z[..., 1]), z[..., 1]), -1)


def sinusoid_inverse(x, xp=np):
    """``z = (x0 − sin(1.5 x1), x1)``."""
    return xp.stack((x[..., 0] - xp.sin(1.5 * x[..., 1]), x[..., 1]), -1)


@register
class Sinusoid(Fixed2D):
    """The authors' sinusoidal shear."""

    name = "sinusoid"
    summary = "(z0 + sin(1.5 z1), z1) (2D)"
    library = "mixing"

    def build(self, dim, seed):
        return self.make(sinusoid, dim)
