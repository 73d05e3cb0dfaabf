"""Synthetic worlds: a latent law, a transition, ``ρ`` and ``n``, and where pairs come from
(docs/theory.md §1, §3).

The latent laws and transitions are those of the numerics layer (``numerics.latents``,
``numerics.transitions``). The Gaussian OU world, the default and the one the trainer spends
most steps in, is sampled directly in torch, ``z ~ N(0, I)``, ``z' = ρ z + sqrt(1 − ρ²) η``
(:func:`~lejepa_verify.validation.pairs.base.ou_step`, the one place that formula is written
in torch): the same law, without a round trip through numpy each step. Every draw comes from
an explicit ``torch.Generator``.

How training pairs are drawn is the world's pair source (``validation.pairs``): the world's
own one-step pairs (``transition``), the authors' two views of an anchor (``anchor``), or
recorded arm trajectories (``arm_trajectory``).
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import torch

from lejepa_verify.validation.laws import cached_law
from lejepa_verify.validation.pairs.base import numpy_rng, ou_step


class World:
    """Latent law ``latent`` (with ``latent_params``) in ``n`` i.i.d. coordinates, pairs from
    ``transition`` with correlation ``rho``; training pairs as the pair source ``pairs`` draws them.

    The constructor is a public boundary and validates its arguments as a config would;
    :meth:`from_config` builds the world of an already validated ``TrainConfig`` without
    checking it again.
    """

    def __init__(self, latent: str = "gaussian", latent_params: Mapping[str, Any] | None = None,
                 transition: str | None = "ou", n: int = 2, rho: float = 0.95, *, pairs: str = "transition",
                 trajectory_lag: int = 1, trajectory_seed: int = 0):
        from lejepa_verify.validation.config import TrainConfig

        options = {"trajectory_lag": trajectory_lag} if pairs == "arm_trajectory" else {}
        config = TrainConfig(latent=latent, latent_params=dict(latent_params or {}), transition=transition,
                             n=n, rho=rho, pairs=pairs, seed=trajectory_seed, mixing="identity",
                             **options)
        self._setup(config)

    @classmethod
    def from_config(cls, config) -> "World":
        """The world of a validated ``TrainConfig`` (no second validation)."""
        world = cls.__new__(cls)
        world._setup(config)
        return world

    def _setup(self, config) -> None:
        from lejepa_verify.validation.pairs import pair_source

        self.latent = config.latent
        self.latent_params = dict(config.latent_params)
        self.transition = config.transition
        self.n = int(config.n)
        self.rho = float(config.rho)
        self.law = cached_law(self.latent, self.latent_params)
        #: the transition's declared options (an action world's action_dim ...)
        self.transition_options = dict(config.member_options("transition"))
        from lejepa_verify.numerics.transitions import transition_member

        # the transition says whether its pairs are the OU (Mehler) channel of docs/theory.md §1
        self._ou_channel = bool(transition_member(self.transition).is_ou_channel(self.law))
        self._gaussian = bool(self.law.is_gaussian)
        source = pair_source(config.pairs)
        opts = config.member_options("pairs")
        self.pairs = (source(self, opts, seed=config.seed) if source.name == "arm_trajectory"
                      else source(self, opts))

    @property
    def is_gaussian(self) -> bool:
        """The law is Gaussian and its transition the OU channel, where the Hermite theory (§2, §4) applies."""
        return self._gaussian and self._ou_channel

    @property
    def gaussian_world(self) -> bool:
        """Whether the held-out pairs are the Gaussian OU pairs of the theory (the pair source decides)."""
        return self.pairs.gaussian_world

    @property
    def label(self) -> str:
        """A short description, e.g. ``gaussian, ou, rho=0.95, n=2``."""
        return f"{self.law.label}, {self.transition}, rho={self.rho:g}, n={self.n}"

    def sample(self, size: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """``size`` one-step pairs ``(z, z')`` of the world, each ``(size, n)`` float32."""
        if self.is_gaussian and self.transition == "ou":
            z = torch.randn(size, self.n, generator=gen)
            return z, ou_step(z, self.rho, torch.randn(size, self.n, generator=gen))
        from lejepa_verify.numerics.transitions import sample_pairs

        # the numpy draw gets its seed from the torch generator, so one seed fixes the run
        seed = numpy_rng(gen)
        z, z_next = sample_pairs(self.law, self.transition, self.rho, size, dim=self.n, seed=seed,
                                 **self.transition_options)
        z = np.asarray(z, dtype=np.float32).reshape(size, self.n)
        z_next = np.asarray(z_next, dtype=np.float32).reshape(size, self.n)
        return torch.from_numpy(z), torch.from_numpy(z_next)

    def train_pairs(self, size: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """``size`` training pairs, drawn by the pair source."""
        return self.pairs.train_pairs(size, gen)

    def eval_pairs(self, size: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """``size`` held-out pairs, drawn by the pair source (the world's one-step pairs unless it says otherwise)."""
        return self.pairs.eval_pairs(size, gen)
