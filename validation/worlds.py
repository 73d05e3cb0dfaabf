"""Synthetic worlds: pairs ``(z, z')`` from a latent law and a transition (THEORY.md §1, §3).

The latent laws and transitions are those of the numerics layer (``numerics.latent_law``,
``numerics.transitions.sample_pairs``). The Gaussian OU world, the default and the one the
trainer spends most steps in, is sampled directly in torch,
``z ~ N(0, I)``, ``z' = ρ z + sqrt(1 − ρ²) η``: the same law, without a round trip through
numpy each step. Every draw comes from an explicit ``torch.Generator``.

With ``pairs="arm_trajectory"`` the pairs come instead from recorded trajectories of the
simulated two-link arm (``numerics.arm_dynamics``, the paper's Reacher trajectory case): one
bank of trajectories per world, simulated from ``trajectory_seed``, pairs ``(z_t, z_{t+lag})``
at ``trajectory_lag`` control steps with ``z = 2·tan(θ/2)`` the pixel world's latent; the
latent law and transition are then not used.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np
import torch

from lejepa_verify.theory.validate import check_choice, check_int, check_rho

from lejepa_verify.validation.config import PAIR_SOURCES, latent_names, transition_names

# transitions that, for a Gaussian latent, are the OU (Mehler) channel of THEORY.md §1
_GAUSSIAN_OU_TRANSITIONS = ("ou", "authors", "ar1")


class World:
    """Latent law ``latent`` (with ``latent_params``) in ``n`` i.i.d. coordinates, pairs from
    ``transition`` with correlation ``rho``."""

    def __init__(self, latent: str = "gaussian", latent_params: Mapping[str, Any] | None = None,
                 transition: str = "ou", n: int = 2, rho: float = 0.95, *, pairs: str = "transition",
                 trajectory_lag: int = 1, trajectory_seed: int = 0):
        self.latent = check_choice(latent, "latent", latent_names())
        self.transition = check_choice(transition, "transition", transition_names())
        self.n = check_int(n, "n", 1)
        self.rho = float(check_rho(rho))
        self.latent_params = dict(latent_params or {})
        from lejepa_verify.numerics.latents import latent_law

        self.law = latent_law(self.latent, **self.latent_params)
        self._gaussian = bool(self.law.is_gaussian)
        self.pairs = check_choice(pairs, "pairs", PAIR_SOURCES)
        self._bank = None
        if self.pairs == "arm_trajectory":
            from lejepa_verify.numerics.arm_dynamics import TrajectoryBank, _check_lag

            if self.n != 2:
                raise ValueError(f"pairs 'arm_trajectory' records a two-link arm and needs n = 2, got n = {self.n}")
            self.trajectory_lag = _check_lag(trajectory_lag)
            self._bank = TrajectoryBank.simulate(seed=check_int(trajectory_seed, "trajectory_seed", 0))

    @property
    def is_gaussian(self) -> bool:
        """The Gaussian OU world, where the Hermite theory (§2, §4) applies."""
        return self._gaussian and self.transition in _GAUSSIAN_OU_TRANSITIONS and self._bank is None

    @property
    def label(self) -> str:
        if self._bank is not None:
            return f"arm trajectories, lag={self.trajectory_lag}, n=2"
        return f"{self.law.label}, {self.transition}, rho={self.rho:g}, n={self.n}"

    def sample(self, size: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """``size`` pairs ``(z, z')``, each of shape ``(size, n)``, float32."""
        if self._bank is not None:
            from lejepa_verify.numerics.arm_dynamics import trajectory_latent_pairs

            rng = np.random.default_rng(int(torch.randint(0, 2 ** 62, (1,), generator=gen)))
            z, z_next = trajectory_latent_pairs(self._bank, size, self.trajectory_lag, rng)
            return torch.from_numpy(z.astype(np.float32)), torch.from_numpy(z_next.astype(np.float32))
        if self.is_gaussian and self.transition == "ou":
            z = torch.randn(size, self.n, generator=gen)
            eta = torch.randn(size, self.n, generator=gen)
            return z, self.rho * z + math.sqrt(1.0 - self.rho ** 2) * eta
        from lejepa_verify.numerics.transitions import sample_pairs

        # the numpy draw gets its seed from the torch generator, so one seed fixes the run
        seed = int(torch.randint(0, 2 ** 62, (1,), generator=gen))
        z, z_next = sample_pairs(self.law, self.transition, self.rho, size, dim=self.n, seed=seed)
        z = np.asarray(z, dtype=np.float32).reshape(size, self.n)
        z_next = np.asarray(z_next, dtype=np.float32).reshape(size, self.n)
        return torch.from_numpy(z), torch.from_numpy(z_next)
