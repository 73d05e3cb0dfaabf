"""Analytic perturbation families for the bound of Prop 4.3, with population values (docs/theory.md §4).

Each family is a one-parameter path ``a ↦ h_a`` from the exact recovery ``h_0 = Qz`` in the
Gaussian world ``z ~ N(0, I_n)`` with the OU channel at ``ρ``. ``Q`` is a fixed random rotation
(``seed``), ``v_i = He_2(z_i)/√2 = (z_i² − 1)/√2`` the normalised second Hermite polynomial, and
``gap = 2ρ(1 − ρ)``. Every family is a product (coordinatewise or over pairs of coordinates)
followed by ``Q``, so its population values are ``n`` (or ``n/2``) times one- or
two-dimensional integrals, known in closed form or computed to about 1e−14 with an error bar.
Each family is one module of this package (a registry, :mod:`.base` says what a family declares):

===========  ===============================================================================
name         the map ``h_a`` (each module's docstring gives its population values)
===========  ===============================================================================
``degree2``  ``sqrt(1 − a²) Qz + a v(z)``, ``a ∈ [0, 1]``; closed form: ``ε = 0``, ``D = n a²``,
             error ``n(1 − sqrt(1 − a²))² + n a²``, bound ``n a² + n² a⁴``
``scale``    ``(1 + a) Qz``, ``a > −1``; closed form: ``ε = sqrt(n)|(1 + a)² − 1|``, ``D = 0``,
             error ``n a²``
``radial``   ``Q R(z)``, each coordinate pair rotated by ``a π r`` (even ``n``; the spiral at
             ``n = 2``, ``a = 1``); 1D and 2D integrals in polar coordinates
``tanh``     ``Q tanh(a z)/s`` coordinatewise, ``a > 0``; 1D and 2D trapezoidal rules
===========  ===============================================================================

``FamilyPoint.uncertainty`` holds an error bar on each value (0 for the exact closed forms;
from the observed convergence of doubling rules, :mod:`numerics.convergence`, for the 1D/2D
integrals). :func:`family_by_quadrature` integrates the map itself in ``n <= 2`` (the error
directly, not through the Pythagorean split that is one of the claims under test) and is the
independent check of these formulas. The bound itself is :func:`numerics.bounds.bound_value`.

Adding a family: a new module with a :class:`~.base.BoundFamily` subclass decorated with
``register`` (copy ``scale.py`` for a closed form, ``tanh.py`` for integrals), and its tests.
"""

from __future__ import annotations

import importlib
from typing import Sequence

import numpy as np

from lejepa_verify.numerics.alignment import alignment_loss
from lejepa_verify.numerics.bound_families.base import REGISTRY, BoundFamily, FamilyPoint, dimension, point, real_a
from lejepa_verify.numerics.bounds import polar_factor
from lejepa_verify.numerics.convergence import sequence_error
from lejepa_verify.numerics.maps import random_orthogonal
from lejepa_verify.numerics.quadrature import tensor_rule
from lejepa_verify.theory.validate import check_choice, check_int, check_rho

__all__ = ["FAMILIES", "FamilyPoint", "family_map", "perturbation_family", "closed_form", "family_by_quadrature"]

#: every family: the modules of this package, in the registry's listing order
FAMILIES = REGISTRY.names()


def _family(name: str) -> BoundFamily:
    check_choice(name, "family", FAMILIES)
    return REGISTRY.get(name)


def family_map(family: str, a: float, n: int = 2, *, seed: int = 0):
    """The map ``h_a`` of a family (an (N, n) → (N, n) callable) and the rotation ``Q`` it starts from."""
    fam = _family(family)
    a = fam.check_a(real_a(a))
    n = fam.check_n(dimension(n))
    Q = random_orthogonal(n, seed)
    return fam.map(a, n, Q), Q


def closed_form(family: str, a: float, n: int = 2, rho: float = 0.95) -> dict:
    """The exact values for the families with a closed form (``degree2``, ``scale``; module docstring)."""
    check_choice(family, "family", tuple(f for f in FAMILIES if REGISTRY.get(f).has_closed_form))
    fam = REGISTRY.get(family)
    a = fam.check_a(real_a(a))
    n = fam.check_n(dimension(n))
    rho = float(check_rho(rho))
    return fam.closed_form(a, n, rho)


def perturbation_family(family: str, a_values: Sequence[float], n: int = 2, rho: float = 0.95, *,
                        seed: int = 0) -> list[FamilyPoint]:
    """Population ε, δ, D, the bound and the error ``E||h_a − Q_a z||²`` for each ``a`` (module docstring).

    Any ``n`` up to 4096 (even for ``radial``). The values do not depend on ``seed`` (the
    rotation ``Q`` drops out of every quantity); it is accepted for symmetry with :func:`family_map`.
    """
    fam = _family(family)
    n = fam.check_n(dimension(n))
    rho = float(check_rho(rho))
    check_int(seed, "seed", 0)
    return [fam.population(fam.check_a(real_a(a)), n, rho) for a in a_values]


def family_by_quadrature(family: str, a: float, n: int = 2, rho: float = 0.95, *, seed: int = 0) -> FamilyPoint:
    """The same values integrated from the map itself (``n <= 2``): the independent check.

    Moments by a tensor Gauss–Hermite rule on 3 doubling node counts, the alignment loss by
    :func:`numerics.alignment.alignment_loss` (``auto``), each with its error bar; ``error`` is
    ``E||h − Qz||²`` integrated directly with ``Q`` the polar factor of the integrated ``M``.
    """
    _family(family)
    n = check_int(n, "n", 1, 2)
    rho = float(check_rho(rho))
    h, _ = family_map(family, a, n, seed=seed)
    rows = []
    for q in ((50, 100, 200) if n == 1 else (32, 64, 128)):
        rule = tensor_rule(n, q)
        z, w = rule.points, rule.weights
        hz = h(z)
        mean = w @ hz
        cov = (hz * w[:, None]).T @ hz - np.outer(mean, mean)
        Q = polar_factor((hz * w[:, None]).T @ z)
        rows.append((float(np.linalg.norm(cov - np.eye(n))), float(np.trace(cov)),
                     float(w @ np.sum((hz - z @ Q.T) ** 2, axis=1))))
    eps, tr, err = (list(col) for col in zip(*rows))
    L = alignment_loss(h, n, rho, seed=seed)
    e_tr = sequence_error(tr).error
    delta = L.value - 2 * (1 - rho) * tr[-1]
    return point(family, float(a), n, rho, eps[-1], sequence_error(eps).error, delta,
                 L.error + 2 * (1 - rho) * e_tr, err[-1], sequence_error(err).error,
                 f"tensor Gauss–Hermite on the map; alignment loss: {L.method}")


def __getattr__(name: str):
    # the integrals' private names before the families became modules (benchmarks read them)
    old = {"_radial_integrals": ("radial", "radial_integrals"), "_tanh_moments": ("tanh", "tanh_moments"),
           "_tanh_correlation": ("tanh", "tanh_correlation")}
    if name in old:
        module, attr = old[name]
        return getattr(importlib.import_module(f"{__name__}.{module}"), attr)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
