"""Synthetic worlds: pairs ``(z, z')`` from a latent law and a transition (THEORY.md §1, §3).

The latent laws and transitions are those of the numerics layer (``numerics.latent_law``,
``numerics.transitions.sample_pairs``). The Gaussian OU world, the default and the one the
trainer spends most steps in, is sampled directly in torch,
``z ~ N(0, I)``, ``z' = ρ z + sqrt(1 − ρ²) η``: the same law, without a round trip through
numpy each step. Every draw comes from an explicit ``torch.Generator``.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np
import torch

from lejepa_verify.theory.validate import check_choice, check_int, check_rho

from lejepa_verify.validation.config import latent_names, transition_names

# transitions that, for a Gaussian latent, are the OU (Mehler) channel of THEORY.md §1
_GAUSSIAN_OU_TRANSITIONS = ("ou", "authors", "ar1")


class World:
    """Latent law ``latent`` (with ``latent_params``) in ``n`` i.i.d. coordinates, pairs from
    ``transition`` with correlation ``rho``."""

    def __init__(self, latent: str = "gaussian", latent_params: Mapping[str, Any] | None = None,
                 transition: str = "ou", n: int = 2, rho: float = 0.95):
        self.latent = check_choice(latent, "latent", latent_names())
        self.transition = check_choice(transition, "transition", transition_names())
        self.n = check_int(n, "n", 1)
        self.rho = float(check_rho(rho))
        self.latent_params = dict(latent_params or {})
        from lejepa_verify.numerics.latents import latent_law

        self.law = latent_law(self.latent, **self.latent_params)
        self._gaussian = bool(self.law.is_gaussian)

    @property
    def is_gaussian(self) -> bool:
        """The Gaussian OU world, where the Hermite theory (§2, §4) applies."""
        return self._gaussian and self.transition in _GAUSSIAN_OU_TRANSITIONS

    @property
    def label(self) -> str:
        return f"{self.law.label}, {self.transition}, rho={self.rho:g}, n={self.n}"

    def sample(self, size: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """``size`` pairs ``(z, z')``, each of shape ``(size, n)``, float32."""
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
