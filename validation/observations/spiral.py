"""The spiral ``g(z) = R(π||z||) z`` (docs: theory, the authors' experiments).

A rotation by an angle that depends on the radius only, so it preserves the standard Gaussian;
the radius is unchanged, so ``g⁻¹(x) = R(−π||x||) x``.
"""

from __future__ import annotations

import math

import torch

from lejepa_verify.validation.observations.base import Fixed2D, register


def rotate(z: torch.Tensor, angle: torch.Tensor) -> torch.Tensor:
    """Rotate each row of ``z`` (last axis of size 2) by ``angle`` (one angle per row)."""
    c, s = torch.cos(angle), torch.sin(angle)
    return torch.stack((c * z[..., 0] - s * z[..., 1], s * z[..., 0] + c * z[..., 1]), dim=-1)


@register
class Spiral(Fixed2D):
    name = "spiral"
    description = "R(π||z||) z, a radius-dependent rotation of the plane (preserves N(0, I))"

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return rotate(z, math.pi * z.norm(dim=-1))

    def inverse(self, x: torch.Tensor) -> torch.Tensor:
        return rotate(x, -math.pi * x.norm(dim=-1))
