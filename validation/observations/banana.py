"""The banana ``g(z) = (z0, z1 + z0²)`` (docs: theory, the authors' experiments).

The formula is written once, in ``numerics.maps.banana`` for any array namespace: this
observation evaluates it with torch, and its numpy twin is the numerics map itself.
"""

from __future__ import annotations

import torch

from lejepa_verify.numerics.maps.banana import banana, banana_inverse
from lejepa_verify.validation.observations.base import Fixed2D, register


@register
class Banana(Fixed2D):
    """The banana ``g(z) = (z0, z1 + z0²)``."""
    name = "banana"
    description = "(z0, z1 + z0²), a quadratic shear of the plane"

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """``x = (z0, z1 + z0²)``."""
        return banana(z, torch)

    def inverse(self, x: torch.Tensor) -> torch.Tensor:
        """``z = (x0, x1 − x0²)``."""
        return banana_inverse(x, torch)

    def numpy_map(self):
        """The numerics map ``banana`` (the same formula in float64)."""
        from lejepa_verify.numerics.maps import make_map

        return make_map("banana")
