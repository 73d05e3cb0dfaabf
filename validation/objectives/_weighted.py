"""``λ·regulariser + (1 − λ)·alignment``: what LeJEPA and whitening share."""

from __future__ import annotations

import torch

from lejepa_verify.theory.validate import check_int
from lejepa_verify.validation.objectives.base import Objective
from lejepa_verify.validation.objectives.terms import alignment


def check_lam(lam) -> float:
    if isinstance(lam, bool) or not isinstance(lam, (int, float)) or not 0.0 <= float(lam) <= 1.0:
        raise ValueError(f"lam must lie in [0, 1], got {lam!r}")
    return float(lam)


class WeightedObjective(Objective):
    """Subclasses implement ``penalty(both, gen)`` on the stacked views ``h1 ∪ h2``."""

    def __init__(self, *, lam: float = 0.5, m: int = 2, device="cpu"):
        self.lam = check_lam(lam)
        self.m = check_int(m, "m", 1)
        self.device = device

    def penalty(self, both: torch.Tensor, gen: torch.Generator | None) -> torch.Tensor:
        raise ValueError(f"objective {self.name!r} does not define its penalty")

    def alignment_divisor(self) -> float:
        """What the alignment term is divided by: 1 here, ``4m`` in the authors' normalisation."""
        return 1.0

    def __call__(self, h1: torch.Tensor, h2: torch.Tensor, gen: torch.Generator | None = None):
        align = alignment(h1, h2)
        reg = self.penalty(torch.cat((h1, h2)), gen)
        loss = self.lam * reg + (1.0 - self.lam) * align / self.alignment_divisor()
        return loss, {"alignment": align.detach(), self.regulariser: reg.detach()}
