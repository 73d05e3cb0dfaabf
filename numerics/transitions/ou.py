"""``ou``: ``z' = ρz + sqrt(1 − ρ²) η``, ``η ~ N(0, 1)``: the Ornstein–Uhlenbeck (Mehler) channel (docs/theory.md §1).

Only for the Gaussian law, where it is stationary and time-reversible; the additive-noise
world with the linear drift ``m(z) = ρz``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import ndtr

from lejepa_verify.numerics.transitions.additive import AdditiveNoise
from lejepa_verify.numerics.transitions.base import register, standard_normal_law


@register
class OU(AdditiveNoise):
    """The paper's Gaussian world."""

    name = "ou"
    summary = "ρz + sqrt(1 − ρ²) η, η ~ N(0, 1): the OU / Mehler channel (Gaussian law only)"
    linear_drift = True

    def available(self, law):
        return law.is_gaussian

    def unavailable_reason(self, law):
        return f" (a {law.name} law{' with these parameters' if law.family.parameters else ''} has no ou (it is not Gaussian))"

    def drift(self, x, rho):
        return rho * x

    def closed_form_pdf(self, x, rho):
        return np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)

    def location_scale(self, rho):
        return 0.0, 1.0

    def step(self, law, rho, z, rng):
        c = math.sqrt(1.0 - rho * rho)
        return rho * z + c * rng.standard_normal(z.shape)

    def next_cdf(self, law, rho, t, zq, wq):
        c = math.sqrt(1.0 - rho * rho)
        shifted = t[:, None] - rho * zq[None, :]
        return ndtr(shifted / c) @ wq

    def is_ou_channel(self, law):
        return True

    def world_law(self, rho, **options):
        return standard_normal_law()
