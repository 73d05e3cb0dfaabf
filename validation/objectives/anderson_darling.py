"""``anderson_darling``: ``λ·(sliced A²) + (1 − λ)·alignment``, A² against N(0, 1).

The Anderson–Darling statistic (Anderson and Darling, *Ann. Math. Statist.* 23, 1952, and
*J. Amer. Statist. Assoc.* 49, 1954) of a sample ``u_1 … u_B`` against a fully specified
continuous CDF F (here Φ, the standard normal) is the weighted Cramér–von Mises distance::

    A² = B ∫ (F_B(x) − F(x))² / (F(x)(1 − F(x))) dF(x),

which on the order statistics ``u_(1) ≤ … ≤ u_(B)`` is exactly (their 1954 computing form)::

    A² = −B − (1/B) Σ_i [(2i − 1) ln Φ(u_(i)) + (2B + 1 − 2i) ln(1 − Φ(u_(i)))].

Under the null its expectation is 1 for every B: ``E (F_B − F)² = F(1 − F)/B`` cancels the
weight, and ``∫ dF = 1`` (Anderson and Darling 1952; asymptotic variance ``2(π² − 9)/3``).
The weight ``1/(F(1 − F))`` makes it sensitive in the tails. ``ln Φ`` and ``ln(1 − Φ) = ln Φ(−u)``
are computed by ``torch.special.log_ndtr`` (no underflow to ``ln 0`` for far projections).

As a regulariser (``validation.objectives._sliced``): the mean of A² over ``n_slices`` random
directions of ``h1 ∪ h2``; the LeJEPA library offers the same sliced use
(rbalestr-lab/lejepa, ``lejepa.univariate.AndersonDarling`` against N(0, 1), wrapped by
``SlicingUnivariateTest``). The statistic is not scale-free: at ``h = cQz`` the population
discrepancy per sample is ``≈ S''(c − 1)²/2`` with ``S'' = 2 ∫ x² φ(x)³ / (Φ(x)(1 − Φ(x))) dx``
(:func:`scale_curvature`), so λ trades the scale of the embedding against alignment as SIGReg
does, with a different constant.
"""

from __future__ import annotations

import torch

from lejepa_verify.validation.objectives._sliced import SlicedStatistic, plotting_ranks
from lejepa_verify.validation.objectives.base import register


def anderson_darling(u_sorted: torch.Tensor) -> torch.Tensor:
    """A² of each column of ``u_sorted`` (B, S), sorted ascending along the rows, against N(0, 1)
    (module docstring); returns ``(S,)``. Leading batch dimensions broadcast."""
    B = u_sorted.shape[-2]
    w = plotting_ranks(B, u_sorted)
    terms = w * torch.special.log_ndtr(u_sorted) + (2.0 * B - w) * torch.special.log_ndtr(-u_sorted)
    return -B - terms.sum(-2) / B


def null_mean() -> float:
    """``E[A²] = 1`` for i.i.d. N(0, 1) samples of any size B (module docstring)."""
    return 1.0


def scale_curvature() -> float:
    """``S'' = 2 ∫ x² φ(x)³ / (Φ(x)(1 − Φ(x))) dx``: the second derivative at ``c = 1`` of the
    population discrepancy ``∫ (Φ(x/c) − Φ(x))² / (Φ(1 − Φ)) dΦ`` per sample (quadrature)."""
    import numpy as np
    from scipy import integrate, special

    def integrand(x):
        phi = np.exp(-x * x / 2) / np.sqrt(2 * np.pi)
        return x * x * phi ** 3 / (special.ndtr(x) * special.ndtr(-x))

    value, _ = integrate.quad(integrand, -30.0, 30.0, limit=200)
    return 2.0 * value


@register
class AndersonDarling(SlicedStatistic):
    """λ·(sliced Anderson–Darling A² against N(0, 1)) + (1 − λ)·alignment (module docstring)."""
    name = "anderson_darling"
    description = "λ·sliced Anderson–Darling A² vs N(0, 1) + (1 − λ)·alignment"
    regulariser = "anderson_darling"

    @classmethod
    def curvature(cls, m: int, rows: int, options) -> float:
        """The scale curvature ``S''`` of the statistic (:func:`scale_curvature`; the same for every m and batch)."""
        return scale_curvature()

    def statistic(self, u_sorted: torch.Tensor) -> torch.Tensor:
        """A² of each slice."""
        return anderson_darling(u_sorted)
