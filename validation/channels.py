"""How a training pair is drawn from a world (docs/theory.md §1; the authors' channel).

- ``pair`` (ours): ``(z, z')`` with ``z`` from the latent law and ``z'`` one transition step
  from it, the pair whose correlation ρ the theory is stated for.
- ``anchor`` (the authors'): a hidden anchor ``z₀`` from the latent law and two views, each one
  step from it, ``v_i = ρ z₀ + sqrt(1 − ρ²) η_i`` with ``η_i`` independent draws from the same
  family (``ou_augment`` in ``experiments/lejepa_id/data.py``, called for two views in ``train_and_evaluate``, ``engine.py``, of
  klindtlab/lejepa-identifiability). The two views then correlate at ``ρ²`` per coordinate,
  not ρ, and for a non-Gaussian latent neither view has the latent law exactly; the authors
  still evaluate δ on pairs one step apart at ρ (``ou_augment(z_eval, rho, n_views=1)`` in ``train_and_evaluate``), which is what
  the trainer's held-out set does for every channel.

For a Gaussian latent the anchor channel is the OU pair at ``ρ²`` with both views marginally
N(0, I), so the theory applies at ``ρ²``: the spectral gap the bound divides by is
``2ρ²(1 − ρ²)`` for the training pairs, against ``2ρ(1 − ρ)`` at evaluation.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from lejepa_verify.theory.validate import check_choice, check_int
from lejepa_verify.validation.config import ANCHOR_TRANSITIONS, VIEWS


def training_pair(world, views: str, size: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """``size`` training pairs ``(B, n)`` each, drawn as ``views`` says (module docstring)."""
    check_choice(views, "views", VIEWS)
    size = check_int(size, "size", 1)
    if views == "pair":
        return world.sample(size, gen)
    if world.transition not in ANCHOR_TRANSITIONS:
        raise ValueError(f"views 'anchor' needs a transition in {ANCHOR_TRANSITIONS} (one step "
                         f"rho z + sqrt(1 - rho^2) eta), got {world.transition!r}")
    c = math.sqrt(1.0 - world.rho ** 2)
    if world.is_gaussian:
        z0 = torch.randn(size, world.n, generator=gen)
        eta = torch.randn(2, size, world.n, generator=gen)
        v = world.rho * z0 + c * eta
        return v[0], v[1]
    # the numpy draws get their seed from the torch generator, so one seed fixes the run
    rng = np.random.default_rng(int(torch.randint(0, 2 ** 62, (1,), generator=gen)))
    z0 = world.law.sample((size, world.n), seed=rng)
    eta = world.law.sample((2, size, world.n), seed=rng)
    v = (world.rho * z0 + c * eta).astype(np.float32)
    return torch.from_numpy(v[0]), torch.from_numpy(v[1])


def pair_correlation(world, views: str, size: int, seed: int = 0) -> float:
    """The pooled per-coordinate correlation of the two elements of ``size`` training pairs."""
    gen = torch.Generator().manual_seed(check_int(seed, "seed", 0))
    a, b = training_pair(world, views, size, gen)
    a, b = a.double() - a.double().mean(0), b.double() - b.double().mean(0)
    return float((a * b).sum() / torch.sqrt(a.square().sum() * b.square().sum()))
