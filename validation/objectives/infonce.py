"""``infonce``: symmetric InfoNCE with a Gaussian kernel of bandwidth ``sigma`` (λ unused)."""

from __future__ import annotations

import torch

from lejepa_verify.theory.validate import check_positive
from lejepa_verify.validation.objectives.base import Objective, register
from lejepa_verify.validation.objectives.terms import alignment, infonce


@register
class InfoNCE(Objective):
    name = "infonce"
    description = "symmetric InfoNCE, Gaussian kernel −||u − v||²/(2σ²), batch negatives"
    regulariser = "infonce"
    uses_lam = False

    def __init__(self, *, sigma: float = 1.0):
        self.sigma = check_positive(sigma, "sigma")

    @classmethod
    def from_config(cls, config, m: int, device) -> "InfoNCE":
        return cls(sigma=config.sigma)

    def __call__(self, h1: torch.Tensor, h2: torch.Tensor, gen: torch.Generator | None = None):
        loss = infonce(h1, h2, self.sigma)
        return loss, {"alignment": alignment(h1, h2).detach(), "infonce": loss.detach()}
