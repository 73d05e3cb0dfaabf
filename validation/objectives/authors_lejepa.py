"""``authors_lejepa``: LeJEPA with the authors' normalisation and their λ (``_authors``).

``λ_a·SIGReg(h1 ∪ h2) + (1 − λ_a)·E||h1 − h2||²/(4m)``, SIGReg along ``n_slices`` directions
drawn from a normal law and normalised, in every dimension including m = 2 (their
``SIGReg.forward`` in ``losses.py`` of klindtlab/lejepa-identifiability; ``lejepa`` uses evenly spaced
angles in 2D). Proportional to ``lejepa`` at λ = ``ours_from_authors_lam(λ_a, m)``.
"""

from __future__ import annotations

import torch

from lejepa_verify.validation.objectives.base import register
from lejepa_verify.validation.objectives.lejepa import LeJEPA


def random_directions(m: int, n_slices: int, gen: torch.Generator | None, device) -> torch.Tensor:
    """``n_slices`` random unit directions in ``R^m`` (normalised Gaussian columns), drawn from ``gen``."""
    A = torch.randn(m, n_slices, generator=gen)
    return (A / A.norm(dim=0, keepdim=True)).to(device)


@register
class AuthorsLeJEPA(LeJEPA):
    """LeJEPA in the authors' normalisation: alignment ``E||h1 − h2||²/(4m)``, λ in their units."""
    name = "authors_lejepa"
    description = "the authors' normalisation: λ·SIGReg + (1 − λ)·E||h1 − h2||²/(4m), λ in their units"
    regulariser = "sigreg"

    def __init__(self, *, lam: float = 1e-3, n_slices: int = 256, n_knots: int = 17, t_max: float = 3.0,
                 m: int = 2, device="cpu"):
        # the quadrature, options and builder are LeJEPA's; these keyword defaults are the authors' recipe
        super().__init__(lam=lam, n_slices=n_slices, n_knots=n_knots, t_max=t_max, m=m, device=device)

    def slice_directions(self, gen: torch.Generator | None) -> torch.Tensor:
        """Freshly drawn random unit directions, as the authors draw them (in 2D too)."""
        return random_directions(self.m, self.n_slices, gen, self.device)

    def alignment_divisor(self) -> float:
        """``4m``: their alignment is the mean over (2 views, B, m) of the deviation from the views' mean."""
        return 4.0 * self.m
