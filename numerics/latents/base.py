"""The latent-law registry: what every law family declares, and how a law is built by name.

A family (one small module in this package) is a subclass of :class:`LawFamily` decorated with
:func:`register`. It declares, in one place, everything the rest of the package asks of a law
(docs/theory.md §3):

* its parameters and their allowed ranges, as a table of :class:`Parameter` (one validator,
  :meth:`LawFamily.validate`, checks them all; joint constraints go in
  :meth:`LawFamily.check_joint`);
* its standardisation to mean 0 and variance 1 and the distribution object that evaluates it
  (a frozen ``scipy.stats`` distribution where one exists), :meth:`LawFamily.build`;
* score, raw moments, support, symmetry and Gaussianity;
* its spectral class for the Sturm–Liouville gap diagnosis (:class:`SpectralTheory`, or
  ``None`` when no family theory applies and the diagnosis is numerical);
* its exact stationary AR(1) chain (an :class:`AR1Chain`) or ``None``.

Transitions, the Sturm–Liouville and AR(1) operators and the transport ask the law for these;
nothing outside a family's module tests a law's name.

**Natural transition.** ``LatentLaw.default_transition`` is ``"ou"`` for a Gaussian law (the
Ornstein–Uhlenbeck / Mehler channel, stationary and reversible) and ``"authors"`` for every
other law: the authors' ablation ``z' = ρz + sqrt(1 − ρ²) η`` with ``η`` from the same family,
which is what the paper's generalised-normal figure trains on, so a default run compares with
the paper. The exact stationary ``"ar1"`` chain, where a law has one, is available but never the
default.
"""

from __future__ import annotations

import abc
import math
import numbers
from dataclasses import dataclass, field
from typing import Any, ClassVar, Mapping

import numpy as np

from lejepa_verify.theory.registry import Registry, require_hooks
from lejepa_verify.theory.validate import check_int

__all__ = [
    "AR1Chain",
    "LawFamily",
    "LatentLaw",
    "Parameter",
    "SpectralTheory",
    "as_law",
    "law_family",
    "latent_law",
    "register",
    "registered_laws",
    "unregister",
]

# Transition names as numerics.transitions spells them (it checks that these stay a subset).
_OU, _AUTHORS, _AR1, _LANGEVIN = "ou", "authors", "ar1", "langevin"


@dataclass(frozen=True)
class Parameter:
    """One declared parameter of a law family: its default and its allowed interval.

    ``low``/``high`` bound the value; ``low_open``/``high_open`` say whether the end itself is
    excluded. ``why`` says where the range comes from (shown in the error message).
    """

    name: str
    default: float
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = True
    high_open: bool = True
    why: str = ""

    @property
    def allowed(self) -> str:
        """The interval in the usual notation, e.g. ``(2, inf)`` or ``[0.02, 1000]``."""
        left = "(" if self.low_open else "["
        right = ")" if self.high_open else "]"
        return f"{left}{self.low:g}, {self.high:g}{right}"

    def contains(self, v: float) -> bool:
        """Whether ``v`` lies in the declared range (open or closed at each end as declared)."""
        above = v > self.low if self.low_open else v >= self.low
        below = v < self.high if self.high_open else v <= self.high
        return above and below

    def check(self, value: Any) -> float:
        """``float(value)`` if it is a real number in the allowed interval, else ``ValueError``."""
        why = f" ({self.why})" if self.why else ""
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(f"{self.name} must be a real number in {self.allowed}{why}, got {value!r}")
        v = float(value)
        if not math.isfinite(v) or not self.contains(v):
            raise ValueError(f"{self.name} must lie in {self.allowed}{why}, got {value!r}")
        return v


