"""``reflection_rotation``: piecewise reflection ∘ radial rotation ∘ orthogonal (docs/theory.md §2).

A composition of three Gaussian-preserving maps (``turns = 0.5`` by default), so it preserves
N(0, I); the orthogonal factor and the reflection are drawn from ``seed``.
"""

from __future__ import annotations

from lejepa_verify.numerics.maps.base import Planar, compose, register


@register
class ReflectionRotation(Planar):
    """A composition of three Gaussian-preserving maps."""

    name = "reflection_rotation"
    summary = "piecewise reflection ∘ radial rotation ∘ orthogonal, dim >= 2"
    parameters = ("turns",)
    gaussian_preserving = True
    library = "gaussian_preserving"

    def build(self, dim, seed, **params):
        from lejepa_verify.numerics.maps import make_map

        parts = [make_map("orthogonal", dim, seed=seed),
                 make_map("radial_rotation", dim, turns=float(params.get("turns", 0.5))),
                 make_map("piecewise_reflection", dim, seed=seed)]
        return self.make(compose(parts), dim, {"parts": [p.name for p in parts]})
