"""Encoders ``f`` whose composition ``h = f ∘ g`` with the mixing is what LeJEPA learns (THEORY.md §1).

``mlp``: ``depth`` hidden GELU layers of ``width`` units, then a linear read-out to ``m``.
``matched``: the inverse of the coupling architecture (``validation.mixings.Coupling``) with
trainable matrices, layers applied in reverse order, ``(a, b) ↦ (a, b − tanh(a W_l))``; it can
represent the exact inverse of a coupling mixing with the same number of layers. It starts as
the identity (all ``W_l = 0``, ``matched_init="identity"``, the default) so that ``h = g`` at
step 0 and training moves each ``W_l`` from 0 towards the mixing's; a random start
(``"random"``: ``W_l ~ N(0, 1/half)``) sets each layer's ``tanh`` term as large as the
mixing's with the wrong matrix, and since this model class contains no rotation that could
absorb a mismatch, such runs stall in seed-dependent local optima (seed 0: ``R²`` 0.845 at
n = 8 and 0.859 at n = 32, against 1.0000 from the identity start).
``linear``: ``h = A x + b``, the model class of Theorem A's optimum.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from lejepa_verify.theory.validate import check_choice, check_int

from lejepa_verify.validation.config import ENCODERS, MATCHED_INITS
from lejepa_verify.validation.mixings import inverse_coupling


def mlp(n: int, m: int, width: int = 128, depth: int = 3) -> nn.Sequential:
    """``Linear(n, width) → GELU → [Linear(width, width) → GELU] × (depth − 1) → Linear(width, m)``."""
    layers: list[nn.Module] = [nn.Linear(n, width), nn.GELU()]
    for _ in range(depth - 1):
        layers += [nn.Linear(width, width), nn.GELU()]
    layers.append(nn.Linear(width, m))
    return nn.Sequential(*layers)


class MatchedCoupling(nn.Module):
    """Inverse additive coupling with trainable ``W_l``: zero (the identity map) for
    ``init="identity"``, ``N(0, 1/half)`` entries for ``init="random"`` (module docstring)."""

    def __init__(self, n: int, n_layers: int = 4, init: str = "identity"):
        super().__init__()
        if n % 2:
            raise ValueError(f"n must be even for the matched encoder, got {n}")
        check_choice(init, "matched_init", MATCHED_INITS)
        self.half = n // 2
        if init == "identity":
            W = torch.zeros(n_layers, self.half, self.half)
        else:
            W = torch.randn(n_layers, self.half, self.half) / math.sqrt(self.half)
        self.W = nn.Parameter(W)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The inverse coupling with this encoder's weights: ``h = f(x)``."""
        return inverse_coupling(x, self.W)


def make_encoder(name: str, n: int, m: int, *, width: int = 128, depth: int = 3, n_layers: int = 4,
                 seed: int = 0, matched_init: str = "identity") -> nn.Module:
    """The encoder ``name`` (one of ``ENCODERS``) from ``R^n`` to ``R^m``, initialised from ``seed``
    (``matched_init`` chooses the matched encoder's start, one of ``MATCHED_INITS``)."""
    check_choice(name, "encoder", ENCODERS)
    n = check_int(n, "n", 1)
    m = check_int(m, "m", 1)
    torch.manual_seed(seed)
    if name == "mlp":
        return mlp(n, m, check_int(width, "width", 1), check_int(depth, "depth", 1))
    if name == "matched":
        if m != n:
            raise ValueError(f"m must equal n = {n} for the matched encoder, got {m}")
        return MatchedCoupling(n, check_int(n_layers, "n_layers", 1), matched_init)
    return nn.Linear(n, m)
