"""``linear``: ``h = A x + b``, the model class of Theorem A's optimum."""

from __future__ import annotations

from torch import nn

from lejepa_verify.validation.encoders.base import register, vector_dim


def _check(obs_shape, n, m, options=None):
    vector_dim(obs_shape, "linear")


@register("linear", "h = A x + b", _check)
def build(obs_shape, m: int, options) -> nn.Module:
    """A linear encoder ``h = Wx + b`` from the flattened observation to ``m`` outputs."""
    return nn.Linear(vector_dim(obs_shape, "linear"), m)
