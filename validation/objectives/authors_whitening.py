"""``authors_whitening``: whitening with the authors' normalisation and their λ (``_authors``).

``λ_a·mean_{kl}((Cov − I)_kl²) + (1 − λ_a)·E||h1 − h2||²/(4m)``, the covariance of both views
pooled with divisor N − 1 (``whitening_loss`` in ``losses.py`` of klindtlab/lejepa-identifiability).
This is the objective their scaling table labels "VICReg" (their ``mode="whiten"``, λ_a = 0.5).
Proportional to ``whitening`` at λ = ``ours_from_authors_lam(λ_a, m, "whitening")``.
"""

from __future__ import annotations

import torch

from lejepa_verify.validation.objectives.base import register
from lejepa_verify.validation.objectives.terms import whitening_penalty
from lejepa_verify.validation.objectives.whitening import Whitening


@register
class AuthorsWhitening(Whitening):
    """The authors' whitening objective (their table's 'VICReg'): ``mean((Cov − I)²)`` and their alignment normalisation."""
    name = "authors_whitening"
    description = "the authors' whitening ('VICReg' in their table): λ·mean((Cov − I)²) + (1 − λ)·E||h1 − h2||²/(4m)"
    regulariser = "whitening"

    def penalty(self, both: torch.Tensor, gen: torch.Generator | None) -> torch.Tensor:
        """``||Cov − I||_F² / m²``: the mean over the ``m²`` entries, as the authors write it."""
        return whitening_penalty(both) / float(self.m) ** 2

    def penalty_divisor(self) -> float:
        """``m²``: the authors average over the entries."""
        return float(self.m) ** 2

    def alignment_divisor(self) -> float:
        """``4m``, as in ``authors_lejepa``."""
        return 4.0 * self.m
