"""``arm_trajectory``: pairs from recorded trajectories of the simulated two-link arm (the paper's
Reacher trajectory case; ``numerics.arm_dynamics``).

One bank of trajectories per run, simulated from the run's ``seed``; pairs
``(z_t, z_{t+lag})`` at ``trajectory_lag`` control steps, with ``z = 2·tan(θ/2)`` the pixel
world's latent. Training and held-out pairs both come from the bank (held-out ones from their
own generator). The world's latent law and transition are not read, so setting them is refused.

Held-out pairs are independent ones (``TrajectoryBank.independent_pairs``): on each trajectory
their starts lie ``lag`` plus the bank's decorrelation time apart (about 400 control steps for
the default bank), so the bootstrap's rows are independent and the held-out set holds as many
pairs as the bank has independent ones (about 500–600 for the default bank, fewer than
``eval_size``): the uncertainty uses the effective sample size, not ``eval_size`` correlated rows.
``ρ`` is not the correlation of these pairs: δ and D are computed at the pairs' measured
correlation, and the bound of Prop 4.3 is not reported (its premise, Gaussian OU pairs at ρ,
fails here).
"""

from __future__ import annotations

import numpy as np
import torch

from lejepa_verify.theory.options import Option
from lejepa_verify.validation.pairs.base import PairSource, numpy_rng, register


@register
class ArmTrajectoryPairs(PairSource):
    """Pairs ``(z_t, z_{t+lag})`` from recorded arm trajectories (module docstring)."""
    name = "arm_trajectory"
    description = "(z_t, z_t+lag) from recorded trajectories of the simulated two-link arm (n = 2)"
    options = (Option("trajectory_lag", "int", 1, "control steps between the two states of a pair",
                      low=1, high=3999, why="the bank records 4000 steps per trajectory"),)
    uses_latent = False

    @classmethod
    def check(cls, config) -> None:
        if config.n != 2:
            raise ValueError(f"pairs 'arm_trajectory' records a two-link arm and needs n = 2, got n = {config.n}")

    def __init__(self, world, options, *, seed: int):
        super().__init__(world, options)
        from lejepa_verify.numerics.arm_dynamics import TrajectoryBank

        self.lag = int(options.trajectory_lag)
        self.bank = TrajectoryBank.simulate(seed=seed)

    @property
    def gaussian_world(self) -> bool:
        return False

    @property
    def label(self) -> str:
        return f"arm trajectories, lag={self.lag}, n=2"

    bound_premise = False

    def train_pairs(self, size: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        from lejepa_verify.numerics.arm_dynamics import trajectory_latent_pairs

        z, z_next = trajectory_latent_pairs(self.bank, size, self.lag, numpy_rng(gen))
        return torch.from_numpy(z.astype(np.float32)), torch.from_numpy(z_next.astype(np.float32))

    def eval_pairs(self, size: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """At most ``size`` independent pairs (module docstring)."""
        from lejepa_verify.numerics.arm_dynamics import latent_from_angles

        a, b = self.bank.independent_pairs(size, self.lag, numpy_rng(gen))
        z, z_next = latent_from_angles(a), latent_from_angles(b)
        return torch.from_numpy(z.astype(np.float32)), torch.from_numpy(z_next.astype(np.float32))

    def eval_rho(self, z: torch.Tensor, z_next: torch.Tensor) -> float:
        """The pooled per-coordinate correlation of the held-out pairs."""
        a = z.double() - z.double().mean(0)
        b = z_next.double() - z_next.double().mean(0)
        return float((a * b).sum() / torch.sqrt(a.square().sum() * b.square().sum()))
