"""``radial_rotation``: ``R_{01}(θ(||z||)) z`` with ``θ = turns · π · ||z||`` (docs/theory.md §2).

A rotation in the plane of the first two coordinates by an angle that depends on the radius
only, so each sphere is mapped onto itself measure-preservingly and N(0, I) is preserved; the
spiral is ``turns = 1`` in 2D. :func:`radial_rotation` is the formula, written for any array
namespace ``xp`` with ``sqrt``, ``sin``, ``cos`` and ``stack`` (numpy, torch).
"""

from __future__ import annotations

import math

import numpy as np

from lejepa_verify.numerics.maps.base import Planar, register


def radial_rotation(z, turns: float = 1.0, xp=np):
    """``R_{01}(turns · π · ||z||) z`` on the last axis of ``z`` (size >= 2); ``xp`` is numpy or torch."""
    r = xp.sqrt((z * z).sum(-1))
    theta = turns * math.pi * r
    c, s = xp.cos(theta), xp.sin(theta)
    rest = [z[..., k] for k in range(2, z.shape[-1])]
    return xp.stack([c * z[..., 0] - s * z[..., 1], s * z[..., 0] + c * z[..., 1], *rest], -1)


def check_turns(turns) -> float:
    """``turns`` as a finite nonzero float."""
    turns = float(turns)
    if not math.isfinite(turns) or turns == 0:
        raise ValueError(f"turns must be finite and nonzero, got {turns}")
    return turns


@register
class RadialRotation(Planar):
    """A radius-dependent rotation of the first coordinate plane."""

    name = "radial_rotation"
    summary = "R_01(turns π ||z||) z, dim >= 2"
    parameters = ("turns",)
    gaussian_preserving = True
    library = "gaussian_preserving"

    def build(self, dim, seed, **params):
        turns = check_turns(params.get("turns", 1.0))
        return self.make(lambda z: radial_rotation(z, turns), dim, {"turns": turns})
