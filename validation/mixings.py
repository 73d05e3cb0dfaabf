"""The unknown invertible mixings ``x = g(z)`` of the synthetic worlds (THEORY.md §1, §7).

2D: the spiral ``R(π||z||) z`` (it preserves the Gaussian: a rotation by an angle that depends
on the radius only), the banana ``(z0, z1 + z0²)`` and the sinusoidal shear
``(z0 + sin(1.5 z1), z1)``. Any even n: RealNVP-style additive tanh coupling layers, layer l
adding ``tanh(u W_l)`` of one half ``u`` to the other half, ``W_l`` twice a random orthogonal
matrix, halves alternating. Any n: a random leaky-ReLU MLP ``Q_L σ(… σ(Q_1 z))`` with
orthogonal ``Q_l`` (invertible because every layer is). Each mixing is an ``nn.Module``
without trainable parameters and with an exact ``inverse``, its random parts fixed by a seed.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from lejepa_verify.theory.validate import check_choice, check_int

from lejepa_verify.validation.config import MIXINGS, MIXINGS_2D

LEAKY_SLOPE = 0.2


def _rotate(z: torch.Tensor, angle: torch.Tensor) -> torch.Tensor:
    c, s = torch.cos(angle), torch.sin(angle)
    return torch.stack((c * z[..., 0] - s * z[..., 1], s * z[..., 0] + c * z[..., 1]), dim=-1)


class Spiral(nn.Module):
    """``g(z) = R(π||z||) z``; the radius is unchanged, so ``g⁻¹(x) = R(−π||x||) x``."""

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """``x = R(π||z||) z``."""
        return _rotate(z, math.pi * z.norm(dim=-1))

    def inverse(self, x: torch.Tensor) -> torch.Tensor:
        """``z = R(−π||x||) x`` (the rotation angle depends only on the norm, which it keeps)."""
        return _rotate(x, -math.pi * x.norm(dim=-1))


class Banana(nn.Module):
    """``g(z) = (z0, z1 + z0²)``."""

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """``x = (z0, z1 + z0²)``."""
        return torch.stack((z[..., 0], z[..., 1] + z[..., 0] ** 2), dim=-1)

    def inverse(self, x: torch.Tensor) -> torch.Tensor:
        """``z = (x0, x1 − x0²)``."""
        return torch.stack((x[..., 0], x[..., 1] - x[..., 0] ** 2), dim=-1)


class Sinusoid(nn.Module):
    """``g(z) = (z0 + sin(1.5 z1), z1)``."""

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """``x = (z0 + sin(1.5 z1), z1)``."""
        return torch.stack((z[..., 0] + torch.sin(1.5 * z[..., 1]), z[..., 1]), dim=-1)

    def inverse(self, x: torch.Tensor) -> torch.Tensor:
        """``z = (x0 − sin(1.5 x1), x1)``."""
        return torch.stack((x[..., 0] - torch.sin(1.5 * x[..., 1]), x[..., 1]), dim=-1)


def _orthogonal(k: int, gen: torch.Generator) -> torch.Tensor:
    """A Haar-random orthogonal matrix (QR of a Gaussian matrix with the sign fix)."""
    q, r = torch.linalg.qr(torch.randn(k, k, generator=gen, dtype=torch.float64))
    return (q * torch.sign(torch.diagonal(r))).to(torch.float32)


def inverse_coupling(x: torch.Tensor, W: torch.Tensor) -> torch.Tensor:
    """Undo the additive coupling layers ``W`` (shape ``(layers, half, half)``), last layer first."""
    half = W.shape[-1]
    a, b = x[..., :half], x[..., half:]
    for i in reversed(range(W.shape[0])):
        if i % 2 == 0:
            b = b - torch.tanh(a @ W[i])
        else:
            a = a - torch.tanh(b @ W[i])
    return torch.cat((a, b), dim=-1)


class Coupling(nn.Module):
    """Additive coupling layers: layer l maps ``(a, b) ↦ (a, b + tanh(a W_l))`` (even l) or
    ``(a + tanh(b W_l), b)`` (odd l), with ``W_l = 2 × orthogonal``; any even n."""

    def __init__(self, n: int, n_layers: int = 4, seed: int = 1337, scale: float = 2.0):
        super().__init__()
        n = check_int(n, "n", 2)
        if n % 2:
            raise ValueError(f"n must be even for the coupling mixing, got {n}")
        check_int(n_layers, "n_layers", 1)
        gen = torch.Generator().manual_seed(seed)
        self.half = n // 2
        self.register_buffer("W", torch.stack([scale * _orthogonal(self.half, gen) for _ in range(n_layers)]))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """The coupling layers in order: even layers add ``tanh(z1 W)`` to ``z2``, odd layers ``tanh(z2 W)`` to ``z1``."""
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


class LeakyMLP(nn.Module):
    """``x = Q_L σ(Q_{L−1} … σ(Q_1 z))`` with Haar orthogonal ``Q_l`` and leaky ReLU σ (slope 0.2)."""

    def __init__(self, n: int, n_layers: int = 4, seed: int = 1337, slope: float = LEAKY_SLOPE):
        super().__init__()
        check_int(n, "n", 1)
        check_int(n_layers, "n_layers", 1)
        gen = torch.Generator().manual_seed(seed)
        self.slope = float(slope)
        self.register_buffer("Q", torch.stack([_orthogonal(n, gen) for _ in range(n_layers)]))

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


class Identity(nn.Module):
    """``g(z) = z``: the world without a mixing, for checks of the objective alone."""

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """``x = z``."""
        return z

    def inverse(self, x: torch.Tensor) -> torch.Tensor:
        """``z = x``."""
        return x


def make_mixing(name: str, n: int, *, n_layers: int = 4, seed: int = 1337) -> nn.Module:
    """The mixing ``name`` (one of ``MIXINGS``) in ``n`` dimensions, frozen (no gradients)."""
    check_choice(name, "mixing", MIXINGS)
    n = check_int(n, "n", 1)
    if name in MIXINGS_2D and n != 2:
        raise ValueError(f"mixing {name!r} is defined for n = 2 only, got n = {n}")
    if name == "spiral":
        mod = Spiral()
    elif name == "banana":
        mod = Banana()
    elif name == "sinusoid":
        mod = Sinusoid()
    elif name == "coupling":
        mod = Coupling(n, n_layers, seed)
    elif name == "mlp":
        mod = LeakyMLP(n, n_layers, seed)
    else:
        mod = Identity()
    for p in mod.parameters():
        p.requires_grad_(False)
    return mod.eval()
