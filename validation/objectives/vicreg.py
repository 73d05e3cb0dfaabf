"""``vicreg``: Variance-Invariance-Covariance regularisation (Bardes, Ponce and LeCun, ICLR 2022).

For the two views ``Z = h1``, ``Z' = h2`` (B × m each), with ``ε = 1e−4`` and ``γ = 1``::

    s(Z, Z') = (1 / (B m)) Σ_j ||Z_j − Z'_j||²                   (invariance: the mean squared error)
    v(Z)     = (1 / m) Σ_k max(0, γ − sqrt(Var(Z_{:,k}) + ε))     (variance: a hinge on each std)
    c(Z)     = (1 / m) Σ_{k ≠ l} C(Z)_{kl}²                        (covariance: off-diagonal squares)
    loss     = 25 · s + 25 · [v(Z) + v(Z')] + 1 · [c(Z) + c(Z')]

with ``C(Z)`` the sample covariance (divisor B − 1) and the weights λ = μ = 25, ν = 1 of the
paper (its eq. 6 and §4.1), declared as the options ``invariance_weight``, ``variance_weight``
and ``covariance_weight``. The paper's formula sums the two views' variance terms; its
reference implementation averages them (``/ 2``), which halves μ in effect: this module
follows the formula. λ of the trainer is not used (``uses_lam = False``).

This is not what the authors' scaling table calls VICReg: there the column labelled VICReg is
their ``mode="whiten"`` (``λ·mean((Cov − I)²) + (1 − λ)·E||h1 − h2||²/(4m)`` with λ = 0.5;
``render_table_comparison`` and ``METHOD_SPECS`` in ``experiments/analysis/make_table_scaling.py``
and ``lamb_whiten: 0.5`` in ``experiments/configs/scaling.yaml`` of klindtlab/lejepa-identifiability), which is
``authors_whitening`` here.
"""

from __future__ import annotations

import torch

from lejepa_verify.theory.options import Option
from lejepa_verify.validation.objectives.base import Objective, register

#: the standard weights (Bardes et al. 2022, §4.1): invariance, variance, covariance
INVARIANCE_WEIGHT = 25.0
VARIANCE_WEIGHT = 25.0
COVARIANCE_WEIGHT = 1.0
GAMMA = 1.0
EPS = 1e-4


def variance_term(z: torch.Tensor, gamma: float = GAMMA, eps: float = EPS) -> torch.Tensor:
    """``(1/m) Σ_k max(0, γ − sqrt(Var z_k + ε))`` (unbiased variance)."""
    std = torch.sqrt(z.var(dim=0) + eps)
    return torch.relu(gamma - std).mean()


def covariance_term(z: torch.Tensor) -> torch.Tensor:
    """``(1/m) Σ_{k≠l} C_kl²`` with ``C`` the sample covariance (divisor B − 1)."""
    c = z - z.mean(0)
    cov = c.T @ c / (z.shape[0] - 1)
    off = cov - torch.diag(torch.diagonal(cov))
    return off.square().sum() / z.shape[1]


def invariance_term(h1: torch.Tensor, h2: torch.Tensor) -> torch.Tensor:
    """The mean squared error over the B × m entries."""
    return (h1 - h2).square().mean()


@register
class VICReg(Objective):
    """VICReg (Bardes et al. 2022): invariance, variance hinges and off-diagonal covariance."""
    name = "vicreg"
    description = "VICReg: 25·MSE + 25·(std hinges, γ = 1) + 1·(off-diagonal covariance² / m), Bardes et al. 2022"
    regulariser = "vicreg_var_cov"
    uses_lam = False
    options = (
        Option("invariance_weight", "float", INVARIANCE_WEIGHT, "VICReg: weight of the invariance (MSE) term", low=0.0),
        Option("variance_weight", "float", VARIANCE_WEIGHT, "VICReg: weight of the variance hinges", low=0.0),
        Option("covariance_weight", "float", COVARIANCE_WEIGHT, "VICReg: weight of the covariance term", low=0.0),
    )

    def __init__(self, *, invariance_weight: float = INVARIANCE_WEIGHT, variance_weight: float = VARIANCE_WEIGHT,
                 covariance_weight: float = COVARIANCE_WEIGHT, m: int = 2, device="cpu", lam: float = 0.0):
        super().__init__(m=m, device=device, lam=lam, invariance_weight=invariance_weight,
                         variance_weight=variance_weight, covariance_weight=covariance_weight)

    def __call__(self, h1: torch.Tensor, h2: torch.Tensor, gen: torch.Generator | None = None):
        inv = invariance_term(h1, h2)
        var = variance_term(h1) + variance_term(h2)
        cov = covariance_term(h1) + covariance_term(h2)
        reg = self.variance_weight * var + self.covariance_weight * cov
        loss = self.invariance_weight * inv + reg
        # "alignment" is the trainer's common curve: E||h1 − h2||² in every objective
        align = (h1 - h2).square().sum(-1).mean()
        return loss, {"alignment": align.detach(), self.regulariser: reg.detach(),
                      "invariance": inv.detach(), "variance": var.detach(), "covariance": cov.detach()}
