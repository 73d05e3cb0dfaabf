"""``whitening``: ``λ·||Cov − I||_F² + (1 − λ)·alignment`` (docs: theory, the authors' experiments)."""

from __future__ import annotations

import torch

from lejepa_verify.validation.objectives._weighted import WeightedObjective
from lejepa_verify.validation.objectives.base import register
from lejepa_verify.validation.objectives.terms import whitening_penalty


@register
class Whitening(WeightedObjective):
    """λ·||Cov − I||_F² + (1 − λ)·alignment: whitening instead of SIGReg."""
    name = "whitening"
    description = "λ·||Cov − I||_F² + (1 − λ)·alignment"
    regulariser = "whitening"

    def penalty(self, both: torch.Tensor, gen: torch.Generator | None) -> torch.Tensor:
        """``||Cov − I||_F²`` of both views."""
        return whitening_penalty(both)

    @classmethod
    def penalty_batched(cls, objectives: list, both: torch.Tensor, gens: list) -> torch.Tensor:
        """Each run's penalty from one batched covariance ``(R, m, m)``."""
        return whitening_penalty(both) / torch.tensor([obj.penalty_divisor() for obj in objectives],
                                                       dtype=both.dtype, device=both.device)

    def penalty_divisor(self) -> float:
        """What ``||Cov − I||_F²`` is divided by: 1 here, ``m²`` in the authors' normalisation."""
        return 1.0
