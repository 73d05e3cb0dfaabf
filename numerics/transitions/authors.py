"""``authors``: ``z' = ρz + sqrt(1 − ρ²) η`` with ``η`` from the same unit-variance family (docs/theory.md §3).

The authors' ablation channel. Variance one and lag-one correlation ρ, but the law of ``z'``
differs from ``p`` unless ``p`` is Gaussian: excess kurtosis scales by ``ρ⁴ + (1 − ρ²)²``
(cumulants of independent sums add). It exists for every law (a custom law draws its
innovations by its inverse CDF); for a Gaussian law it is the OU channel.
"""

from __future__ import annotations

import math

import numpy as np

from lejepa_verify.numerics.transitions.base import Transition, register


@register
class Authors(Transition):
    """The authors' channel: innovations from the latent's own family."""

    name = "authors"
    summary = "ρz + sqrt(1 − ρ²) η, η from the latent's own family (stationary only for the Gaussian)"

    def step(self, law, rho, z, rng):
        c = math.sqrt(1.0 - rho * rho)
        return rho * z + c * law.sample(z.shape, seed=rng)

    def next_cdf(self, law, rho, t, zq, wq):
        c = math.sqrt(1.0 - rho * rho)
        shifted = t[:, None] - rho * zq[None, :]
        return law.cdf(shifted / c) @ wq

    def conditional_cdf(self, law, rho, t, z):
        c = math.sqrt(1.0 - rho * rho)
        return law.cdf((np.asarray(t, dtype=float) - rho * z) / c)

    def stationary_law(self, law, rho):
        return law if law.is_gaussian else None

    def is_ou_channel(self, law):
        return law.is_gaussian

    def next_excess_kurtosis(self, law, rho, kurtosis):
        return kurtosis * (rho**4 + (1 - rho * rho) ** 2)
