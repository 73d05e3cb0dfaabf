"""``orthogonal``: ``h(z) = Qz``, ``Q`` Haar-random from ``seed`` or given (the equality case of Theorem A)."""

from __future__ import annotations

import numpy as np

from lejepa_verify.numerics.maps.base import MapFamily, random_orthogonal, register


@register
class Orthogonal(MapFamily):
    """A fixed rotation or reflection ``Q ∈ O(dim)``."""

    name = "orthogonal"
    summary = "Qz, Q Haar from the seed unless Q is given"
    parameters = ("Q",)
    gaussian_preserving = True
    orthogonal = True
    library = "gaussian_preserving"

    def build(self, dim, seed, **params):
        q = np.asarray(params.get("Q", random_orthogonal(dim, seed)), dtype=float)
        if q.shape != (dim, dim) or not np.allclose(q.T @ q, np.eye(dim), atol=1e-10):
            raise ValueError(f"Q must be a ({dim}, {dim}) orthogonal matrix (QᵀQ = I to 1e-10)")
        return self.make(lambda z: z @ q.T, dim, {"Q": q})
