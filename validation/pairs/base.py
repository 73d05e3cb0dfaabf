"""The pair-source interface and its registry (docs: theory, the world and the learner).

A pair source says how the trainer draws its pairs ``(z, z')`` from a world
(:class:`~lejepa_verify.validation.worlds.World`: a latent law, a transition, ``ρ`` and ``n``).
It declares its own options (:class:`~lejepa_verify.theory.options.Option`), the joint
constraints it puts on a config (:meth:`PairSource.check`, run once when a ``TrainConfig`` is
built), and draws

- :meth:`PairSource.train_pairs`: the training batches;
- :meth:`PairSource.eval_pairs`: the held-out pairs the metrics are measured on; by default the
  world's own one-step pairs at ``ρ``, so that δ and the bound are those of the theory.

``uses_latent`` says whether the world's latent law, its parameters and the transition are
read; a source that does not read them refuses them when set (a setting that changes nothing
must not change the run id). Every draw comes from an explicit ``torch.Generator``.
"""

from __future__ import annotations

import abc
import math
from typing import Any, ClassVar

import numpy as np
import torch

from lejepa_verify.theory.options import Option
from lejepa_verify.theory.registry import require_hooks
from lejepa_verify.validation.registries import PAIR_SOURCES

REGISTRY = PAIR_SOURCES


def ou_step(z: torch.Tensor, rho: float, eta: torch.Tensor) -> torch.Tensor:
    """One step of the OU (Mehler) channel, ``ρ z + sqrt(1 − ρ²) η`` (docs/theory.md §1), given the noise ``η``."""
    return rho * z + math.sqrt(1.0 - rho ** 2) * eta


def numpy_rng(gen: torch.Generator) -> np.random.Generator:
    """A numpy generator seeded from ``gen``, so that one torch seed fixes the numpy draws too."""
    return np.random.default_rng(int(torch.randint(0, 2 ** 62, (1,), generator=gen)))


class PairSource(abc.ABC):
    """Base class (module docstring). Subclasses set ``name``, ``description`` and, where they
    have any, ``options``; they implement :meth:`train_pairs` and may override :meth:`eval_pairs`."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    options: ClassVar[tuple[Option, ...]] = ()
    #: whether the world's latent law, its parameters and the transition are read
    uses_latent: ClassVar[bool] = True
    #: what a training batch carries besides the pair (an action world's ``"actions"``)
    extras: ClassVar[tuple[str, ...]] = ()

    def __init__(self, world: "World", options: Any = None):
        self.world = world
        self.opts = options

    @classmethod
    def check(cls, config) -> None:
        """Raise ``ValueError`` for a config this source cannot draw pairs for (joint constraints)."""

    @property
    def gaussian_world(self) -> bool:
        """Whether the held-out pairs are the Gaussian OU pairs of the theory (§2, §4)."""
        return self.world.is_gaussian

    @property
    def label(self) -> str:
        """A short description of the pairs, e.g. ``gaussian, ou, rho=0.95, n=2``."""
        return self.world.label

    @abc.abstractmethod
    def train_pairs(self, size: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """``size`` training pairs ``(z, z')``, each ``(size, n)`` float32."""

    def eval_pairs(self, size: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """``size`` held-out pairs: the world's one-step pairs at ``ρ``."""
        return self.world.sample(size, gen)

    #: whether the held-out pairs meet the premise of Prop 4.3's bound (pairs at ρ of the world's
    #: transition); where they do not, the bound is not reported
    bound_premise: ClassVar[bool] = True

    def eval_rho(self, z: torch.Tensor, z_next: torch.Tensor) -> float:
        """The correlation δ and D are computed at: the world's ``ρ``."""
        return self.world.rho


def register(cls: type) -> type:
    """Class decorator adding a :class:`PairSource` subclass to the registry under ``cls.name``."""
    if not (isinstance(cls, type) and issubclass(cls, PairSource)) or not cls.name:
        raise ValueError(f"a pair source must subclass PairSource and set a name, got {cls!r}")
    require_hooks(cls, "pair source")
    REGISTRY.add(cls.name, cls, module=cls.__module__)
    return cls


def pair_source(name: str) -> type:
    """The class registered as ``name``; ``ValueError`` listing the valid names otherwise."""
    return REGISTRY.get(name)
