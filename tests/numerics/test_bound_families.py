"""Analytic perturbation families of Prop 4.3 against their closed forms and an independent integration of the map."""

import math

import numpy as np
import pytest
from scipy import integrate

from lejepa_verify.numerics.bound_families import (FAMILIES, closed_form, family_by_quadrature, family_map,
                                                   perturbation_family)
from lejepa_verify.numerics.bound_families.base import REGISTRY

KEYS = ("epsilon", "delta", "D", "bound", "error")


@pytest.mark.parametrize("family,avals", [("degree2", [0.0, 0.1, 0.4, 0.9]), ("scale", [-0.3, 0.0, 0.2])])
def test_quadrature_of_the_map_matches_the_closed_form(family, avals):
    for a in avals:
        p = family_by_quadrature(family, a, n=2, rho=0.9)
        cf = closed_form(family, a, n=2, rho=0.9)
        for key in KEYS:
            assert abs(getattr(p, key) - cf[key]) <= p.uncertainty[key] + 1e-12, key


@pytest.mark.parametrize("family,a", [("tanh", 0.3), ("tanh", 2.0), ("radial", 0.1), ("radial", 1.0)])
def test_population_values_agree_with_the_map_integrated_directly(family, a):
    # two independent computations, each with its error bar: they must agree within the sum
    p = perturbation_family(family, [a], n=2, rho=0.95)[0]
    q = family_by_quadrature(family, a, n=2, rho=0.95, seed=1)
    for key in KEYS:
        assert abs(getattr(p, key) - getattr(q, key)) <= p.uncertainty[key] + q.uncertainty[key] + 1e-12, key
    assert p.uncertainty["error"] < 1e-10 and p.uncertainty["delta"] < 1e-9


def test_radial_spiral_error_against_adaptive_integration():
    # E||h − Q*z||² = 4 − 2 sqrt(C² + S²), C + iS = E r² e^{iπr} for r Rayleigh: scipy's adaptive quad
    C = integrate.quad(lambda r: r ** 3 * math.exp(-r * r / 2) * math.cos(math.pi * r), 0, np.inf, epsabs=1e-14)[0]
    S = integrate.quad(lambda r: r ** 3 * math.exp(-r * r / 2) * math.sin(math.pi * r), 0, np.inf, epsabs=1e-14)[0]
    p = perturbation_family("radial", [1.0], n=2, rho=0.95)[0]
    assert p.error == pytest.approx(4 - 2 * math.hypot(C, S), abs=1e-11)


@pytest.mark.parametrize("family", FAMILIES)
def test_values_at_zero_perturbation_are_those_of_a_rotation(family):
    a = 1e-9 if family == "tanh" else 0.0
    p = perturbation_family(family, [a], n=8, rho=0.7)[0]
    for key in KEYS:
        assert abs(getattr(p, key)) <= 1e-8 + p.uncertainty[key], key


@pytest.mark.parametrize("family,a", [("degree2", 0.3), ("tanh", 1.0)])
def test_large_n_error_against_monte_carlo(family, a):
    # n = 64: the product construction's population error against a sample mean (Q* = Q here)
    n, N = 64, 20000
    h, Q = family_map(family, a, n, seed=3)
    z = np.random.default_rng(0).standard_normal((N, n))
    terms = np.sum((h(z) - z @ Q.T) ** 2, axis=1)
    p = perturbation_family(family, [a], n=n)[0]
    assert abs(terms.mean() - p.error) < 4 * terms.std(ddof=1) / math.sqrt(N)


@pytest.mark.parametrize("family,avals", [("radial", [0.05, 0.3, 1.0]), ("tanh", [0.2, 1.0, 2.0]),
                                          ("degree2", [0.3, 0.7]), ("scale", [0.5])])
@pytest.mark.parametrize("n", [2, 1024])
def test_the_bound_holds_and_is_not_trivially_loose(family, avals, n):
    for p in perturbation_family(family, avals, n=n, rho=0.95):
        assert p.error <= p.bound + p.uncertainty["bound"] + p.uncertainty["error"]
        assert p.error > 0


@pytest.mark.parametrize("family", ["degree2", "scale"])
def test_the_quadratic_term_is_needed(family):
    # E||h − Qz||² > D on these families: the bound without (ε + D)² would be false
    for p in perturbation_family(family, [0.2, 0.5], n=2, rho=0.95):
        assert p.error > p.D + 1e-6


def test_one_dimensional_family_and_exact_recovery_at_zero():
    (p,) = perturbation_family("degree2", [0.0], n=1, rho=0.5)
    assert p.error == pytest.approx(0, abs=1e-12) and p.bound == pytest.approx(0, abs=1e-12)


def test_the_families_are_the_registry_modules():
    # one module per family, listed in the order the families declare
    assert sorted(FAMILIES) == sorted(REGISTRY.names())
    assert FAMILIES[:2] == ("degree2", "scale")
    assert {f for f in FAMILIES if REGISTRY.get(f).has_closed_form} == {"degree2", "scale"}


def test_bad_input():
    with pytest.raises(ValueError, match="valid choices: degree2, scale"):
        closed_form("tanh", 0.5)
    with pytest.raises(ValueError, match="family"):
        perturbation_family("cubic", [0.1])
    with pytest.raises(ValueError, match="a must lie in"):
        family_map("degree2", 1.5)
    with pytest.raises(ValueError, match="rho"):
        perturbation_family("degree2", [0.1], rho=1.0)
    with pytest.raises(ValueError, match="rho"):
        perturbation_family("degree2", [0.1], rho="0.5")
    with pytest.raises(ValueError, match="n must be even"):
        perturbation_family("radial", [0.1], n=3)
    with pytest.raises(ValueError, match="n must be"):
        perturbation_family("degree2", [0.1], n=0)
    with pytest.raises(ValueError, match="a must be finite"):
        family_map("scale", np.nan)
    with pytest.raises(ValueError, match="a must be a real number"):
        perturbation_family("tanh", ["1"])
