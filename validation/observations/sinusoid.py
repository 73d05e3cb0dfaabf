"""The sinusoidal shear ``g(z) = (z0 + sin(1.5 z1), z1)`` (docs: theory, the authors' experiments).

The formula is written once, in ``numerics.maps.sinusoid`` for any array namespace: this
observation evaluates it with torch, and its numpy twin is the numerics map itself.
"""

from __future__ import annotations

import torch

from lejepa_verify.numerics.maps.sinusoid import sinusoid, sinusoid_inverse
from lejepa_verify.validation.observations.base import Fixed2D, register


@register
class Sinusoid(Fixed2D):
    """The sinusoidal shear ``g(z) = (z0 + sin(1.5 z1), z1)``."""
    name = "sinusoid"
    description = "(z0 + sin(1.5 z1), z1), a sinusoidal shear of the plane"

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """``x = (z0 + sin(1.5 z1), z1)``."""
        return sinusoid(z, torch)

    def inverse(self, x: torch.Tensor) -> torch.Tensor:
        """``z = (x0 − sin(1.5 x1), x1)``."""
        return sinusoid_inverse(x, torch)

    def numpy_map(self):
        """The numerics map ``sinusoid`` (the same formula in float64)."""
        from lejepa_verify.numerics.maps import make_map

        return make_map("sinusoid")
