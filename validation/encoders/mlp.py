"""``mlp``: ``depth`` hidden GELU layers of ``width`` units, then a linear read-out to ``m``."""

from __future__ import annotations

from torch import nn

from lejepa_verify.validation.encoders.base import EncoderOptions, register, vector_dim


def mlp(n: int, m: int, width: int = 128, depth: int = 3) -> nn.Sequential:
    """``Linear(n, width) → GELU → [Linear(width, width) → GELU] × (depth − 1) → Linear(width, m)``."""
    layers: list[nn.Module] = [nn.Linear(n, width), nn.GELU()]
    for _ in range(depth - 1):
        layers += [nn.Linear(width, width), nn.GELU()]
    layers.append(nn.Linear(width, m))
    return nn.Sequential(*layers)


def _check(obs_shape, n, m):
    vector_dim(obs_shape, "mlp")


@register("mlp", "GELU MLP, width × depth hidden layers, linear read-out", _check)
def build(obs_shape, m: int, options: EncoderOptions) -> nn.Module:
    return mlp(vector_dim(obs_shape, "mlp"), m, options.width, options.depth)
