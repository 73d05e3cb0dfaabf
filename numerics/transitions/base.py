"""What a transition declares, and its registry (docs/theory.md §1, §3).

A transition is one module of :mod:`numerics.transitions` holding a subclass of
:class:`Transition` decorated with :func:`register`; the module's file name is the
transition's name. It declares, as hooks:

* :meth:`Transition.available`: whether it exists for a latent law (with
  :meth:`Transition.unavailable_reason` for the error message);
* :meth:`Transition.check` and :meth:`Transition.check_dim`: whether it exists at this ``ρ``
  with these options and in this dimension (``ValueError`` with the reason otherwise, e.g. the
  uniform AR(1) chain needs ``ρ = 1/k``);
* :meth:`Transition.world_law`: the latent law of its world, for a transition whose stationary
  law is its own (a nonlinear drift) rather than one of the registered laws;
* :meth:`Transition.step`: ``z'`` given ``z`` (same shape), drawn from a generator, and
  :meth:`Transition.sample`: pairs ``(z, z')`` with ``z`` from the law;
* :meth:`Transition.next_cdf` / :meth:`Transition.conditional_cdf`: the law of ``z'`` (given
  ``z``, or averaged over ``z``) where it is known in closed form;
* :meth:`Transition.stationary_law`: the law the transition leaves exactly invariant, where it
  does;
* :meth:`Transition.is_ou_channel`: whether, for this law, the pair ``(z, z')`` has the law of
  the OU / Mehler channel of docs/theory.md §1 (a trainer may then draw it by that formula);
* :meth:`Transition.next_excess_kurtosis`: the excess kurtosis of ``z'``.

A transition may declare options (``options``, a tuple of :class:`theory.options.Option`); the
public functions of :mod:`numerics.transitions` check the law, ``ρ`` and the options once and
hand validated values to the hooks, which do not check again.
"""

from __future__ import annotations

import abc
from typing import Any, ClassVar

import numpy as np

from lejepa_verify.theory.options import Option
from lejepa_verify.theory.registry import Registry, require_hooks

__all__ = ["REGISTRY", "Transition", "register", "standard_normal_law"]

#: one module per transition; the paper's and the authors' four first, then the rest sorted
REGISTRY = Registry("lejepa_verify.numerics.transitions", "transition", private=("base", "additive", "defects"),
                    order=("ou", "authors", "ar1", "langevin"))


class Transition(abc.ABC):
    """A transition ``z → z'`` (module docstring for the hooks).

    Class attributes: ``name`` (the module's name), ``summary`` (one line for listings),
    ``options`` (declared :class:`~lejepa_verify.theory.options.Option` values, read by the one
    validator and by the command line).
    """

    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    options: ClassVar[tuple[Option, ...]] = ()

    # -- where it exists ----------------------------------------------------------------------

    def available(self, law) -> bool:
        """Whether the transition exists for ``law`` (every law unless a transition says otherwise)."""
        return True

    def unavailable_reason(self, law) -> str:
        """Why it does not exist for ``law``, as a parenthesis for the error message."""
        return ""

    def check(self, law, rho: float, **options: Any) -> None:
        """Raise ``ValueError`` where the transition does not exist at ``rho`` with ``options``
        (for a law it is available for; every ``ρ`` in (0, 1) by default)."""

    def check_dim(self, law, rho: float, dim: int, **options: Any) -> None:
        """Raise ``ValueError`` where it does not exist in ``dim`` latent dimensions (it exists in
        every dimension, moving each coordinate alike, unless a transition says otherwise)."""

    def world_law(self, rho: float, **options: Any):
        """The one latent law of this transition's world: its own stationary law (a drift whose
        stationary law is not a registered one), or the law it keeps when it keeps one only
        (N(0, 1)); ``None`` for a transition that moves every law it is :meth:`available` for."""
        return None

    # -- drawing ------------------------------------------------------------------------------

    @abc.abstractmethod
    def step(self, law, rho: float, z: np.ndarray, rng: np.random.Generator, **options: Any) -> np.ndarray:
        """``z'`` given ``z`` (same shape), randomness drawn from ``rng``."""

    def sample(self, law, rho: float, n_pairs: int, dim: int, rng: np.random.Generator, **options: Any):
        """Pairs ``(z, z')`` of shape ``(n_pairs, dim)``: ``z`` drawn from ``law``, then one :meth:`step`."""
        z = law.sample((n_pairs, dim), seed=rng)
        return z, self.step(law, rho, z, rng, **options)

    # -- laws ---------------------------------------------------------------------------------

    def next_cdf(self, law, rho: float, t: np.ndarray, zq: np.ndarray, wq: np.ndarray, **options: Any):
        """The CDF of ``z'`` at ``t``, ``E_z F(t | z)`` over quadrature nodes ``zq`` with weights
        ``wq`` of ``z ~ law``; ``None`` where the one-step law has no closed form."""
        return None

    def conditional_cdf(self, law, rho: float, t: np.ndarray, z: float, **options: Any):
        """``P(z' <= t | z)`` at the points ``t`` for one value ``z``, or ``None`` where the
        transition does not give it (an AR(1) chain's innovation law is only used integrated)."""
        return None

    def stationary_law(self, law, rho: float, **options: Any):
        """The law the transition leaves exactly invariant when ``z ~ law``: ``law`` itself for a
        stationary transition, ``None`` where it is not stationary (or only numerically)."""
        return law

    def is_ou_channel(self, law) -> bool:
        """Whether ``(z, z')`` has the law of the OU / Mehler channel ``z' = ρz + sqrt(1 − ρ²) η``."""
        return False

    def next_excess_kurtosis(self, law, rho: float, kurtosis: float, **options: Any) -> float:
        """The excess kurtosis of ``z'`` given that of ``z`` (unchanged for a stationary transition)."""
        return kurtosis


def register(cls: type[Transition]) -> type[Transition]:
    """Class decorator adding one instance of ``cls`` to the registry under ``cls.name``."""
    if not (isinstance(cls, type) and issubclass(cls, Transition)) or not cls.name:
        raise ValueError(f"a transition must subclass Transition and set a name, got {cls!r}")
    require_hooks(cls, "transition")
    REGISTRY.add(cls.name, cls(), module=cls.__module__)
    return cls


def standard_normal_law():
    """N(0, 1): the law the Gaussian-only transitions keep (``ou``, ``flip_drift``, ``ou_action``).

    Built by its registered name here, and only here: no transition tests a law's name, it asks
    the law (``law.is_gaussian``).
    """
    from lejepa_verify.numerics.latents import latent_law

    return latent_law("gaussian")
