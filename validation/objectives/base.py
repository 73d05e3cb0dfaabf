"""The objective interface and its registry (docs: theory, the world and the learner).

An objective is a class registered with :func:`register`: built from a run's config by
``from_config(config, m, device)``, called as ``objective(h1, h2, gen) -> (loss, parts)`` on a
batch of paired embeddings, where ``parts`` holds the detached terms for the curves: always
``"alignment"``, and the regulariser under the class's ``regulariser`` key. ``uses_lam`` says
whether the trainer's λ schedule applies (the trainer sets ``objective.lam`` every step).
"""

from __future__ import annotations

from typing import ClassVar

import torch

from lejepa_verify.validation.registries import OBJECTIVES

REGISTRY = OBJECTIVES


class Objective:
    """Base class; subclasses set ``name``, ``description``, ``regulariser`` and ``uses_lam``."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    regulariser: ClassVar[str] = ""
    uses_lam: ClassVar[bool] = True

    lam: float = 0.0

    @classmethod
    def from_config(cls, config, m: int, device) -> "Objective":
        raise ValueError(f"objective {cls.name!r} does not say how to build itself from a config")

    def __call__(self, h1: torch.Tensor, h2: torch.Tensor, gen: torch.Generator | None = None):
        raise ValueError(f"objective {self.name!r} does not define a loss")


def register(cls: type) -> type:
    """Class decorator adding an :class:`Objective` subclass to the registry under ``cls.name``."""
    if not (isinstance(cls, type) and issubclass(cls, Objective)) or not cls.name or not cls.regulariser:
        raise ValueError(f"an objective must subclass Objective and set name and regulariser, got {cls!r}")
    REGISTRY.add(cls.name, cls, module=cls.__module__)
    return cls


def objective_names() -> tuple[str, ...]:
    """The objective names (one module each in this package), listed without importing them."""
    return REGISTRY.names()


def objective_class(name: str) -> type:
    """The class registered as ``name``; ``ValueError`` listing the valid names otherwise."""
    return REGISTRY.get(name)


def make_objective(config, device="cpu") -> Objective:
    """The objective of a :class:`~lejepa_verify.validation.config.TrainConfig`, on ``device``."""
    return objective_class(config.objective).from_config(config, config.out_dim, device)
