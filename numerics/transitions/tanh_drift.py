"""``tanh_drift``: ``x' = ρκ tanh(x/κ) + sqrt(1 − ρ²) ε``, standardised; stationary law solved numerically.

An additive-noise world with a saturating drift (``κ``, option ``tanh_saturation``, default 1;
``κ → ∞`` is the OU drift ``ρx``) and Gaussian noise. Its stationary law has no closed form: it
is the fixed point of the transition operator, solved on a Gauss–Legendre grid
(:func:`numerics.transitions.additive.nystrom`; the same rule reproduces the OU, flip and
``|x|`` drifts' closed forms to about 1e-14 in ``L¹``) and refined until two grids agree. The
law is symmetric and not Gaussian; the latent ``z = x/s`` has the law
:func:`numerics.transitions.stationary_law` ``("tanh_drift", rho)`` (a custom law built from the
grid's density). The LeJEPA optimum is nonlinear (numerics/checks/stationary_worlds.py).
"""

from __future__ import annotations

import numpy as np

from lejepa_verify.numerics.transitions.additive import OwnLawDrift
from lejepa_verify.numerics.transitions.base import register
from lejepa_verify.theory.options import Option


@register
class TanhDrift(OwnLawDrift):
    """A saturating drift: a symmetric, lighter-tailed-than-OU stationary law found numerically."""

    name = "tanh_drift"
    summary = "ρκ tanh(x/κ) + sqrt(1 − ρ²) ε, standardised (stationary law solved on a grid)"
    options = (Option("tanh_saturation", "float", 1.0, "scale κ at which the drift ρκ tanh(x/κ) saturates",
                      low=0.05, high=100.0),)

    def drift(self, x, rho, tanh_saturation=1.0):
        k = tanh_saturation
        return rho * k * np.tanh(np.asarray(x, dtype=float) / k)

    def location_scale(self, rho, tanh_saturation=1.0):
        # the law is symmetric: the mean is 0 exactly, the grid gives the standard deviation
        return 0.0, self.operator(rho, tanh_saturation=tanh_saturation).sd
