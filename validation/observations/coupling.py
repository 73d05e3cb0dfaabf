"""RealNVP-style additive tanh coupling layers, any even ``n`` (docs: theory, the authors' experiments).

Layer ``l`` maps ``(a, b) ↦ (a, b + tanh(a W_l))`` for even ``l`` and ``(a + tanh(b W_l), b)``
for odd ``l``, the halves ``a, b`` of length ``n/2``, with ``W_l = 2 × Q_l`` and ``Q_l`` Haar
orthogonal drawn from a ``torch.Generator`` seeded with ``mixing_seed``. Each layer is
invertible, so the map is, layer by layer in reverse order.
"""

from __future__ import annotations

import torch

from lejepa_verify.theory.validate import check_int
from lejepa_verify.validation.observations.base import LAYERS, Observation, haar_orthogonal, register


def inverse_coupling(x: torch.Tensor, W: torch.Tensor) -> torch.Tensor:
    """Undo the additive coupling layers ``W`` (shape ``(layers, half, half)``), last layer first.

    The layers' matrices are taken with ``unbind``, whose backward stacks their gradients once;
    indexing ``W[i]`` would fill a zero tensor of ``W``'s size per layer (measurable at n = 1024)."""
    half = W.shape[-1]
    a, b = x[..., :half], x[..., half:]
    layers = W.unbind(0)
    for i in reversed(range(len(layers))):
        if i % 2 == 0:
            b = b - torch.tanh(a @ layers[i])
        else:
            a = a - torch.tanh(b @ layers[i])
    return torch.cat((a, b), dim=-1)


def even_n(n: int, what: str) -> int:
    """``n`` as an int, refused unless even (coupling layers split it in halves)."""
    n = check_int(n, "n", 2)
    if n % 2:
        raise ValueError(f"n must be even for the {what}, got {n}")
    return n


@register
class Coupling(Observation):
    """RealNVP-style additive tanh coupling layers for even ``n``, Haar matrices with the sign fix
    (the authors' own draw of the matrices is ``authors_coupling``)."""
    name = "coupling"
    options = (LAYERS,)
    description = "additive tanh coupling layers, W_l = 2 × Haar orthogonal from mixing_seed (any even n)"

    def __init__(self, n: int, n_layers: int = 4, seed: int = 1337, scale: float = 2.0):
        super().__init__(n)
        check_int(n_layers, "n_layers", 1)
        gen = torch.Generator().manual_seed(seed)
        self.half = n // 2
        self.register_buffer("W", torch.stack([scale * haar_orthogonal(self.half, gen) for _ in range(n_layers)]))

    @classmethod
    def check_n(cls, n: int) -> int:
        return even_n(n, "coupling mixing")

    @classmethod
    def build(cls, n: int, options, *, seed: int) -> "Coupling":
        return cls(n, options["mixing_layers"], seed)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """The layers in order: even layers add ``tanh(z1 W)`` to ``z2``, odd layers ``tanh(z2 W)`` to ``z1``."""
        a, b = z[..., : self.half], z[..., self.half:]
        for i, W in enumerate(self.W):
            if i % 2 == 0:
                b = b + torch.tanh(a @ W)
            else:
                a = a + torch.tanh(b @ W)
        return torch.cat((a, b), dim=-1)

    def inverse(self, x: torch.Tensor) -> torch.Tensor:
        """The layers undone in reverse order (exact inverse)."""
        return inverse_coupling(x, self.W)
