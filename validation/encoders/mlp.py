"""``mlp``: ``depth`` hidden GELU layers of ``width`` units, then a linear read-out to ``m``."""

from __future__ import annotations

from torch import nn

from lejepa_verify.theory.options import Option
from lejepa_verify.validation.encoders.base import register, vector_dim

OPTIONS = (
    Option("width", "int", 128, "hidden units per layer of the MLP encoder", low=1, high=65536),
    Option("depth", "int", 3, "hidden layers of the MLP encoder", low=1, high=64),
)


def mlp(n: int, m: int, width: int = 128, depth: int = 3) -> nn.Sequential:
    """``Linear(n, width) → GELU → [Linear(width, width) → GELU] × (depth − 1) → Linear(width, m)``."""
    layers: list[nn.Module] = [nn.Linear(n, width), nn.GELU()]
    for _ in range(depth - 1):
        layers += [nn.Linear(width, width), nn.GELU()]
    layers.append(nn.Linear(width, m))
    return nn.Sequential(*layers)


def _check(obs_shape, n, m, options=None):
    vector_dim(obs_shape, "mlp")


def _size(obs_shape, m, options):
    n, w, d = int(obs_shape[0]), options["width"], options["depth"]
    return n * w + (d - 1) * w * w + w * m, 2 * w * d


@register("mlp", "GELU MLP, width × depth hidden layers, linear read-out", _check, options=OPTIONS, size=_size)
def build(obs_shape, m: int, options) -> nn.Module:
    """A GELU MLP (``options.width`` × ``options.depth``) from the flattened observation to ``m`` outputs."""
    return mlp(vector_dim(obs_shape, "mlp"), m, options.width, options.depth)
