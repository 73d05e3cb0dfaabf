"""The banana ``g(z) = (z0, z1 + z0²)`` (docs: theory, the authors' experiments)."""

from __future__ import annotations

import torch

from lejepa_verify.validation.observations.base import Fixed2D, register


@register
class Banana(Fixed2D):
    name = "banana"
    description = "(z0, z1 + z0²), a quadratic shear of the plane"

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return torch.stack((z[..., 0], z[..., 1] + z[..., 0] ** 2), dim=-1)

    def inverse(self, x: torch.Tensor) -> torch.Tensor:
        return torch.stack((x[..., 0], x[..., 1] - x[..., 0] ** 2), dim=-1)
