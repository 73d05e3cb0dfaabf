"""What a map family declares, its registry, and the :class:`Map` it builds (docs/theory.md §2, §7).

A family is one module of :mod:`numerics.maps` holding a subclass of :class:`MapFamily`
decorated with :func:`register`. It declares its ``parameters`` (the keyword names
:func:`numerics.maps.make_map` accepts for it), whether it preserves N(0, I) and is orthogonal,
which library lists it (``"gaussian_preserving"``, ``"mixing"`` or none), the dimensions it
exists in (:meth:`MapFamily.check_dim`) and how it is built (:meth:`MapFamily.build`). The
facade validates the name, the dimension and the parameter names once; ``build`` checks the
parameter values it reads.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Callable, ClassVar

import numpy as np

from lejepa_verify.theory.registry import Registry, require_hooks
from lejepa_verify.theory.validate import check_int

__all__ = ["Map", "MapFamily", "REGISTRY", "compose", "random_orthogonal", "register"]

#: one module per family, listed in this order (then any new ones, sorted)
REGISTRY = Registry("lejepa_verify.numerics.maps", "map name", order=(
    "identity", "orthogonal", "spiral", "radial_rotation", "circle_shift", "piecewise_reflection",
    "reflection_rotation", "banana", "sinusoid", "affine_coupling",
))


@dataclass(frozen=True)
class Map:
    """A named vectorised map ``(N, dim) → (N, dim)``.

    ``gaussian_preserving``: ``h(z) ~ N(0, I)`` for ``z ~ N(0, I)`` by construction;
    ``orthogonal``: ``h(z) = Qz`` with ``Q ∈ O(n)`` (the equality case of Theorem A).
    """

    name: str
    dim: int
    fn: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    gaussian_preserving: bool
    orthogonal: bool
    params: dict = field(default_factory=dict, repr=False)

    def __call__(self, z) -> np.ndarray:
        z = np.asarray(z, dtype=float)
        if z.ndim != 2 or z.shape[1] != self.dim:
            raise ValueError(f"map {self.name!r} takes an (N, {self.dim}) array, got shape {z.shape}")
        return self.fn(z)

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"name": self.name, "dim": self.dim, "gaussian_preserving": self.gaussian_preserving,
                "orthogonal": self.orthogonal,
                "params": {k: (v.tolist() if hasattr(v, "tolist") else v) for k, v in self.params.items()}}


class MapFamily(abc.ABC):
    """A family of maps (module docstring). Subclasses set the class attributes and ``build``."""

    name: ClassVar[str] = ""
    summary: ClassVar[str] = ""
    parameters: ClassVar[tuple[str, ...]] = ()
    gaussian_preserving: ClassVar[bool] = False
    orthogonal: ClassVar[bool] = False
    #: ``"gaussian_preserving"`` (Theorem A's library), ``"mixing"`` (the authors' 2D mixings) or None
    library: ClassVar[str | None] = None

    def check_dim(self, dim: int) -> None:
        """Raise ``ValueError`` for a dimension (already an integer >= 1) the family has no map in."""

    @abc.abstractmethod
    def build(self, dim: int, seed, **params) -> Map:
        """The map in ``dim`` dimensions; ``params`` holds only declared names, ``seed`` its random parts."""

    def make(self, fn: Callable[[np.ndarray], np.ndarray], dim: int, params: dict | None = None) -> Map:
        """A :class:`Map` of this family around ``fn``."""
        return Map(self.name, dim, fn, self.gaussian_preserving, self.orthogonal, {} if params is None else params)


class Fixed2D(MapFamily):
    """A map defined in the plane only."""

    def check_dim(self, dim: int) -> None:
        if dim != 2:
            raise ValueError(f"map {self.name!r} is defined for dim = 2, got dim = {dim}")


class Planar(MapFamily):
    """A map that acts on the first two coordinates (any ``dim >= 2``)."""

    def check_dim(self, dim: int) -> None:
        if dim < 2:
            raise ValueError(f"map {self.name!r} needs dim >= 2, got dim = {dim}")


def register(cls: type[MapFamily]) -> type[MapFamily]:
    """Class decorator adding one instance of ``cls`` to the registry under ``cls.name``."""
    if not (isinstance(cls, type) and issubclass(cls, MapFamily)) or not cls.name:
        raise ValueError(f"a map family must subclass MapFamily and set a name, got {cls!r}")
    require_hooks(cls, "map family")
    REGISTRY.add(cls.name, cls(), module=cls.__module__)
    return cls


def random_orthogonal(dim: int, seed) -> np.ndarray:
    """A Haar-random ``Q ∈ O(dim)`` (QR of a Gaussian matrix with the sign of R's diagonal fixed)."""
    dim = check_int(dim, "dim", 1)
    g = np.random.default_rng(seed).standard_normal((dim, dim))
    q, r = np.linalg.qr(g)
    return q * np.sign(np.diag(r))


def compose(maps):
    """``z ↦ maps[-1](… maps[0](z))``."""
    def fn(z):
        for m in maps:
            z = m(z)
        return z
    return fn
