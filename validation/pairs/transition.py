"""``transition``: ``(z, z')`` with ``z`` from the latent law and ``z'`` one transition step from
it, the pairs whose correlation ``ρ`` the theory is stated for (docs/theory.md §1)."""

from __future__ import annotations

import torch

from lejepa_verify.validation.pairs.base import PairSource, register


@register
class TransitionPairs(PairSource):
    """Training pairs are the world's own one-step pairs, as the held-out pairs are."""
    name = "transition"
    description = "(z, z') one transition step apart at rho (the pairs the theory is stated for)"

    def train_pairs(self, size: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        return self.world.sample(size, gen)
