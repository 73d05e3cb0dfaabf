"""``cnn``: a strided convolutional encoder for image observations ``(C, H, W)``.

Each stage is ``Conv2d(k=4, stride=2, padding=1)`` (halving height and width) → batch norm
(when ``batch_norm``) → ReLU, with the stage widths ``channels``; then a global average pool,
``Linear(channels[-1], hidden)`` → ReLU → ``Linear(hidden, m)``. With ``channels = (32, 64, 128,
256)``, batch norm and ``hidden = 256`` it is the authors' Reacher encoder (paper_numbers.toml
``[reacher]``: conv 32-64-128-256 with batch norm, average pool, 256 units, 2 outputs); the
config's default ``(8, 16, 32, 32)`` with ``hidden = 64`` is a CPU-sized version of it, with
1.4 M multiply-adds per 64×64 frame against the authors' 25.7 M (speeds in
``benchmarks/bench_pixels.py``).

Every stage needs at least one pixel to halve, so an image must be at least ``2^len(channels)``
pixels high and wide; a smaller one, or a vector observation, is a ``ValueError`` naming the
observation shape before any training starts.
"""

from __future__ import annotations

from torch import nn

from lejepa_verify.theory.options import Option
from lejepa_verify.validation.encoders.base import register

AUTHORS_CHANNELS = (32, 64, 128, 256)
OPTIONS = (
    Option("cnn_channels", "ints", (8, 16, 32, 32), "stage widths of the CNN encoder (one stride-2 stage each)",
           low=1, high=4096, length=(1, 8)),
    Option("cnn_hidden", "int", 64, "units of the CNN's MLP read-out", low=1, high=65536),
    Option("cnn_batch_norm", "bool", True, "batch norm after each convolution of the CNN"),
)


def check_image(obs_shape, channels) -> tuple[int, int, int]:
    """``(C, H, W)`` of an image observation the strided stack of ``channels`` can take."""
    shape = tuple(obs_shape)
    if len(shape) != 3:
        raise ValueError(f"the cnn encoder takes image observations (C, H, W), got observation shape {shape}")
    c, h, w = (int(s) for s in shape)
    need = 2 ** len(channels)
    if h < need or w < need:
        raise ValueError(f"the cnn encoder with {len(channels)} stride-2 stages needs images of at least "
                         f"{need} x {need} pixels, got observation shape {shape}")
    return c, h, w


def cnn(obs_shape, m: int, channels=(8, 16, 32, 32), hidden: int = 64, batch_norm: bool = True) -> nn.Sequential:
    """The encoder of the module docstring for images of shape ``obs_shape``."""
    c_in, _, _ = check_image(obs_shape, channels)
    layers: list[nn.Module] = []
    for c_out in channels:
        layers.append(nn.Conv2d(c_in, c_out, kernel_size=4, stride=2, padding=1, bias=not batch_norm))
        if batch_norm:
            layers.append(nn.BatchNorm2d(c_out))
        layers.append(nn.ReLU())
        c_in = c_out
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c_in, hidden), nn.ReLU(), nn.Linear(hidden, m)]
    return nn.Sequential(*layers)


def _check(obs_shape, n, m, options=None):
    check_image(obs_shape, options["cnn_channels"] if options is not None else (1,))


def _size(obs_shape, m, options):
    pixels, chans = int(obs_shape[0]), tuple(options["cnn_channels"])
    params = sum(a * b * 16 for a, b in zip((4,) + chans, chans)) + chans[-1] * options["cnn_hidden"] + options["cnn_hidden"] * m
    return params, 3 * pixels * max(chans) // 4


@register("cnn", "strided conv stack (batch norm optional), average pool, MLP read-out; for images", _check,
          options=OPTIONS, size=_size)
def build(obs_shape, m: int, options) -> nn.Module:
    """A strided convolutional encoder (optional batch norm), average pool and MLP read-out to ``m`` outputs."""
    return cnn(obs_shape, m, options.cnn_channels, options.cnn_hidden, options.cnn_batch_norm)
