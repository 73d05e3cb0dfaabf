"""The encoder registry (docs: theory, the world and the learner).

An entry is a function ``build(obs_shape, m, options) -> nn.Module`` registered with
:func:`register` under a name, with the options it reads declared as data
(:class:`~lejepa_verify.theory.options.Option`: kind, default, allowed range) and
``check(obs_shape, n, m, options)`` that refuses shapes the encoder cannot take (``ValueError``
naming the parameter); a ``TrainConfig`` runs it once, when it is built. ``options`` is the
member's options (by attribute: ``options.width``) plus ``seed`` (the run's) and ``n`` (the
latent dimension), for encoders that depend on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn

from lejepa_verify.theory.options import Option, check_options
from lejepa_verify.theory.validate import check_int
from lejepa_verify.validation.registries import ENCODERS

REGISTRY = ENCODERS


@dataclass(frozen=True)
class EncoderSpec:
    """A registry entry: its name, a line of description, the builder, its shape check and its options."""

    name: str
    description: str
    build: Callable[..., nn.Module]
    check: Callable[..., None]
    options: tuple[Option, ...] = ()
    #: ``size(obs_shape, m, options) -> (parameters, activations per sample)``, for the memory check
    size: Callable[..., tuple[int, int]] | None = None

    def size_of(self, obs_shape, m: int, options) -> tuple[int, int]:
        """Parameters and activations per sample (a square ``max(obs, m)`` guess where the encoder says none)."""
        if self.size is not None:
            return self.size(obs_shape, m, options)
        d = max(int(np_prod(obs_shape)), m)
        return 4 * d * d, 8 * d


def np_prod(shape) -> int:
    """The number of entries of an array of ``shape``."""
    out = 1
    for s in shape:
        out *= int(s)
    return out


def _no_check(obs_shape: tuple[int, ...], n: int, m: int, options=None) -> None:
    return None


def register(name: str, description: str, check: Callable[..., None] | None = None, *,
             options: tuple[Option, ...] = (), size: Callable[..., tuple[int, int]] | None = None):
    """Decorator registering ``build(obs_shape, m, options)`` under ``name`` with its declared
    ``options`` (and, optionally, its ``size`` for the memory check)."""

    def deco(build):
        REGISTRY.add(name, EncoderSpec(name, description, build, check or _no_check, tuple(options), size),
                     module=build.__module__)
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


class BuildOptions(dict):
    """A member's options plus ``seed`` and ``n``, readable by attribute (``options.width``)."""

    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None


def build_encoder(spec: EncoderSpec, obs_shape: tuple[int, ...], m: int, options, *, seed: int, n: int) -> nn.Module:
    """Build an already validated encoder: its weights drawn after ``torch.manual_seed(seed)``."""
    opts = BuildOptions(options)
    opts.update(seed=seed, n=n)
    torch.manual_seed(seed)
    return spec.build(tuple(obs_shape), m, opts)


#: the keyword ``make_encoder`` took for the matched encoder's layers, before options were declared
_RENAMED = {"n_layers": "encoder_layers"}


def make_encoder(name: str, obs_shape, m: int, *, seed: int = 0, n: int | None = None, **options) -> nn.Module:
    """The encoder ``name`` from observations of shape ``obs_shape`` (an int means ``(obs_shape,)``)
    to ``R^m``, its weights drawn after ``torch.manual_seed(seed)``; ``n`` is the latent dimension
    (default: the observation length) for encoders that depend on it; ``options`` are the
    encoder's declared options (``width=64``). Options of other encoders are checked and not
    read, so one set of keywords serves every encoder (as before options were declared)."""
    spec = encoder_spec(name)
    shape = (int(obs_shape),) if isinstance(obs_shape, int) and not isinstance(obs_shape, bool) else tuple(obs_shape)
    for i, s in enumerate(shape):
        check_int(s, f"obs_shape[{i}]", 1)
    m = check_int(m, "m", 1)
    n = shape[0] if n is None else check_int(n, "n", 1)
    seed = check_int(seed, "seed", 0)
    options = {_RENAMED.get(k, k): v for k, v in options.items()}
    own = {o.name for o in spec.options}
    others = {o.name: o for other in encoder_names() if other != name for o in encoder_spec(other).options}
    for key in [k for k in options if k not in own and k in others]:
        others[key].check(options.pop(key))   # another encoder's option: checked, not read
    values = check_options(spec.options, options, f"encoder {name}: ")
    if "encoder_layers" in values and values["encoder_layers"] is None:
        values["encoder_layers"] = 4
    spec.check(shape, n, m, values)
    return build_encoder(spec, shape, m, values, seed=seed, n=n)
