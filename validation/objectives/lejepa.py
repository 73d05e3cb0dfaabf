"""``lejepa``: ``λ·SIGReg(h1 ∪ h2) + (1 − λ)·alignment`` (docs: theory, the world and the learner)."""

from __future__ import annotations

import torch

from lejepa_verify.theory.options import Option
from lejepa_verify.validation.objectives._weighted import WeightedObjective
from lejepa_verify.validation.objectives.base import register
from lejepa_verify.validation.objectives.terms import directions, quadrature, sigreg

#: SIGReg's settings, shared by every objective built on it
SIGREG_OPTIONS = (
    Option("n_slices", "int", 16, "SIGReg: random directions per step", low=1, high=65536),
    Option("n_knots", "int", 17, "SIGReg: trapezoid knots on [0, t_max]", low=2, high=1025),
    Option("t_max", "float", 3.0, "SIGReg: upper end of the integration range", low=0.0, high=100.0, low_open=True),
)


@register
class LeJEPA(WeightedObjective):
    """λ·SIGReg + (1 − λ)·alignment: the LeJEPA objective (docs/theory.md §1)."""
    name = "lejepa"
    description = "λ·SIGReg + (1 − λ)·alignment (sliced Epps–Pulley statistic)"
    regulariser = "sigreg"
    options = SIGREG_OPTIONS

    def __init__(self, *, lam: float = 0.5, n_slices: int = 16, n_knots: int = 17, t_max: float = 3.0,
                 m: int = 2, device="cpu"):
        super().__init__(lam=lam, m=m, device=device, n_slices=n_slices, n_knots=n_knots, t_max=t_max)

    def _setup(self, *, m, device, lam, n_slices, n_knots, t_max) -> None:
        super()._setup(m=m, device=device, lam=lam, n_slices=int(n_slices))
        t, w = quadrature(n_knots, t_max)
        self.t, self.w = t.to(device), w.to(device)

    @classmethod
    def workspace(cls, rows: int, m: int, options) -> int:
        """SIGReg's ``(rows, slices, knots)`` cosines, sines and their gradients, and the projections."""
        return 6 * rows * options["n_slices"] * options["n_knots"] + 2 * rows * options["n_slices"] + 8 * rows * m

    def slice_directions(self, gen: torch.Generator | None) -> torch.Tensor:
        """This step's ``(m, n_slices)`` directions (evenly spaced angles with a random offset in 2D)."""
        return directions(self.m, self.n_slices, gen, self.device)

    def penalty(self, both: torch.Tensor, gen: torch.Generator | None) -> torch.Tensor:
        """SIGReg: the sliced Epps–Pulley statistic of both views on fresh random directions."""
        return sigreg(both, self.slice_directions(gen), self.t, self.w)

    @classmethod
    def penalty_batched(cls, objectives: list, both: torch.Tensor, gens: list) -> torch.Tensor:
        """SIGReg of every run in one call: each run's directions from its own generator, stacked."""
        A = torch.stack([obj.slice_directions(g) for obj, g in zip(objectives, gens)])
        return sigreg(both, A, objectives[0].t, objectives[0].w)
