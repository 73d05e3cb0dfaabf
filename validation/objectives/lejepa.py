"""``lejepa``: ``λ·SIGReg(h1 ∪ h2) + (1 − λ)·alignment`` (docs: theory, the world and the learner)."""

from __future__ import annotations

import torch

from lejepa_verify.theory.validate import check_int
from lejepa_verify.validation.objectives._weighted import WeightedObjective
from lejepa_verify.validation.objectives.base import register
from lejepa_verify.validation.objectives.terms import directions, quadrature, sigreg


@register
class LeJEPA(WeightedObjective):
    name = "lejepa"
    description = "λ·SIGReg + (1 − λ)·alignment (sliced Epps–Pulley statistic)"
    regulariser = "sigreg"

    def __init__(self, *, lam: float = 0.5, n_slices: int = 16, n_knots: int = 17, t_max: float = 3.0,
                 m: int = 2, device="cpu"):
        super().__init__(lam=lam, m=m, device=device)
        self.n_slices = check_int(n_slices, "n_slices", 1)
        t, w = quadrature(n_knots, t_max)
        self.t, self.w = t.to(device), w.to(device)

    @classmethod
    def from_config(cls, config, m: int, device) -> "LeJEPA":
        return cls(lam=config.lam, n_slices=config.n_slices, n_knots=config.n_knots, t_max=config.t_max,
                   m=m, device=device)

    def penalty(self, both: torch.Tensor, gen: torch.Generator | None) -> torch.Tensor:
        return sigreg(both, directions(self.m, self.n_slices, gen, self.device), self.t, self.w)
