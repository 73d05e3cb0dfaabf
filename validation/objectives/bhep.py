"""``bhep``: ``λ·T_β + (1 − λ)·alignment``, the BHEP / Henze–Zirkler statistic against N(0, I_m).

The BHEP statistic (Baringhaus and Henze, *Metrika* 35, 1988; Henze and Zirkler,
*Comm. Statist. Theory Methods* 19, 1990; named after Baringhaus, Henze, Epps and Pulley) is
the weighted L² distance between the empirical characteristic function ``ψ_B(t) = (1/B) Σ_j
exp(i t·x_j)`` of B points in R^d and the N(0, I_d) characteristic function, the weight being
the N(0, β² I_d) density ``φ_β``::

    T_β = B ∫ |ψ_B(t) − exp(−|t|²/2)|² φ_β(t) dt
        = B [ (1/B²) Σ_{j,k} exp(−β² |x_j − x_k|² / 2)
              − 2 (1 + β²)^{−d/2} (1/B) Σ_j exp(−β² |x_j|² / (2(1 + β²)))
              + (1 + 2β²)^{−d/2} ],

a closed form in the pairwise distances (O(B² d)). Henze and Zirkler's smoothing parameter is
``β = 2^{−1/2} ((2d + 1) B / 4)^{1/(d + 4)}`` (:func:`henze_zirkler_beta`), the default here
(``bhep_beta = none``); Baringhaus and Henze's original statistic is ``β = 1``.

The test standardises the sample (``S^{−1/2}(x − x̄)``) so as to test the whole normal family;
a regulariser must instead pull the embedding to N(0, I) itself, mean and scale included, so
here ``x`` is the raw embedding ``h1 ∪ h2`` (d = m) against the fully specified N(0, I_m), as
the LeJEPA library uses it (rbalestr-lab/lejepa, ``lejepa.multivariate.BHEP``, default
β = 0.1, and ``HZ``, BHEP at the Henze–Zirkler β; neither standardises). Multivariate, it
sees dependence between coordinates directly, without slicing.

**Null mean, closed form, any B.** For i.i.d. N(0, I_d) samples,
``B E|ψ_B(t) − e^{−|t|²/2}|² = 1 − e^{−|t|²}``, so ``E[T_β] = 1 − (1 + 2β²)^{−d/2}``
(:func:`null_mean`). At ``N(0, c² I_d)``, ``E[T_β] = 1 − a + B (a − 2b + k)`` with
``a = (1 + 2β²c²)^{−d/2}``, ``b = (1 + β²(1 + c²))^{−d/2}``, ``k = (1 + 2β²)^{−d/2}``
(:func:`expectation_at_scale`): the population term grows like B.

**The scale it holds.** The population discrepancy per sample at ``h = cQz`` has second
derivative ``S'' = 2β⁴ d(d + 2)(1 + 2β²)^{−d/2−2}`` at ``c = 1`` (:func:`scale_curvature`),
largest at ``β² = 2/d`` (``S'' → 8e^{−2} ≈ 1.08`` for large d). The Henze–Zirkler β grows with
d while the distances ``|x_j − x_k|² ≈ 2d`` do too, so at d = 64 (β ≈ 0.82) the kernel sees
only ``exp(−β²d) ≈ e^{−42}`` of a pair and ``S'' ≈ 10⁻⁹``: the statistic is then a constant
near 1 with no gradient. Choose ``bhep_beta ≈ sqrt(2/m)`` in high dimension.
"""

from __future__ import annotations

import math

import torch

from lejepa_verify.theory.options import Option
from lejepa_verify.validation.objectives._weighted import WeightedObjective
from lejepa_verify.validation.objectives.base import register


def henze_zirkler_beta(B: int, d: int) -> float:
    """Henze and Zirkler's smoothing parameter ``β = 2^{−1/2} ((2d + 1) B / 4)^{1/(d + 4)}``."""
    return ((2 * d + 1) * B / 4.0) ** (1.0 / (d + 4)) / math.sqrt(2.0)


