"""Analytic perturbation families of Prop 4.3 against their hand-derived closed forms."""

import numpy as np
import pytest

from lejepa_verify.numerics.bound_families import closed_form, family_map, perturbation_family


@pytest.mark.parametrize("family,avals", [("degree2", [0.0, 0.1, 0.4, 0.9]), ("scale", [-0.3, 0.0, 0.2])])
def test_quadrature_matches_closed_form(family, avals):
    for p in perturbation_family(family, avals, n=2, rho=0.9):
        cf = closed_form(family, p.a, n=2, rho=0.9)
        for key in ("epsilon", "D", "bound", "error"):
            assert getattr(p, key) == pytest.approx(cf[key], abs=1e-10), key
        assert p.delta == pytest.approx(cf["delta"], abs=1e-10)


@pytest.mark.parametrize("family,avals", [("radial", [0.05, 0.3, 1.0]), ("tanh", [0.2, 1.0, 2.0]),
                                          ("degree2", [0.3, 0.7]), ("scale", [0.5])])
def test_the_bound_holds_and_is_not_trivially_loose(family, avals):
    pts = perturbation_family(family, avals, n=2, rho=0.95)
    for p in pts:
        assert p.error <= p.bound + 1e-9
        assert p.error > 0


@pytest.mark.parametrize("family", ["degree2", "scale"])
def test_the_quadratic_term_is_needed(family):
    # E||h − Qz||² > D on these families: the bound without (ε + D)² would be false
    for p in perturbation_family(family, [0.2, 0.5], n=2, rho=0.95):
        assert p.error > p.D + 1e-6


def test_one_dimensional_family_and_exact_recovery_at_zero():
    (p,) = perturbation_family("degree2", [0.0], n=1, rho=0.5)
    assert p.error == pytest.approx(0, abs=1e-12) and p.bound == pytest.approx(0, abs=1e-12)


def test_bad_input():
    with pytest.raises(ValueError, match="family"):
        perturbation_family("cubic", [0.1])
    with pytest.raises(ValueError, match="a must lie in"):
        family_map("degree2", 1.5)
    with pytest.raises(ValueError, match="rho"):
        perturbation_family("degree2", [0.1], rho=1.0)
    with pytest.raises(ValueError, match="n must"):
        perturbation_family("degree2", [0.1], n=3)
    with pytest.raises(ValueError, match="a must be finite"):
        family_map("scale", np.nan)
