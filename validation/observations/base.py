"""The observation interface and its registry (docs: theory, the world and the learner).

An observation is the unknown mixing ``g`` of a world: a frozen ``torch.nn.Module`` mapping a
batch of latents ``(B, n)`` to observations ``(B, *obs_shape)``. It has

- ``forward(z)``: the torch map the trainer uses;
- ``numpy_map()``: its numpy twin ``(N, n) -> (N, prod(obs_shape))`` in float64, so that the
  numerics layer can take the Hermite spectrum of exactly the map the trainer learns;
- ``obs_shape``: the shape of one observation, from which encoders are built;
- ``inverse(x)`` where ``has_inverse`` (the matched encoder and the tests use it).

Registered classes declare ``name``, a one-line ``description``, the options they read
(``options``, as :class:`~lejepa_verify.theory.options.Option`; the seeded maps read
``mixing_layers``, :data:`LAYERS`) and a ``check_n(n)`` class method that raises ``ValueError``
for a latent dimension the map is not defined for. A ``TrainConfig`` runs the checks once; the
trainer then builds the map with :func:`build_observation`, which checks nothing again.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Callable, ClassVar, Mapping

import numpy as np
import torch
from torch import nn

from lejepa_verify.theory.options import Option, check_options
from lejepa_verify.theory.validate import check_int
from lejepa_verify.validation.registries import OBSERVATIONS

REGISTRY = OBSERVATIONS

#: the layer count of the seeded maps (coupling, authors_coupling, mlp)
LAYERS = Option("mixing_layers", "int", 4, "layers of a seeded mixing (coupling, mlp)", low=1, high=1024)


@dataclass(frozen=True)
class ObservationSpec:
    """A registry entry: the class and what the CLI and docs say about it."""

    name: str
    cls: type
    description: str

    @property
    def options(self) -> tuple[Option, ...]:
        """The options the map reads."""
        return tuple(self.cls.options)

    def check_n(self, n: int) -> int:
        """Validate the latent dimension ``n`` for this observation."""
        return self.cls.check_n(n)

    def obs_shape(self, n: int) -> tuple[int, ...]:
        """The shape of one observation of an ``n``-dimensional latent, without building the map."""
        return self.cls.shape_for(self.check_n(n))


class Observation(nn.Module):
    """Base class of observation maps (module docstring). Subclasses set ``name`` and
    ``description`` and implement ``forward``; ``inverse`` where ``has_inverse``."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    has_inverse: ClassVar[bool] = True
    options: ClassVar[tuple[Option, ...]] = ()

    def __init__(self, n: int):
        super().__init__()
        self.n = self.check_n(n)

    @classmethod
    def check_n(cls, n: int) -> int:
        """Validate the latent dimension (any ``n >= 1`` unless a subclass says otherwise)."""
        return check_int(n, "n", 1)

    @classmethod
    def build(cls, n: int, options: Mapping[str, Any], *, seed: int) -> "Observation":
        """Construct from the latent dimension, the map's options and the mixing seed (fixed maps
        ignore the last two)."""
        return cls(n)

    @classmethod
    def shape_for(cls, n: int) -> tuple[int, ...]:
        """Shape of one observation of an ``n``-dimensional latent; a vector map keeps ``n``."""
        return (n,)

    @property
    def obs_shape(self) -> tuple[int, ...]:
        """The shape of one observation."""
        return self.shape_for(self.n)

    def inverse(self, x: torch.Tensor) -> torch.Tensor:
        """``z = g⁻¹(x)``; a map without an inverse raises ``ValueError``."""
        raise ValueError(f"observation {self.name!r} has no inverse")

    def numpy_map(self) -> Callable[[np.ndarray], np.ndarray]:
        """The numpy twin ``(N, n) -> (N, prod(obs_shape))``, evaluated in float64."""
        twin = copy.deepcopy(self).double().eval()
        n = self.n

        def g(z: np.ndarray) -> np.ndarray:
            z2 = np.asarray(z, dtype=float).reshape(-1, n)
            with torch.no_grad():
                x = twin(torch.from_numpy(np.ascontiguousarray(z2)))
            return x.reshape(len(z2), -1).numpy()

        return g


class Fixed2D(Observation):
    """A fixed map of the plane (no random parts), defined for ``n = 2`` only."""

    def __init__(self, n: int = 2):
        super().__init__(n)

    @classmethod
    def check_n(cls, n: int) -> int:
        n = check_int(n, "n", 1)
        if n != 2:
            raise ValueError(f"mixing {cls.name!r} is defined for n = 2 only, got n = {n}")
        return n


def haar_orthogonal(k: int, gen: torch.Generator) -> torch.Tensor:
    """A Haar-random ``k × k`` orthogonal matrix: QR of a Gaussian matrix with the sign fix
    (the signs of ``diag(R)`` moved into ``Q``, without which ``Q`` is not Haar distributed)."""
    q, r = torch.linalg.qr(torch.randn(k, k, generator=gen, dtype=torch.float64))
    return (q * torch.sign(torch.diagonal(r))).to(torch.float32)


def register(cls: type) -> type:
    """Class decorator adding an :class:`Observation` subclass to the registry under ``cls.name``."""
    if not (isinstance(cls, type) and issubclass(cls, Observation)) or not cls.name:
        raise ValueError(f"an observation must subclass Observation and set a name, got {cls!r}")
    REGISTRY.add(cls.name, ObservationSpec(cls.name, cls, cls.description), module=cls.__module__)
    return cls


def observation_names() -> tuple[str, ...]:
    """The observation names (one module each in this package), without importing torch maps."""
    return REGISTRY.names()


def observation_spec(name: str) -> ObservationSpec:
    """The registry entry of ``name``; ``ValueError`` listing the valid names otherwise."""
    return REGISTRY.get(name)


def build_observation(name: str, n: int, options: Mapping[str, Any], *, seed: int) -> Observation:
    """The observation ``name`` of an already validated config, frozen (no gradients), in eval mode."""
    mod = observation_spec(name).cls.build(n, options, seed=seed)
    for p in mod.parameters():
        p.requires_grad_(False)
    return mod.eval()


def make_observation(name: str, n: int, *, n_layers: int = 4, seed: int = 1337) -> Observation:
    """The observation ``name`` in ``n`` latent dimensions, frozen (no gradients), in eval mode.

    ``n_layers`` (the ``mixing_layers`` option) and ``seed`` are passed to maps that have layers
    or random parts and ignored by fixed maps.
    """
    spec = observation_spec(name)
    spec.check_n(n)
    given = {"mixing_layers": n_layers} if any(o.name == "mixing_layers" for o in spec.options) else {}
    if not given:
        LAYERS.check(n_layers)
    options = check_options(spec.options, given, f"mixing {name}: ")
    return build_observation(name, n, options, seed=check_int(seed, "seed", 0))