def bhep(x: torch.Tensor, beta: float) -> torch.Tensor:
    """``T_β`` of the rows of ``x`` (B, d) against N(0, I_d) (module docstring); a scalar."""
    B, d = x.shape[-2], x.shape[-1]
    b2 = float(beta) ** 2
    sq = x.square().sum(-1)
    # |x_j − x_k|² from the Gram matrix (no (B, B, d) difference tensor); rounding may leave −0
    dist2 = (sq.unsqueeze(-1) + sq.unsqueeze(-2) - 2.0 * (x @ x.transpose(-1, -2))).clamp_min(0.0)
    pairs = torch.exp(-0.5 * b2 * dist2).mean((-1, -2))
    single = torch.exp(-0.5 * b2 / (1.0 + b2) * sq).mean(-1)
    return B * (pairs - 2.0 * (1.0 + b2) ** (-d / 2) * single + (1.0 + 2.0 * b2) ** (-d / 2))


def expectation_at_scale(B: int, d: int, beta: float, c: float = 1.0) -> float:
    """``E[T_β]`` for B i.i.d. ``N(0, c² I_d)`` points (module docstring); ``c = 1`` is the null mean."""
    b2 = float(beta) ** 2
    a = (1.0 + 2.0 * b2 * c * c) ** (-d / 2)
    b = (1.0 + b2 * (1.0 + c * c)) ** (-d / 2)
    k = (1.0 + 2.0 * b2) ** (-d / 2)
    return 1.0 - a + B * (a - 2.0 * b + k)


def null_mean(d: int, beta: float) -> float:
    """``E[T_β] = 1 − (1 + 2β²)^{−d/2}`` under the N(0, I_d) null, for every B."""
    return 1.0 - (1.0 + 2.0 * float(beta) ** 2) ** (-d / 2)


def scale_curvature(d: int, beta: float) -> float:
    """``S'' = 2β⁴ d(d + 2)(1 + 2β²)^{−d/2−2}``, the second derivative in the scale c at c = 1 of
    the population discrepancy per sample (module docstring)."""
    b2 = float(beta) ** 2
    return 2.0 * b2 * b2 * d * (d + 2) * (1.0 + 2.0 * b2) ** (-d / 2 - 2)


@register
class BHEP(WeightedObjective):
    """λ·(BHEP statistic T_β of h1 ∪ h2 against N(0, I_m)) + (1 − λ)·alignment (module docstring)."""
    name = "bhep"
    description = "λ·BHEP / Henze–Zirkler T_β vs N(0, I_m) (β: bhep_beta, none = Henze–Zirkler) + (1 − λ)·alignment"
    regulariser = "bhep"
    options = (Option("bhep_beta", "float", None, "BHEP: smoothing parameter β of the N(0, β²I) weight "
                      "(none: Henze–Zirkler's β for the batch and m)", low=0.0, high=1e3, low_open=True,
                      nullable=True),)

    def __init__(self, *, lam: float = 0.5, bhep_beta: float | None = None, m: int = 2, device="cpu"):
        super().__init__(lam=lam, m=m, device=device, bhep_beta=bhep_beta)

    @classmethod
    def workspace(cls, rows: int, m: int, options) -> int:
        """The ``(rows, rows)`` Gram matrix, distances, kernel and their gradients, and the embeddings."""
        return 6 * rows * rows + 8 * rows * m

    @classmethod
    def curvature(cls, m: int, rows: int, options) -> float:
        """The scale curvature ``S''`` at the β a batch of ``rows`` embeddings uses (:func:`scale_curvature`)."""
        beta = options["bhep_beta"]
        return scale_curvature(m, henze_zirkler_beta(rows, m) if beta is None else beta)

    def beta_for(self, rows: int) -> float:
        """The β used for a batch of ``rows`` embeddings: ``bhep_beta``, or Henze–Zirkler's."""
        return henze_zirkler_beta(rows, self.m) if self.bhep_beta is None else float(self.bhep_beta)

    def penalty(self, both: torch.Tensor, gen: torch.Generator | None) -> torch.Tensor:
        """``T_β`` of both views."""
        return bhep(both, self.beta_for(both.shape[0]))
