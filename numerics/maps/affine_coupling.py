"""``affine_coupling``: RealNVP-style affine coupling layers with seeded random tanh networks (any even ``dim``).

A family of our own: scale and shift of one half of the coordinates from a tanh network of the
other half, alternating halves layer by layer (``layers = 4``, ``hidden = 16`` by default). It
is not the authors' additive tanh coupling, which is the trainer's ``coupling`` observation
(``lejepa_verify.validation.observations.coupling``, torch, with a numpy twin for spectra).
"""

from __future__ import annotations

import math

import numpy as np

from lejepa_verify.numerics.maps.base import MapFamily, register
from lejepa_verify.theory.validate import check_int


def _coupling(dim: int, layers: int, hidden: int, seed):
    rng = np.random.default_rng(seed)
    half = dim // 2
    params = []
    for _ in range(layers):
        params.append((
            rng.standard_normal((half, hidden)) / math.sqrt(half), rng.standard_normal(hidden) * 0.5,
            rng.standard_normal((hidden, half)) / math.sqrt(hidden),  # log-scale head
            rng.standard_normal((hidden, half)) / math.sqrt(hidden),  # shift head
        ))

    def fn(z):
        x = z.copy()
        for k, (w1, b1, ws, wt) in enumerate(params):
            # alternate which half conditions the other, as in RealNVP
            cond, move = (slice(0, half), slice(half, dim)) if k % 2 == 0 else (slice(half, dim), slice(0, half))
            hid = np.tanh(x[:, cond] @ w1 + b1)
            x[:, move] = x[:, move] * np.exp(0.5 * np.tanh(hid @ ws)) + hid @ wt
        return x
    return fn


@register
class AffineCoupling(MapFamily):
    """Seeded affine coupling layers: smooth, invertible, not Gaussian-preserving."""

    name = "affine_coupling"
    summary = "RealNVP affine coupling layers from seeded tanh networks, even dim"
    parameters = ("layers", "hidden")

    def check_dim(self, dim):
        if dim % 2:
            raise ValueError(f"map 'affine_coupling' needs an even dim, got dim = {dim}")

    def build(self, dim, seed, **params):
        layers = check_int(params.get("layers", 4), "layers", 1, 64)
        hidden = check_int(params.get("hidden", 16), "hidden", 1, 4096)
        return self.make(_coupling(dim, layers, hidden, seed), dim, {"layers": layers, "hidden": hidden, "seed": seed})
