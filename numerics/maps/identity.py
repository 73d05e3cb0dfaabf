"""``identity``: ``h(z) = z`` (orthogonal, Gaussian-preserving; any ``dim``)."""

from __future__ import annotations

from lejepa_verify.numerics.maps.base import MapFamily, register


@register
class Identity(MapFamily):
    """The identity map."""

    name = "identity"
    summary = "z"
    gaussian_preserving = True
    orthogonal = True
    library = "gaussian_preserving"

    def build(self, dim, seed):
        return self.make(lambda z: z.copy(), dim)
