"""``λ·regulariser + (1 − λ)·alignment``: what LeJEPA and whitening share."""

from __future__ import annotations

import torch

from lejepa_verify.validation.objectives.base import Objective
from lejepa_verify.validation.objectives.terms import alignment


class WeightedObjective(Objective):
    """Subclasses implement ``penalty(both, gen)`` on the stacked views ``h1 ∪ h2``."""

    def penalty(self, both: torch.Tensor, gen: torch.Generator | None) -> torch.Tensor:
        raise ValueError(f"objective {self.name!r} does not define its penalty")

    def alignment_divisor(self) -> float:
        """What the alignment term is divided by: 1 here, ``4m`` in the authors' normalisation."""
        return 1.0

    def __call__(self, h1: torch.Tensor, h2: torch.Tensor, gen: torch.Generator | None = None):
        return self._loss(h1, h2, torch.cat((h1, h2)), gen)

    def stacked(self, h: torch.Tensor, batch: int, gen: torch.Generator | None = None, **extras):
        """The penalty on ``h`` itself (both views already stacked: no copy of the batch); a subclass
        with a call of its own (an action predictor's) is called on the two halves instead."""
        if type(self).__call__ is not WeightedObjective.__call__:
            return super().stacked(h, batch, gen, **extras)
        h1, h2 = h.unflatten(0, (2, batch)).unbind(0)
        return self._loss(h1, h2, h, gen)

    def _loss(self, h1: torch.Tensor, h2: torch.Tensor, both: torch.Tensor, gen: torch.Generator | None):
        align = alignment(h1, h2)
        reg = self.penalty(both, gen)
        loss = self.lam * reg + (1.0 - self.lam) * align / self.alignment_divisor()
        return loss, {"alignment": align.detach(), self.regulariser: reg.detach()}

    @classmethod
    def penalty_batched(cls, objectives: list, both: torch.Tensor, gens: list) -> torch.Tensor:
        """The penalty of each run on its stacked views ``(R, 2B, m)``: ``(R,)`` (one call per run by default)."""
        return torch.stack([obj.penalty(both[r], g) for r, (obj, g) in enumerate(zip(objectives, gens))])

    @classmethod
    def batched(cls, objectives: list, h1: torch.Tensor, h2: torch.Tensor, gens: list):
        """Every run's ``λ·penalty + (1 − λ)·alignment / divisor`` at once (``Objective.batched``)."""
        align = (h1 - h2).square().sum(-1).mean(-1)
        reg = cls.penalty_batched(objectives, torch.cat((h1, h2), dim=1), gens)
        lam = torch.tensor([obj.lam for obj in objectives], dtype=h1.dtype, device=h1.device)
        divisor = torch.tensor([obj.alignment_divisor() for obj in objectives], dtype=h1.dtype, device=h1.device)
        loss = lam * reg + (1.0 - lam) * align / divisor
        return loss, {"alignment": align.detach(), objectives[0].regulariser: reg.detach()}
