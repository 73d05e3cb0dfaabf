"""``g(z) = z``: the world without a mixing, for checks of the objective alone."""

from __future__ import annotations

import torch

from lejepa_verify.validation.observations.base import Observation, register


@register
class Identity(Observation):
    name = "identity"
    description = "z itself: no mixing, isolates the objective (any n)"

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return z

    def inverse(self, x: torch.Tensor) -> torch.Tensor:
        return x
