"""The objective interface and its registry (docs: theory, the world and the learner).

An objective is a class registered with :func:`register`. It declares the options it reads
(``options``, as :class:`~lejepa_verify.theory.options.Option`: SIGReg's slices and knots,
InfoNCE's bandwidth, VICReg's weights), is built from a validated config's options by
``from_options(options, m=..., device=..., lam=...)`` and called as
``objective(h1, h2, gen) -> (loss, parts)`` on a batch of paired embeddings, where ``parts``
holds the detached terms for the curves: always ``"alignment"``, and the regulariser under the
class's ``regulariser`` key. ``uses_lam`` says whether the trainer's λ schedule applies (the
trainer sets ``objective.lam`` every step).
"""

from __future__ import annotations

from typing import Any, ClassVar, Mapping

import torch

from lejepa_verify.theory.options import Option
from lejepa_verify.validation.registries import OBJECTIVES

REGISTRY = OBJECTIVES
#: the weight of the regulariser, and the embedding dimension, as every objective checks them
LAM = Option("lam", "float", 0.0, "weight of the regulariser", low=0.0, high=1.0)
LAM_M = Option("m", "int", 2, "embedding dimension", low=1)


class Objective:
    """Base class; subclasses set ``name``, ``description``, ``regulariser`` and ``uses_lam``."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    regulariser: ClassVar[str] = ""
    uses_lam: ClassVar[bool] = True
    options: ClassVar[tuple[Option, ...]] = ()
    #: extras of a training batch the call takes as keywords (an action world's ``"actions"``)
    wants: ClassVar[tuple[str, ...]] = ()
    #: further ``parts`` the loop records as curves (mean over each evaluation window), e.g. a multiplier
    extra_curves: ClassVar[tuple[str, ...]] = ()

    lam: float = 0.0

    def parameters(self) -> list:
        """Trainable tensors of the objective itself (an action predictor's), trained with the encoder."""
        return []

    def __init__(self, *, m: int = 2, device="cpu", lam: float = 0.0, **options: Any):
        """A public boundary: ``m``, ``lam`` and the options are checked against the declarations."""
        from lejepa_verify.theory.options import check_options

        where = f"objective {self.name}: " if self.name else ""
        m = LAM_M.check(m, where)
        lam = LAM.check(lam, where)
        self._setup(m=m, device=device, lam=lam, **check_options(self.options, options, where))

    def _setup(self, *, m: int, device, lam: float, **options: Any) -> None:
        """Set the fields from values already checked; subclasses precompute here (e.g. a quadrature)."""
        self.m = int(m)
        self.device = device
        self.lam = float(lam)
        for key, value in options.items():
            setattr(self, key, value)

    def stacked(self, h: torch.Tensor, batch: int, gen: torch.Generator | None = None, **extras):
        """The loss of a batch whose two views are stacked in one ``(2·batch, m)`` tensor (first
        views, then second views), as the loop computes them; by default the call on the two halves."""
        h1, h2 = h.unflatten(0, (2, batch)).unbind(0)
        return self(h1, h2, gen, **extras)

    @classmethod
    def batched(cls, objectives: list, h1: torch.Tensor, h2: torch.Tensor, gens: list):
        """The losses of several runs at once (``validation.many``): ``h1``, ``h2`` are ``(R, B, m)``,
        ``objectives`` and ``gens`` each run's own. Returns ``(losses (R,), parts)`` with every
        part an ``(R,)`` tensor. By default each run's objective is called on its own slice;
        objectives that can evaluate all runs in one call override this."""
        results = [obj(h1[r], h2[r], g) for r, (obj, g) in enumerate(zip(objectives, gens))]
        losses = torch.stack([loss for loss, _ in results])
        parts = {k: torch.stack([torch.as_tensor(p[k]) for _, p in results]) for k in results[0][1]}
        return losses, parts

    @classmethod
    def workspace(cls, rows: int, m: int, options) -> int:
        """Floats the loss needs for a batch of ``rows`` embeddings (for the memory check)."""
        return 8 * rows * m + 4 * m * m

    @classmethod
    def from_options(cls, options: Mapping[str, Any], *, m: int, device, lam: float = 0.0) -> "Objective":
        """Build from already validated options (a config's ``member_options("objective")``), checking nothing again."""
        obj = cls.__new__(cls)
        obj._setup(m=m, device=device, lam=lam, **dict(options))
        return obj

    @classmethod
    def from_config(cls, config, m: int, device) -> "Objective":
        """Build the objective of a ``TrainConfig`` for ``m`` outputs on ``device``."""
        return cls.from_options(config.member_options("objective"), m=m, device=device, lam=config.lam)

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
