"""A random invertible leaky-ReLU MLP ``x = Q_L σ(Q_{L−1} … σ(Q_1 z))``, any ``n``.

``Q_l`` Haar orthogonal from ``mixing_seed``, σ the leaky ReLU with slope 0.2; invertible
because every layer is.
"""

from __future__ import annotations

import torch

from lejepa_verify.theory.validate import check_int
from lejepa_verify.validation.observations.base import LAYERS, Observation, haar_orthogonal, register

LEAKY_SLOPE = 0.2


@register
class LeakyMLP(Observation):
    """``x = Q_L σ(Q_{L−1} … σ(Q_1 z))`` with Haar orthogonal ``Q_l`` and leaky ReLU σ."""
    name = "mlp"
    options = (LAYERS,)
    description = "Q_L σ(… σ(Q_1 z)), Haar orthogonal Q_l from mixing_seed, leaky ReLU 0.2 (any n)"

    def __init__(self, n: int, n_layers: int = 4, seed: int = 1337, slope: float = LEAKY_SLOPE):
        super().__init__(n)
        check_int(n_layers, "n_layers", 1)
        gen = torch.Generator().manual_seed(seed)
        self.slope = float(slope)
        self.register_buffer("Q", torch.stack([haar_orthogonal(n, gen) for _ in range(n_layers)]))

    @classmethod
    def build(cls, n: int, options, *, seed: int) -> "LeakyMLP":
        return cls(n, options["mixing_layers"], seed)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """``x = Q_L σ(Q_{L−1} … σ(Q_1 z))``."""
        x = z
        for i, Q in enumerate(self.Q):
            x = x @ Q.T
            if i < self.Q.shape[0] - 1:
                x = torch.nn.functional.leaky_relu(x, self.slope)
        return x

    def inverse(self, x: torch.Tensor) -> torch.Tensor:
        """The exact inverse: the inverse leaky ReLU and a solve with each ``Q_l``, in reverse order."""
        z = x
        for i in reversed(range(self.Q.shape[0])):
            if i < self.Q.shape[0] - 1:
                z = torch.where(z >= 0, z, z / self.slope)
            # solve rather than transpose: float32 Q is orthogonal only to rounding
            z = torch.linalg.solve(self.Q[i], z.T).T
        return z
