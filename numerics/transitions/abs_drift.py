"""``abs_drift``: ``x' = ρ|x| + sqrt(1 − ρ²) ε``, standardised; its stationary law is a skew-normal.

An additive-noise world with the nonlinear drift ``m(x) = ρ|x|`` and Gaussian noise whose
stationary law is known in closed form (Anděl, Netuka and Zvára's absolute autoregression): if
``x = ρ|U₀| + sqrt(1 − ρ²) U₁`` with ``U₀, U₁ ~ N(0, 1)`` independent (a skew-normal with
``δ = ρ``), then ``|x|`` is half-normal whatever ``ρ`` (the density ``2φ(x)Φ(αx)`` folds to
``2φ(x)``), so ``ρ|x| + sqrt(1 − ρ²) ε`` has the same representation: the law is stationary.
Density ``2φ(x)Φ(αx)``, ``α = ρ/sqrt(1 − ρ²)``; mean ``μ = ρ sqrt(2/π)``, variance
``1 − 2ρ²/π``. The latent is ``z = (x − μ)/s``; its law (a custom law of the registry, built
once per ρ) is :func:`numerics.transitions.stationary_law` ``("abs_drift", rho)``. It is not
Gaussian, and the LeJEPA optimum is nonlinear (numerics/checks/stationary_worlds.py).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import log_ndtr, ndtr

from lejepa_verify.numerics.transitions.additive import OwnLawDrift
from lejepa_verify.numerics.transitions.base import register

_LOG_2_OVER_SQRT_2PI = math.log(2.0) - 0.5 * math.log(2.0 * math.pi)


def skew_shape(rho: float) -> float:
    """The skew-normal shape ``α = ρ/sqrt(1 − ρ²)`` of the stationary law."""
    return rho / math.sqrt(1.0 - rho * rho)


@register
class AbsDrift(OwnLawDrift):
    """The absolute autoregression: a skew-normal stationary law in closed form."""

    name = "abs_drift"
    summary = "ρ|x| + sqrt(1 − ρ²) ε, standardised (stationary: a skew-normal, 2φ(x)Φ(αx))"

    def drift(self, x, rho):
        return rho * np.abs(x)

    def kinks(self, rho):
        return (0.0,)

    def closed_form_pdf(self, x, rho):
        x = np.asarray(x, dtype=float)
        return 2.0 * np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi) * ndtr(skew_shape(rho) * x)

    def raw_logpdf(self, x, rho):
        x = np.asarray(x, dtype=float)
        return _LOG_2_OVER_SQRT_2PI - 0.5 * x * x + log_ndtr(skew_shape(rho) * x)

    def raw_score(self, x, rho):
        x = np.asarray(x, dtype=float)
        a = skew_shape(rho)
        # (log Φ)'(u) = φ(u)/Φ(u), written through log_ndtr so that it stays finite far left
        return -x + a * np.exp(-0.5 * (a * x) ** 2 - 0.5 * math.log(2.0 * math.pi) - log_ndtr(a * x))

    def location_scale(self, rho):
        return rho * math.sqrt(2.0 / math.pi), math.sqrt(1.0 - 2.0 * rho * rho / math.pi)
