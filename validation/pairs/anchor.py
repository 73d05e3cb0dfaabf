"""``anchor``: the authors' two views of a hidden anchor (docs/theory.md §1; the authors' channel).

A hidden anchor ``z₀`` from the latent law and two views, each one step from it,
``v_i = ρ z₀ + sqrt(1 − ρ²) η_i`` with ``η_i`` independent draws from the same family
(``ou_augment`` in ``experiments/lejepa_id/data.py``, called for two views in
``train_and_evaluate``, ``engine.py``, of klindtlab/lejepa-identifiability). The two views then
correlate at ``ρ²`` per coordinate, not ρ, and for a non-Gaussian latent neither view has the
latent law exactly; the authors still evaluate δ on pairs one step apart at ρ
(``ou_augment(z_eval, rho, n_views=1)``), which is what the held-out pairs here are.

For a Gaussian latent the anchor channel is the OU pair at ``ρ²`` with both views marginally
N(0, I), so the theory applies at ``ρ²``: the spectral gap the bound divides by is
``2ρ²(1 − ρ²)`` for the training pairs, against ``2ρ(1 − ρ)`` at evaluation.

Only transitions of the form ``ρ z + sqrt(1 − ρ²) η`` have such views: ``ou`` and ``authors``.
"""

from __future__ import annotations

import torch

from lejepa_verify.validation.pairs.base import PairSource, numpy_rng, ou_step, register

#: transitions that are one step ``ρ z + sqrt(1 − ρ²) η``, so that two views of one anchor exist
ANCHOR_TRANSITIONS = ("ou", "authors")


@register
class AnchorPairs(PairSource):
    """Two views of a hidden anchor, each one step from it (module docstring)."""
    name = "anchor"
    description = "the authors' two views of a hidden anchor, each one step rho z0 + sqrt(1 - rho^2) eta from it (correlation rho^2)"

    @classmethod
    def check(cls, config) -> None:
        if config.transition not in ANCHOR_TRANSITIONS:
            raise ValueError(f"pairs 'anchor' (the retired views 'anchor') needs transition in {ANCHOR_TRANSITIONS} (one step "
                             f"rho z + sqrt(1 - rho^2) eta), got {config.transition!r}")

    def train_pairs(self, size: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        w = self.world
        if w.is_gaussian:
            z0 = torch.randn(size, w.n, generator=gen)
            v = ou_step(z0, w.rho, torch.randn(2, size, w.n, generator=gen))
            return v[0], v[1]
        rng = numpy_rng(gen)
        z0 = w.law.sample((size, w.n), seed=rng)
        eta = w.law.sample((2, size, w.n), seed=rng)
        v = torch.from_numpy(ou_step(z0, w.rho, eta).astype("float32"))
        return v[0], v[1]
