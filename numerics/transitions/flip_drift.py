"""``flip_drift``: ``z' = ρ T_c(z) + sqrt(1 − ρ²) η`` with ``T_c(z) = −z`` for ``|z| < c``, ``z`` otherwise.

An additive-noise world with a nonlinear drift whose stationary law is exactly N(0, 1): ``T_c``
preserves N(0, 1) (it flips the sign on a symmetric set), so ``ρ T_c(z) ~ N(0, ρ²)`` and adding
the independent ``N(0, 1 − ρ²)`` noise gives N(0, 1) again. It meets the paper's assumptions
(independence, stationarity, additive noise) with Gaussian latents, yet it is not the OU
channel: ``corr(z, z') = ρ(1 − 2E[z²; |z| < c])``, and the LeJEPA optimum under ``Var h = 1`` is
nonlinear (``z`` is not an eigenfunction of ``(T + T*)/2``, whose ``T* z = M_ρ T_c`` is not
linear). So Gaussian latents with additive noise do not by themselves make the optimum linear;
Theorem 1 needs the OU channel (numerics/checks/stationary_worlds.py). Option ``flip_radius``
(``c > 0``, default 1).
"""

from __future__ import annotations

import math

import numpy as np

from lejepa_verify.numerics.transitions.additive import AdditiveNoise
from lejepa_verify.numerics.transitions.base import register, standard_normal_law
from lejepa_verify.theory.options import Option


@register
class FlipDrift(AdditiveNoise):
    """A Gaussian-stationary world with a sign-flipping drift."""

    name = "flip_drift"
    summary = "ρ T_c(z) + sqrt(1 − ρ²) η, T_c flips the sign on |z| < c (stationary N(0, 1), not OU)"
    options = (Option("flip_radius", "float", 1.0, "radius c inside which the drift flips the sign of z",
                      low=0.0, low_open=True),)

    def available(self, law):
        return law.is_gaussian

    def unavailable_reason(self, law):
        return f" (the flip drift keeps N(0, 1) only, and a {law.name} law is not Gaussian)"

    def drift(self, x, rho, flip_radius=1.0):
        return rho * np.where(np.abs(x) < flip_radius, -x, x)

    def kinks(self, rho, flip_radius=1.0):
        return (-flip_radius, flip_radius)

    def closed_form_pdf(self, x, rho, flip_radius=1.0):
        return np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)

    def location_scale(self, rho, flip_radius=1.0):
        return 0.0, 1.0

    def world_law(self, rho, **options):
        return standard_normal_law()
