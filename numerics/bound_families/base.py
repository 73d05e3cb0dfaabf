"""What an analytic bound family declares, its registry, and the population point it fills in (docs/theory.md §4).

A family is one module of :mod:`numerics.bound_families` holding a subclass of
:class:`BoundFamily` decorated with :func:`register`. It declares, as hooks:

* :meth:`BoundFamily.check_a` and :meth:`BoundFamily.check_n`: the perturbation sizes ``a`` and
  dimensions ``n`` it exists for (``ValueError`` naming the value and the range otherwise);
* :meth:`BoundFamily.map`: the map ``h_a`` given the rotation ``Q`` it starts from;
* :meth:`BoundFamily.closed_form`: the exact ``ε, δ, D, bound, error`` where they are known in
  closed form (``has_closed_form``), else nothing;
* :meth:`BoundFamily.population`: the population values as a :class:`FamilyPoint` with an error
  bar on each (closed form, or integrals with their errors through :func:`point`).

The facade (:mod:`numerics.bound_families`) validates the arguments once and calls the hooks;
a hook does not check again.
"""

from __future__ import annotations

import abc
import math
from dataclasses import dataclass, field
from typing import Callable, ClassVar, Mapping

import numpy as np

from lejepa_verify.numerics.bounds import bound_value, spectral_gap
from lejepa_verify.theory.registry import Registry, require_hooks
from lejepa_verify.theory.validate import check_int

__all__ = ["BoundFamily", "FamilyPoint", "REGISTRY", "KEYS", "point", "register"]

#: the quantities of Prop 4.3 each family point carries (and holds an error bar for)
KEYS = ("epsilon", "delta", "D", "bound", "error")
MAX_N = 4096
RADIUS = 12.0  # the Rayleigh and Gaussian tails beyond it are below 1e−30

#: one module per family, listed in this order (then any new ones, sorted)
REGISTRY = Registry("lejepa_verify.numerics.bound_families", "family", order=("degree2", "scale", "radial", "tanh"))


@dataclass(frozen=True)
class FamilyPoint:
    """Population values of Prop 4.3 for one member ``h_a`` of a family.

    ``error`` is the population ``E||h − Qz||²`` (Q the polar factor of ``E[h zᵀ]``);
    ``uncertainty`` maps each of ``epsilon, delta, D, bound, error`` to a bound on its numerical
    error (the name ``error`` being taken by the recovery error of the paper).
    """

    family: str
    a: float
    n: int
    rho: float
    epsilon: float
    delta: float
    D: float
    bound: float
    error: float
    uncertainty: Mapping[str, float] = field(default_factory=dict)
    method: str = "closed form"

    @property
    def tightness(self) -> float:
        """``error / bound`` (``nan`` when both vanish)."""
        return self.error / self.bound if self.bound > 0 else float("nan")

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        d = {k: getattr(self, k) for k in ("family", "a", "n", "rho", *KEYS, "method")}
        d["uncertainty"] = dict(self.uncertainty)
        d["tightness"] = self.tightness
        return d


def point(family: str, a: float, n: int, rho: float, eps: float, e_eps: float, delta: float, e_delta: float,
          error: float, e_error: float, method: str) -> FamilyPoint:
    """A :class:`FamilyPoint` from integrated ``ε, δ, error`` and their error bars.

    ``D`` and the bound come from :func:`numerics.bounds.bound_value` (δ clipped at 0); the bound is
    increasing in ``ε`` and ``δ``, so its error is at most its change at the ends of their bars.
    """
    D, bound = bound_value(eps, max(delta, 0.0), rho)
    e_D = e_delta / spectral_gap(rho)
    e_bound = bound_value(eps + e_eps, max(delta, 0.0) + e_delta, rho)[1] - bound
    unc = {"epsilon": e_eps, "delta": e_delta, "D": e_D, "bound": e_bound, "error": e_error}
    return FamilyPoint(family, float(a), n, rho, eps, delta, D, bound, error, unc, method)


class BoundFamily(abc.ABC):
    """A one-parameter path ``a ↦ h_a`` from ``h_0 = Qz`` (module docstring for the hooks).

    Class attributes: ``name`` (the module's name), ``summary`` (one line), ``has_closed_form``
    (whether :meth:`closed_form` answers).
    """

    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    has_closed_form: ClassVar[bool] = False

    def check_a(self, a: float) -> float:
        """``a`` (already a finite float) if the family has a member there; any ``a`` by default."""
        return a

    def check_n(self, n: int) -> int:
        """``n`` (already an integer in ``[1, 4096]``) if the family exists in that dimension; any by default."""
        return n

    @abc.abstractmethod
    def map(self, a: float, n: int, Q: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        """The map ``h_a``, an ``(N, n) → (N, n)`` callable, built on the rotation ``Q``."""

    def closed_form(self, a: float, n: int, rho: float) -> dict | None:
        """The exact values of ``epsilon, delta, D, bound, error``; ``None`` where none is known."""
        return None

    def population(self, a: float, n: int, rho: float) -> FamilyPoint:
        """The population values with their error bars (the closed form, exact, by default)."""
        cf = self.closed_form(a, n, rho)
        return FamilyPoint(self.name, a, n, rho, cf["epsilon"], cf["delta"], cf["D"], cf["bound"], cf["error"],
                           {k: 0.0 for k in KEYS}, "closed form")


def register(cls: type[BoundFamily]) -> type[BoundFamily]:
    """Class decorator adding one instance of ``cls`` to the registry under ``cls.name``."""
    if not (isinstance(cls, type) and issubclass(cls, BoundFamily)) or not cls.name:
        raise ValueError(f"a bound family must subclass BoundFamily and set a name, got {cls!r}")
    require_hooks(cls, "bound family")
    REGISTRY.add(cls.name, cls(), module=cls.__module__)
    return cls


def real_a(a) -> float:
    """``a`` as a finite float (every family's first check)."""
    if isinstance(a, (bool, str, bytes)):
        raise ValueError(f"a must be a real number, got {a!r}")
    a = float(a)
    if not np.isfinite(a):
        raise ValueError(f"a must be finite, got {a}")
    return a


def dimension(n) -> int:
    """``n`` as an integer in ``[1, 4096]``."""
    return check_int(n, "n", 1, MAX_N)


def gauss_legendre_radius(q: int):
    """``q``-point Gauss–Legendre nodes and weights on ``[0, RADIUS]``."""
    x, w = np.polynomial.legendre.leggauss(q)
    return 0.5 * RADIUS * (x + 1.0), 0.5 * RADIUS * w


def trapezoid_normal(step: float):
    """The trapezoidal rule for ``E g(z)``, ``z ~ N(0, 1)``, with nodes spaced ``step`` on ``±RADIUS``."""
    x = np.arange(-RADIUS, RADIUS + step / 2, step)
    return x, step * np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
