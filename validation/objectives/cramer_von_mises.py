"""``cramer_von_mises``: ``λ·(sliced W²) + (1 − λ)·alignment``, W² against N(0, 1).

The Cramér–von Mises statistic (Cramér, *Skand. Aktuarietidskr.* 1928; von Mises,
*Wahrscheinlichkeitsrechnung*, 1931; the computing form and its null law in Anderson and
Darling, *Ann. Math. Statist.* 23, 1952) of a sample ``u_1 … u_B`` against a fully specified
continuous CDF F (here Φ)::

    W² = B ∫ (F_B(x) − F(x))² dF(x) = 1/(12B) + Σ_i (Φ(u_(i)) − (2i − 1)/(2B))²

on the order statistics ``u_(1) ≤ … ≤ u_(B)``. Under the null ``F(u_i)`` are i.i.d. uniform,
so W² is distribution-free, with ``E[W²] = ∫ F(1 − F) dF = 1/6`` for every B and
``Var[W²] = (4B − 3)/(180B)`` (1/45 in the limit).

As a regulariser (``validation.objectives._sliced``): the mean of W² over ``n_slices`` random
directions of ``h1 ∪ h2``, the sliced use the LeJEPA library offers
(rbalestr-lab/lejepa, ``lejepa.univariate.CramerVonMises``, wrapped by
``SlicingUnivariateTest``). Its unweighted integral makes it the gentlest of the three in the
tails: at ``h = cQz`` the population discrepancy per sample is ``≈ S''(c − 1)²/2`` with
``S'' = 2 ∫ x² φ(x)³ dx = 1/(3√3 π) ≈ 0.0613`` (:func:`scale_curvature`), about a sixteenth of
SIGReg's ``2 Σ_k w_k t_k⁴ e^{−t_k²} ≈ 0.965`` (the same second derivative for its default quadrature),
so the same λ holds the scale about sixteen times more loosely.
"""

from __future__ import annotations

import math

import torch

from lejepa_verify.validation.objectives._sliced import SlicedStatistic, plotting_ranks
from lejepa_verify.validation.objectives.base import register


def cramer_von_mises(u_sorted: torch.Tensor) -> torch.Tensor:
    """W² of each column of ``u_sorted`` (B, S), sorted ascending along the rows, against N(0, 1)
    (module docstring); returns ``(S,)``. Leading batch dimensions broadcast."""
    B = u_sorted.shape[-2]
    gap = torch.special.ndtr(u_sorted) - plotting_ranks(B, u_sorted) / (2.0 * B)
    return 1.0 / (12.0 * B) + gap.square().sum(-2)


def null_mean() -> float:
    """``E[W²] = 1/6`` for i.i.d. N(0, 1) samples of any size B (module docstring)."""
    return 1.0 / 6.0


def null_variance(B: int) -> float:
    """``Var[W²] = (4B − 3)/(180B)`` for i.i.d. N(0, 1) samples of size B (module docstring)."""
    return (4.0 * B - 3.0) / (180.0 * B)


def scale_curvature() -> float:
    """``S'' = 2 ∫ x² φ(x)³ dx = 1/(3√3 π)``: the second derivative at ``c = 1`` of the
    population discrepancy ``∫ (Φ(x/c) − Φ(x))² dΦ`` per sample."""
    return 1.0 / (3.0 * math.sqrt(3.0) * math.pi)


@register
class CramerVonMises(SlicedStatistic):
    """λ·(sliced Cramér–von Mises W² against N(0, 1)) + (1 − λ)·alignment (module docstring)."""
    name = "cramer_von_mises"
    description = "λ·sliced Cramér–von Mises W² vs N(0, 1) + (1 − λ)·alignment"
    regulariser = "cramer_von_mises"

    @classmethod
    def curvature(cls, m: int, rows: int, options) -> float:
        """The scale curvature ``S''`` of the statistic (:func:`scale_curvature`; the same for every m and batch)."""
        return scale_curvature()

    def statistic(self, u_sorted: torch.Tensor) -> torch.Tensor:
        """W² of each slice."""
        return cramer_von_mises(u_sorted)