@dataclass(frozen=True)
class SpectralTheory:
    """What theory says about the bottom of the spectrum of ``K(f'' + s f')`` for a family.

    ``poincare``: 0 is isolated (a Poincaré inequality holds). ``has_gap``: the bottom of the
    non-constant spectrum is an eigenvalue with an eigenfunction in L²(p).
    ``essential_bottom``: where the continuous spectrum starts, **in units of K** (``inf`` when
    the spectrum is discrete, 0 when there is no gap at all). ``reason``: the argument, in a line.
    """

    poincare: bool
    has_gap: bool
    essential_bottom: float
    reason: str


class AR1Chain(abc.ABC):
    """An exact stationary AR(1) chain ``z' = ρz + ε`` (``ε`` independent of ``z``) for a law.

    Subclasses (next to the family that has the chain) give the innovation: :meth:`step` draws
    ``z'`` given ``z``; :meth:`next_cdf` is the CDF of ``z'`` (for the population stationarity
    defect); :meth:`shape_moments` the moments of the unscaled shape law and of its innovation in
    ``mpmath`` (for the Galerkin matrix of the transition operator, whose Hankel matrices need
    more than double precision). :meth:`check_rho` refuses a ``ρ`` for which the chain does not
    exist.
    """

    name: ClassVar[str] = ""

    def check_rho(self, rho: float) -> None:
        """Raise ``ValueError`` when the chain does not exist at ``rho`` (every ρ in (0, 1) by default)."""

    def exact_rho(self, rho: float):
        """``rho`` as an ``mpmath`` number (a chain that needs ρ = 1/k uses the exact fraction)."""
        import mpmath

        return mpmath.mpf(rho)

    @abc.abstractmethod
    def step(self, law: "LatentLaw", rho: float, z: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """``z'`` given ``z`` (same shape), innovations drawn from ``rng``."""

    @abc.abstractmethod
    def next_cdf(self, law: "LatentLaw", rho: float, t: np.ndarray, zq: np.ndarray, wq: np.ndarray) -> np.ndarray:
        """The CDF of ``z'`` at ``t``; ``zq``, ``wq``: quadrature nodes and weights of ``z ~ p``."""

    @abc.abstractmethod
    def shape_moments(self, rho, n: int):
        """Moments ``0..n`` of the unscaled shape law and of its innovation (lists of mpmath numbers)."""


class LawFamily(abc.ABC):
    """A family of unit-variance latent laws; subclass it in one module and decorate with :func:`register`.

    Class attributes: ``name`` (the registry key), ``parameters`` (a tuple of
    :class:`Parameter`), ``summary`` (one line for listings), ``scipy_name`` (the
    ``scipy.stats`` distribution the family evaluates with, or ``None``), ``equispaced_cells``
    (True when the density is constant on a compact support, so a finite-volume grid should be
    equispaced rather than asinh-spaced).

    Hooks: :meth:`build` (required), :meth:`score` (required), :meth:`moment` (required);
    :meth:`support`, :meth:`is_gaussian`, :meth:`is_symmetric`, :meth:`spectral_theory`,
    :meth:`ar1_chain` and :meth:`check_joint` have defaults (real line, not Gaussian,
    symmetric, no family theory, no chain, no joint constraint).
    """

    name: ClassVar[str] = ""
    parameters: ClassVar[tuple[Parameter, ...]] = ()
    summary: ClassVar[str] = ""
    scipy_name: ClassVar[str | None] = None
    equispaced_cells: ClassVar[bool] = False

    # -- parameters ---------------------------------------------------------------------------

    def validate(self, given: Mapping[str, Any]) -> dict[str, float]:
        """Defaults filled in, every value checked against its declared range; unknown names refused."""
        allowed = {p.name: p for p in self.parameters}
        unknown = [k for k in given if k not in allowed]
        if unknown:
            valid = ", ".join(allowed) if allowed else "none"
            raise ValueError(f"law {self.name!r} has no parameter {unknown[0]!r}; valid parameters: {valid}")
        out = {name: spec.check(given.get(name, spec.default)) for name, spec in allowed.items()}
        self.check_joint(out)
        return out

    def check_joint(self, p: dict[str, float]) -> None:
        """Constraints that involve several parameters (raise ``ValueError`` naming one of them)."""

    def make(self, params: Mapping[str, Any]) -> "LatentLaw":
        """Validate ``params`` and build the law (the custom family overrides this)."""
        p = self.validate(params)
        dist, scale = self.build(p)
        return LatentLaw(name=self.name, param_items=tuple(sorted(p.items())), _dist=dist, scale=scale,
                         family=self)

    # -- the law --------------------------------------------------------------------------------

    @abc.abstractmethod
    def build(self, p: Mapping[str, float]) -> tuple[Any, float | None]:
        """The standardised distribution object (``pdf``, ``logpdf``, ``cdf``, ``sf``, ``ppf``,
        ``isf``, ``rvs(size, random_state)``) and the scale ``s`` of the unit-variance law
        (``None`` where the law is not a scaled shape)."""

    @abc.abstractmethod
    def score(self, law: "LatentLaw", z: np.ndarray) -> np.ndarray:
        """``(log p)'(z)`` at finite ``z``."""

    @abc.abstractmethod
    def moment(self, law: "LatentLaw", k: int) -> float:
        """The raw moment ``E z^k`` (``inf``/``nan`` where it diverges)."""

    def support(self, law: "LatentLaw") -> tuple[float, float]:
        """The support ``(lo, hi)`` of the standardised law (the whole line unless a family says otherwise)."""
        return (-math.inf, math.inf)

    def is_gaussian(self, law: "LatentLaw") -> bool:
        """Whether this member of the family is N(0, 1) (False unless a family says otherwise)."""
        return False

    def is_symmetric(self, law: "LatentLaw") -> bool:
        """Whether the law of ``z`` equals the law of ``−z`` (True unless a family says otherwise)."""
        return True

    def spectral_theory(self, law: "LatentLaw") -> SpectralTheory | None:
        """The family's spectral class, or ``None`` when only a numerical diagnosis is possible."""
        return None

    def ar1_chain(self, law: "LatentLaw") -> AR1Chain | None:
        """The exact stationary AR(1) chain of this law, or ``None`` when none is known."""
        return None

    def label(self, law: "LatentLaw") -> str:
        """A short name with the parameters, e.g. ``gennorm(alpha=4)``."""
        if not law.param_items:
            return self.name
        return f"{self.name}(" + ", ".join(f"{k}={v:g}" for k, v in law.param_items) + ")"

    def describe(self, law: "LatentLaw") -> dict:
        """Extra entries for ``LatentLaw.to_dict`` (none by default)."""
        return {}


#: the families, one module each (``theory.registry.Registry``), listed in this order
_REGISTRY = Registry("lejepa_verify.numerics.latents", "latent law", private=("base",),
                     order=("gaussian", "gennorm", "laplace", "uniform", "logistic", "student_t", "gaussian_mixture",
                            "custom"))


def register(cls: type[LawFamily]) -> type[LawFamily]:
    """Class decorator: add the family ``cls`` (one instance of it) to the registry under ``cls.name``.

    A name that is already registered is refused (two modules would otherwise silently shadow
    each other).
    """
    if not (isinstance(cls, type) and issubclass(cls, LawFamily)):
        raise ValueError(f"register takes a LawFamily subclass, got {cls!r}")
    if not isinstance(cls.name, str) or not cls.name.isidentifier():
        raise ValueError(f"a law family needs a name that is a Python identifier, got {cls.name!r}")
    if cls.name in _REGISTRY._entries:
        raise ValueError(f"law {cls.name!r} is already registered")
    require_hooks(cls, "law family")
    _REGISTRY.add(cls.name, cls(), module=cls.__module__)
    return cls


def unregister(name: str) -> None:
    """Remove the family ``name`` (for tests that register a throw-away law)."""
    if name not in _REGISTRY._entries:
        raise ValueError(f"unknown latent law {name!r}; registered: {', '.join(registered_laws())}")
    _REGISTRY.remove(name)


def registered_laws() -> tuple[str, ...]:
    """Every family name: the package's modules in listing order, then families registered from
    elsewhere (the custom law included)."""
    return _REGISTRY.names()


def law_family(name: str) -> LawFamily:
    """The registered family ``name``; ``ValueError`` listing the registered ones otherwise."""
    if not isinstance(name, str) or name not in registered_laws():
        raise ValueError(f"unknown latent law {name!r}; valid choices: {', '.join(registered_laws())}")
    return _REGISTRY.get(name)


def as_rng(seed) -> np.random.Generator:
    """A numpy Generator from ``seed`` (an int >= 0, a Generator, or None for fresh entropy)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
        raise ValueError(f"seed must be an int >= 0, a numpy Generator or None, got {seed!r}")
    if seed is not None and seed < 0:
        raise ValueError(f"seed must be an int >= 0, a numpy Generator or None, got {seed!r}")
    return np.random.default_rng(seed)


def _as_size(size) -> tuple[int, ...]:
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        return (check_int(int(size), "size", 0),)
    if isinstance(size, tuple) and all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in size):
        return tuple(check_int(int(s), "size", 0) for s in size)
    raise ValueError(f"size must be a non-negative int or a tuple of them, got {size!r}")


def _finite(x, name: str = "z") -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must be finite, got non-finite values")
    return x


@dataclass(frozen=True)
class LatentLaw:
    """A one-dimensional latent law with mean 0 and variance 1 (docs/theory.md §3).

    Build it with :func:`latent_law`. Multidimensional latents have independent coordinates,
    each with this law: ``sample((N, n), seed)`` draws them iid per entry. Everything that
    depends on the family (score, moments, support, spectral class, AR(1) chain) is answered by
    ``family``, the registered :class:`LawFamily`.
    """

    name: str
    param_items: tuple[tuple[str, float], ...]
    _dist: Any = field(repr=False, compare=False)
    scale: float | None = field(compare=False)
    # a custom law is equal only to itself (two logpdf callables cannot be compared)
    _identity: Any = field(default=None, repr=False)
    family: LawFamily | None = field(default=None, repr=False, compare=False)

    def __post_init__(self):
        if self.family is None:
            object.__setattr__(self, "family", law_family(self.name))

    @property
    def params(self) -> dict[str, float]:
        """The law's parameters as a dict, e.g. ``{'alpha': 4.0}`` for ``gennorm``."""
        return dict(self.param_items)

    @property
    def label(self) -> str:
        """A short human-readable name, e.g. ``gennorm(alpha=4)``; ``custom(<label>)`` for a custom law."""
        return self.family.label(self)

    @property
    def is_gaussian(self) -> bool:
        """True exactly when the law is N(0, 1) (gennorm with α = 2, a mixture with d = 0).

        Always False for a custom law, even one built from a Gaussian log-density: Gaussianity
        of a user's density is not decided here (test it, e.g. with ``gaussian_energy_test``).
        """
        return bool(self.family.is_gaussian(self))

    @property
    def is_symmetric(self) -> bool:
        """True when the law of ``z`` equals the law of ``−z``."""
        return bool(self.family.is_symmetric(self))

    @property
    def support(self) -> tuple[float, float]:
        """The support ``(lo, hi)`` of the standardised law (infinite ends for unbounded laws)."""
        return self.family.support(self)

    @property
    def scipy(self):
        """The frozen ``scipy.stats`` distribution of the unit-variance law, or ``None`` where scipy has none."""
        return self._dist if self.family.scipy_name else None

    @property
    def spectral_theory(self) -> SpectralTheory | None:
        """The family's spectral class (see :class:`SpectralTheory`); ``None``: numerical diagnosis only."""
        return self.family.spectral_theory(self)

    @property
    def ar1_chain(self) -> AR1Chain | None:
        """The exact stationary AR(1) chain ``z' = ρz + ε``, or ``None`` when none is known."""
        return self.family.ar1_chain(self)

    @property
    def default_transition(self) -> str:
        """The natural transition: ``"ou"`` for a Gaussian law, ``"authors"`` otherwise (module docstring)."""
        return _OU if self.is_gaussian else _AUTHORS

    @property
    def available_transitions(self) -> tuple[str, ...]:
        """``ou`` (Gaussian only), ``authors``, ``ar1`` (where an exact chain exists), ``langevin``."""
        out = [_OU] if self.is_gaussian else []
        out.append(_AUTHORS)
        if self.ar1_chain is not None:
            out.append(_AR1)
        out.append(_LANGEVIN)
        return tuple(out)

    def sample(self, size, seed=None) -> np.ndarray:
        """Draw ``size`` (an int or a shape tuple) independent values; same seed, same numbers."""
        shape = _as_size(size)
        rng = as_rng(seed)
        return np.asarray(self._dist.rvs(size=shape, random_state=rng), dtype=float).reshape(shape)

    def pdf(self, z) -> np.ndarray:
        """Density ``p(z)`` of the unit-variance law, elementwise."""
        return np.asarray(self._dist.pdf(_finite(z)), dtype=float)

    def logpdf(self, z) -> np.ndarray:
        """Log-density ``log p(z)`` of the unit-variance law, elementwise."""
        return np.asarray(self._dist.logpdf(_finite(z)), dtype=float)

    def cdf(self, z) -> np.ndarray:
        """Distribution function ``F(z) = P(Z <= z)``, elementwise."""
        return np.asarray(self._dist.cdf(_finite(z)), dtype=float)

    def sf(self, z) -> np.ndarray:
        """Survival function ``1 − F(z)``, accurate in the upper tail."""
        return np.asarray(self._dist.sf(_finite(z)), dtype=float)

    def ppf(self, u) -> np.ndarray:
        """Quantile function ``F⁻¹(u)`` for ``u`` in [0, 1], elementwise."""
        return np.asarray(self._dist.ppf(self._prob(u)), dtype=float)

    def isf(self, u) -> np.ndarray:
        """Inverse survival function: ``isf(u) = ppf(1 − u)``, accurate for small ``u``."""
        return np.asarray(self._dist.isf(self._prob(u)), dtype=float)

    @staticmethod
    def _prob(u) -> np.ndarray:
        u = np.asarray(u, dtype=float)
        if not np.all((u >= 0) & (u <= 1)):
            raise ValueError("u must lie in [0, 1]")
        return u

    def score(self, z) -> np.ndarray:
        """The score ``s(z) = (log p)'(z)`` (each family's docstring says what happens at kinks and ends)."""
        return self.family.score(self, _finite(z))

    def moment(self, k: int) -> float:
        """The raw moment ``E[z^k]`` (exact formulas per family; ``inf`` or ``nan`` where it diverges)."""
        k = check_int(k, "k", 0)
        return float(self.family.moment(self, k))

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        out = {"name": self.name, "params": self.params, "label": self.label, "is_gaussian": self.is_gaussian}
        out.update(self.family.describe(self))
        return out


def latent_law(name: str, **params) -> LatentLaw:
    """The unit-variance latent law ``name`` with ``params`` (see the package table).

    >>> latent_law("gennorm", alpha=4.0).label
    'gennorm(alpha=4)'

    Raises ``ValueError`` for an unknown name (listing the registered ones), an unknown
    parameter (listing the family's), or a value outside its declared range.
    """
    return law_family(name).make(params)


def as_law(law) -> LatentLaw:
    """``law`` itself if it is a :class:`LatentLaw`, else the law of that name with default parameters."""
    if isinstance(law, LatentLaw):
        return law
    if isinstance(law, str):
        return latent_law(law)
    raise ValueError(f"law must be a LatentLaw or a law name, got {law!r}")
