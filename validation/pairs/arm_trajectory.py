"""``arm_trajectory``: pairs from recorded trajectories of the simulated two-link arm (the paper's
Reacher trajectory case; ``numerics.arm_dynamics``).

One bank of trajectories per run, simulated from the run's ``seed``; pairs
``(z_t, z_{t+lag})`` at ``trajectory_lag`` control steps, with ``z = 2·tan(θ/2)`` the pixel
world's latent. Training and held-out pairs both come from the bank (held-out ones from their
own generator). The world's latent law and transition are not read, so setting them is refused;
``ρ`` is not the correlation of these pairs, which is measured instead (the evaluation reports
it, and leaves out the bound of Prop 4.3, whose premise, a Gaussian OU world at ρ, fails here).
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

    def train_pairs(self, size: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        from lejepa_verify.numerics.arm_dynamics import trajectory_latent_pairs

        z, z_next = trajectory_latent_pairs(self.bank, size, self.lag, numpy_rng(gen))
        return torch.from_numpy(z.astype(np.float32)), torch.from_numpy(z_next.astype(np.float32))

    eval_pairs = train_pairs
