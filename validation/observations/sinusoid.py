"""The sinusoidal shear ``g(z) = (z0 + sin(1.5 z1), z1)`` (docs: theory, the authors' experiments)."""

from __future__ import annotations

import torch

from lejepa_verify.validation.observations.base import Fixed2D, register


@register
class Sinusoid(Fixed2D):
    name = "sinusoid"
    description = "(z0 + sin(1.5 z1), z1), a sinusoidal shear of the plane"

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return torch.stack((z[..., 0] + torch.sin(1.5 * z[..., 1]), z[..., 1]), dim=-1)

    def inverse(self, x: torch.Tensor) -> torch.Tensor:
        return torch.stack((x[..., 0] - torch.sin(1.5 * x[..., 1]), x[..., 1]), dim=-1)
