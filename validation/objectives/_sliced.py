"""What the sliced EDF regularisers share: project on random directions, score each projection.

``anderson_darling`` and ``cramer_von_mises`` are univariate statistics of a sample against the
fully specified N(0, 1). As regularisers they are *sliced* like SIGReg (``lejepa``): the rows of
``h1 ∪ h2`` (B × m) are projected on ``n_slices`` unit directions drawn afresh each step
(``terms.directions``: evenly spaced angles with a random offset when m = 2, uniform on the
sphere otherwise) and the statistic is averaged over the directions. The LeJEPA library
(rbalestr-lab/lejepa, ``lejepa/multivariate/slicing.py``) slices its univariate tests the
same way (Gaussian directions normalised to unit length, the mean over slices); a law whose
every one-dimensional projection is N(0, 1) is N(0, I) (Cramér–Wold), which is why slicing
suffices in the population.

Both statistics are written in their EDF form on the *sorted* projections ``u_(1) ≤ … ≤ u_(B)``
with the normal CDF evaluated there; ``torch.sort`` passes the gradient through the values
(the permutation is piecewise constant), so the statistic is differentiable almost everywhere.
Like SIGReg here they are *test statistics*: B times a population discrepancy, with a null
expectation that does not depend on B (1 for A², 1/6 for W²) and growth like B under any
fixed non-Gaussian law.
"""

from __future__ import annotations

import torch

from lejepa_verify.validation.objectives._weighted import WeightedObjective
from lejepa_verify.validation.objectives.lejepa import SIGREG_OPTIONS
from lejepa_verify.validation.objectives.terms import directions

#: the number of random directions per step, declared once with SIGReg's (the same setting)
N_SLICES = SIGREG_OPTIONS[0]


def sorted_projections(h: torch.Tensor, A: torch.Tensor) -> torch.Tensor:
    """``sort(h A)`` along the rows: ``(B, S)`` order statistics of the B projections on each of S directions."""
    return torch.sort(h @ A, dim=-2).values


def plotting_ranks(B: int, like: torch.Tensor) -> torch.Tensor:
    """``(2i − 1)`` for ``i = 1 … B`` as a ``(B, 1)`` column of ``like``'s dtype and device."""
    return (2.0 * torch.arange(1, B + 1, dtype=like.dtype, device=like.device) - 1.0).unsqueeze(-1)


class SlicedStatistic(WeightedObjective):
    """``λ·mean_s T(a_s·h) + (1 − λ)·alignment`` for a univariate statistic ``T`` (module docstring).

    Subclasses set ``name``, ``description``, ``regulariser`` and implement
    ``statistic(u_sorted) -> (S,)`` on the ``(B, S)`` sorted projections.
    """

    options = (N_SLICES,)

    def __init__(self, *, lam: float = 0.5, n_slices: int = 16, m: int = 2, device="cpu"):
        super().__init__(lam=lam, m=m, device=device, n_slices=n_slices)

    @classmethod
    def workspace(cls, rows: int, m: int, options) -> int:
        """The projections, their sorted copy, the CDF terms and their gradients, and the embeddings."""
        return 8 * rows * options["n_slices"] + 8 * rows * m

    def statistic(self, u_sorted: torch.Tensor) -> torch.Tensor:
        """The statistic of each column of the ``(B, S)`` sorted projections, ``(S,)``."""
        raise ValueError(f"objective {self.name!r} does not define its statistic")

    def penalty(self, both: torch.Tensor, gen: torch.Generator | None) -> torch.Tensor:
        """The statistic of both views' projections, averaged over fresh random directions."""
        A = directions(self.m, self.n_slices, gen, self.device).to(both.dtype)
        return self.statistic(sorted_projections(both, A)).mean()
