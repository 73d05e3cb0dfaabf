"""Vectorised test maps ``R^n → R^n`` (numpy, (N, n) → (N, n)) for spectra (docs/theory.md §2, §7).

Each family is one module of this package (a registry; :mod:`.base` says what a family
declares), built by name through :func:`make_map`:

========================  ====================================================================
name                      the map (parameters)
========================  ====================================================================
``identity``              ``z``
``orthogonal``            ``Qz``, Haar ``Q`` from ``seed`` unless ``Q`` is given
``spiral``                ``R(π||z||) z`` (2D), the authors' first mixing
``radial_rotation``       ``R_{01}(turns · π · ||z||) z`` (``turns = 1``; ``dim >= 2``)
``circle_shift``          ``Φ⁻¹(frac(Φ(z_i) + c_i))`` (``shift = 0.3``, scalar or per coordinate)
``piecewise_reflection``  reflect across ``a·z = 0`` where ``b·z > 0``, ``b ⟂ a`` (``a``, ``b``)
``reflection_rotation``   piecewise reflection ∘ radial rotation ∘ orthogonal (``turns = 0.5``)
``banana``                ``(z0, z1 + z0²)`` (2D), the authors' mixing
``sinusoid``              ``(z0 + sin(1.5 z1), z1)`` (2D), the authors' shear
``affine_coupling``       RealNVP affine coupling layers (``layers = 4``, ``hidden = 16``; even ``dim``)
========================  ====================================================================

Two libraries read the registry: the authors' fixed 2D mixings (§7, :func:`mixing_library`:
spiral, banana, sinusoid) and the **Gaussian-preserving** maps, ``h(z) ~ N(0, I_n)`` when
``z ~ N(0, I_n)``, of Theorem A's numeric check (:func:`gaussian_preserving_library`). The
affine coupling is a family of our own, not the authors' additive tanh coupling, which is the
trainer's ``coupling`` observation (torch, with a numpy twin for spectra).

The fixed 2D mixings are written once, in their modules, as functions of an array namespace:
``spiral.spiral(z, xp)``, ``banana.banana(z, xp)``, ``sinusoid.sinusoid(z, xp)`` (with their
inverses) evaluate with ``xp = numpy`` here and ``xp = torch`` in a torch observation.
:func:`gaussian_preservation_test` gives the two-sample evidence that a map preserves N(0, I).

Adding a family: a new module with a :class:`~.base.MapFamily` subclass decorated with
``register`` (copy ``banana.py`` for a fixed map, ``circle_shift.py`` for one with parameters),
and its tests.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from lejepa_verify.numerics.maps.base import REGISTRY, Map, MapFamily, random_orthogonal
from lejepa_verify.numerics.twosample import TwoSampleResult, gaussian_energy_test
from lejepa_verify.theory.validate import check_int

__all__ = [
    "MAP_NAMES",
    "Map",
    "make_map",
    "gaussian_preserving_library",
    "mixing_library",
    "gaussian_preservation_test",
    "random_orthogonal",
]

#: every map family: the modules of this package, in the registry's listing order
MAP_NAMES = REGISTRY.names()


def map_family(name: str) -> MapFamily:
    """The registered family ``name``; ``ValueError`` listing the valid names otherwise."""
    return REGISTRY.get(name)


def make_map(name: str, dim: int = 2, *, seed=0, **params) -> Map:
    """Build a map by name. Valid names: see ``MAP_NAMES`` (the table in the module docstring).

    Parameters by map: ``radial_rotation(turns=1.0)`` (``θ = turns · π · r``; ``spiral`` is
    ``turns = 1`` in 2D); ``circle_shift(shift=0.3)`` (scalar or per coordinate, in (0, 1));
    ``piecewise_reflection`` (``a``, ``b`` drawn from ``seed`` with ``b ⟂ a`` unless given);
    ``orthogonal`` (Haar ``Q`` from ``seed`` unless ``Q`` given); ``affine_coupling(layers=4,
    hidden=16)`` (even ``dim``); ``reflection_rotation(turns=0.5)``: piecewise reflection ∘
    radial rotation ∘ orthogonal. ``banana``, ``sinusoid`` and ``spiral`` need ``dim = 2``.
    """
    family = map_family(name)
    dim = check_int(dim, "dim", 1)
    family.check_dim(dim)
    extra = set(params) - set(family.parameters)
    if extra:
        raise ValueError(f"map {name!r} takes parameters {sorted(family.parameters) or 'none'}, got {sorted(extra)}")
    return family.build(dim, seed, **params)


def _library(kind: str) -> tuple[str, ...]:
    return tuple(name for name in MAP_NAMES if map_family(name).library == kind)


def gaussian_preserving_library(dim: int = 2, seed=0) -> list[Map]:
    """The Gaussian-preserving maps of Theorem A's numeric check, in ``dim >= 2``, default parameters.

    identity, a Haar orthogonal map, the radial rotation (spiral speed ``θ = π r``), a circle
    shift, a piecewise reflection and their composition (the families whose ``library`` is
    ``"gaussian_preserving"``).
    """
    dim = check_int(dim, "dim", 2)
    return [make_map(name, dim, seed=seed) for name in _library("gaussian_preserving")]


def mixing_library(seed=0) -> list[Map]:
    """The authors' fixed 2D mixings (docs/theory.md §7): spiral, banana, sinusoid.

    ``seed`` is unused (none of them has random parts); it is kept so that existing calls work.
    Their seeded coupling mixing is the trainer's ``coupling`` observation (torch); its numpy
    twin is ``make_observation("coupling", n).numpy_map()`` in the validation layer.
    """
    return [make_map(name) for name in _library("mixing")]


def gaussian_preservation_test(h: Callable, dim: int, *, n_samples: int = 1000, permutations: int = 200,
                               seed=0) -> TwoSampleResult:
    """Energy two-sample test of ``h(z)``, ``z ~ N(0, I_dim)``, against a fresh N(0, I) sample.

    A large p-value is consistent with ``h`` preserving N(0, I); a small one rejects it.
    """
    dim = check_int(dim, "dim", 1)
    n_samples = check_int(n_samples, "n_samples", 10, 6000)
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n_samples, dim))
    from lejepa_verify.numerics.spectrum import evaluate_map

    return gaussian_energy_test(evaluate_map(h, z), permutations=permutations, seed=rng)
