"""``infonce``: symmetric InfoNCE with a Gaussian kernel of bandwidth ``sigma`` (λ unused)."""

from __future__ import annotations

import torch

from lejepa_verify.theory.options import Option
from lejepa_verify.validation.objectives.base import Objective, register
from lejepa_verify.validation.objectives.terms import alignment, infonce


@register
class InfoNCE(Objective):
    """Symmetric InfoNCE with a Gaussian kernel and in-batch negatives (no λ)."""
    name = "infonce"
    description = "symmetric InfoNCE, Gaussian kernel −||u − v||²/(2σ²), batch negatives"
    regulariser = "infonce"
    uses_lam = False
    options = (Option("sigma", "float", 1.0, "InfoNCE: bandwidth of the Gaussian kernel", low=0.0, high=1e6,
                      low_open=True),)

    def __init__(self, *, sigma: float = 1.0, m: int = 2, device="cpu", lam: float = 0.0):
        super().__init__(m=m, device=device, lam=lam, sigma=sigma)

    @classmethod
    def workspace(cls, rows: int, m: int, options) -> int:
        """The ``(B, B)`` similarity matrix, its softmax and gradient."""
        return 4 * (rows // 2) ** 2 + 8 * rows * m

    def __call__(self, h1: torch.Tensor, h2: torch.Tensor, gen: torch.Generator | None = None):
        loss = infonce(h1, h2, self.sigma)
        return loss, {"alignment": alignment(h1, h2).detach(), "infonce": loss.detach()}
