"""The encoder registry (docs: theory, the world and the learner).

An entry is a function ``build(obs_shape, m, options) -> nn.Module`` registered with
:func:`register` under a name, with ``check(obs_shape, n, m)`` that refuses shapes the
encoder cannot take (``ValueError`` naming the parameter) before any training starts.
``options`` is an :class:`EncoderOptions`: the config fields an encoder may read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn

from lejepa_verify.validation.registries import ENCODERS
from lejepa_verify.theory.validate import check_choice, check_int

from lejepa_verify.validation.config import MATCHED_INITS


@dataclass(frozen=True)
class EncoderOptions:
    """The config fields an encoder may use: MLP ``width`` × ``depth``, the matched encoder's
    ``n_layers`` and ``matched_init``, the ``seed`` its weights are drawn from, and the CNN's
    stage widths ``cnn_channels``, read-out width ``cnn_hidden`` and ``cnn_batch_norm``."""

    width: int = 128
    depth: int = 3
    n_layers: int = 4
    matched_init: str = "identity"
    seed: int = 0
    cnn_channels: tuple[int, ...] = (8, 16, 32, 32)
    cnn_hidden: int = 64
    cnn_batch_norm: bool = True


@dataclass(frozen=True)
class EncoderSpec:
    """A registry entry."""

    name: str
    description: str
    build: Callable[[tuple[int, ...], int, EncoderOptions], nn.Module]
    check: Callable[[tuple[int, ...], int, int], None]


REGISTRY = ENCODERS


def _no_check(obs_shape: tuple[int, ...], n: int, m: int) -> None:
    return None


def register(name: str, description: str, check: Callable[[tuple[int, ...], int, int], None] | None = None):
    """Decorator registering ``build(obs_shape, m, options)`` under ``name``."""

    def deco(build):
        REGISTRY.add(name, EncoderSpec(name, description, build, check or _no_check), module=build.__module__)
        return build

    return deco


def encoder_names() -> tuple[str, ...]:
    """The encoder names (one module each in this package), listed without importing them."""
    return REGISTRY.names()


def encoder_spec(name: str) -> EncoderSpec:
    """The registry entry of ``name``; ``ValueError`` listing the valid names otherwise."""
    return REGISTRY.get(name)


def vector_dim(obs_shape: tuple[int, ...], encoder: str) -> int:
    """The length of a vector observation; ``ValueError`` for an image-shaped one."""
    if len(obs_shape) != 1:
        raise ValueError(f"the {encoder} encoder takes vector observations, got observation shape {tuple(obs_shape)}")
    return int(obs_shape[0])


def make_encoder(name: str, obs_shape, m: int, *, width: int = 128, depth: int = 3, n_layers: int = 4,
                 seed: int = 0, matched_init: str = "identity", n: int | None = None,
                 cnn_channels=(8, 16, 32, 32), cnn_hidden: int = 64, cnn_batch_norm: bool = True) -> nn.Module:
    """The encoder ``name`` from observations of shape ``obs_shape`` (an int means ``(obs_shape,)``)
    to ``R^m``, its weights drawn after ``torch.manual_seed(seed)``; ``n`` is the latent dimension
    (default: the observation length) for encoders that depend on it."""
    spec = encoder_spec(name)
    shape = (int(obs_shape),) if isinstance(obs_shape, (int,)) and not isinstance(obs_shape, bool) else tuple(obs_shape)
    for i, s in enumerate(shape):
        check_int(s, f"obs_shape[{i}]", 1)
    m = check_int(m, "m", 1)
    n = shape[0] if n is None else check_int(n, "n", 1)
    check_choice(matched_init, "matched_init", MATCHED_INITS)
    spec.check(shape, n, m)
    if isinstance(cnn_channels, (str, bytes)) or not hasattr(cnn_channels, "__len__") or not 1 <= len(cnn_channels) <= 8:
        raise ValueError(f"cnn_channels must be a list of 1 to 8 positive integers, got {cnn_channels!r}")
    channels = tuple(check_int(c, "cnn_channels", 1) for c in cnn_channels)
    if not isinstance(cnn_batch_norm, bool):
        raise ValueError(f"cnn_batch_norm must be true or false, got {cnn_batch_norm!r}")
    options = EncoderOptions(check_int(width, "width", 1), check_int(depth, "depth", 1),
                             check_int(n_layers, "n_layers", 1), matched_init, check_int(seed, "seed", 0),
                             channels, check_int(cnn_hidden, "cnn_hidden", 1), cnn_batch_norm)
    torch.manual_seed(seed)
    return spec.build(shape, m, options)
