"""Claim: the trainer's pairs of the world with actions are stationary N(0, I), and averaged over the
actions they are the OU channel at ρ (docs/guide.md, "Worlds with actions"; issue 25).

The numerics claim ``world/ou-action-stationary`` checks the numerics sampler and the Lyapunov
equation. This one checks what the *trainer* is fed: batches drawn by the ``action`` pair source
of a validated ``TrainConfig`` (``World.from_config(...).train_pairs``, one fresh numpy seed per
batch from the run's torch generator, float32), as the loop draws them. On 60 000 pairs per world
(30 batches of 2000) it requires, every entry within 6 standard errors of its Gaussian value:

- ``E z' = 0`` (standard error ``1/√N``) and ``Cov z' = I`` (``sqrt((1 + δ_ij)/N)``);
- ``E[z zᵀ'] = ρI`` (``sqrt((1 + ρ²δ_ij)/N)``): averaged over the actions, the OU channel;
- the excess kurtosis of ``z'`` along each coordinate and along each column of ``B``, 0
  (``sqrt(24/N)``): the law is Gaussian, not only of unit covariance.

Negative controls, each run through the same check on the same draws: the noise ``(1 − ρ²)I``
(no room made for the actions: ``Cov z' = I + BΣ_aBᵀ``); the actions dropped from the step while
the balanced noise is kept (``Cov z' = I − BΣ_aBᵀ``); and the pair stated to correlate at ρ², as
the authors' two views of an anchor do.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from lejepa_verify.theory.claims import Evidence, claim, control, instances

#: (n, ρ, transition options): rank-one and full-rank actions, a strong and a weak action share
WORLDS = (
    (2, 0.5, {"action_dim": 2, "action_rank": 1, "action_scale": 1.3, "action_gain": 0.5, "action_seed": 3}),
    (4, 0.7, {"action_dim": 3, "action_gain": 0.9, "action_seed": 0}),
    (3, 0.9, {"action_dim": 2, "action_gain": 0.6, "action_seed": 1}),
)
BATCH, BATCHES = 2000, 30
Z_MAX = 6.0


@functools.lru_cache(maxsize=8)
def trainer_triples(n: int, rho: float, items: tuple, seed: int):
    """``BATCH·BATCHES`` triples ``(z, a, z')`` as the loop draws them (module docstring), float64
    copies of the float32 batches; and the world's matrices."""
    import torch

    from lejepa_verify.validation.config import TrainConfig
    from lejepa_verify.validation.worlds import World

    config = TrainConfig(transition="ou_action", pairs="action", n=n, rho=rho, mixing="identity", seed=seed,
                         **dict(items))
    world = World.from_config(config)
    gen = torch.Generator().manual_seed(seed)
    parts = [world.train_pairs(BATCH, gen) for _ in range(BATCHES)]
    z = np.concatenate([p[0].numpy() for p in parts]).astype(float)
    z_next = np.concatenate([p[1].numpy() for p in parts]).astype(float)
    a = np.concatenate([p[2]["actions"].numpy() for p in parts]).astype(float)
    return z, a, z_next, world.pairs.world_matrices()


def _root(m: np.ndarray) -> np.ndarray:
    vals, vecs = np.linalg.eigh(0.5 * (m + m.T))
    return (vecs * np.sqrt(np.maximum(vals, 0.0))) @ vecs.T


def variant_step(z, a, z_next, world, variant: str) -> np.ndarray:
    """``z'`` of the trainer's draws (``balanced``), or the same draws with the noise re-coloured by
    ``(1 − ρ²)I`` (``unbalanced``), or with the actions' term ``Ba`` removed (``no_actions``)."""
    rho, B = world.rho, world.B
    eta = z_next - rho * z - a @ B.T
    if variant == "balanced":
        return z_next
    if variant == "no_actions":
        return rho * z + eta
    if variant == "unbalanced":
        white = eta @ np.linalg.inv(world.noise_root).T
        return rho * z + a @ B.T + white @ _root((1 - rho * rho) * np.eye(world.dim)).T
    raise ValueError(f"variant must be one of balanced, unbalanced, no_actions, got {variant!r}")


def _kurtosis(x: np.ndarray) -> float:
    x = x - x.mean()
    return float(np.mean(x ** 4) / np.mean(x ** 2) ** 2 - 3.0)


@claim(
    "train/action-pairs-stationary",
    statement="the training pairs of the action world (pair source 'action', transition ou_action, balanced noise) "
              "as the trainer draws them have z' ~ N(0, I) and E[z z'ᵀ] = ρI: mean, covariance, lag covariance "
              "and excess kurtosis within 6 standard errors on 60 000 pairs",
    source="issue 25 (worlds with actions); the balanced noise of Sidxah/lejepa-action-identifiability "
           "(src/world.py); docs/theory.md §1 (the OU channel, stationary pairs)",
    layer="validation",
    controls=(
        control("dropped term", "with the noise (1 − ρ²)I (no room made for the actions) the trainer's z' is still "
                "N(0, I)", noise="unbalanced"),
        control("dropped term", "with the actions left out of the step (balanced noise kept) the trainer's z' is "
                "still N(0, I)", noise="no_actions"),
        control("wrong exponent", "the trainer's action pairs correlate at ρ², as two views of one anchor do",
                lag_power=2),
    ),
    scope=instances("three action worlds (n = 2, 4, 3; ρ = 0.5, 0.7, 0.9; action rank 1 and full), 30 batches "
                    "of 2000 pairs each from the trainer's pair source, one seed; a control re-colours or "
                    "re-steps the same draws"),
)
def check_action_pairs_stationary(noise: str = "balanced", lag_power: int = 1, worlds=WORLDS, seed: int = 0,
                                  z_max: float = Z_MAX) -> Evidence:
    numbers, ok = {}, True
    for n, rho, opts in worlds:
        z, a, z_next, world = trainer_triples(n, rho, tuple(sorted(opts.items())), seed)
        zn = variant_step(z, a, z_next, world, noise)
        N = len(zn)
        eye = np.eye(n)
        mean_se = float(np.max(np.abs(zn.mean(0)) * math.sqrt(N)))
        cov = zn.T @ zn / N
        cov_se = float(np.max(np.abs(cov - eye) / np.sqrt((1 + eye) / N)))
        lag = z.T @ zn / N
        target = rho ** lag_power
        lag_se = float(np.max(np.abs(lag - target * eye) / np.sqrt((1 + target ** 2 * eye) / N)))
        directions = np.hstack((eye, world.B / np.linalg.norm(world.B, axis=0)))
        kurt = [_kurtosis(zn @ d) for d in directions.T]
        kurt_se = float(np.max(np.abs(kurt)) / math.sqrt(24.0 / N))
        worst = max(mean_se, cov_se, lag_se, kurt_se)
        ok &= worst <= z_max
        numbers[f"n={n}, rho={rho:g}, {opts}"] = {
            "mean_standard_errors": mean_se, "cov_standard_errors": cov_se, "lag_cov_standard_errors": lag_se,
            "kurtosis_standard_errors": kurt_se, "cov_max_abs_minus_I": float(np.abs(cov - eye).max()),
            "lag_cov_diagonal_mean": float(np.trace(lag) / n), "stated_lag": target, "pairs": N}
    numbers["noise"] = noise
    return Evidence(bool(ok), numbers, z_max,
                    f"every mean, covariance, lag covariance and kurtosis within {z_max:g} standard errors of N(0, I) "
                    f"pairs at lag covariance ρ^{lag_power}")
