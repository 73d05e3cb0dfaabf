"""First eigenpair of K(f'' + s f'): closed forms, two discretisations, the gap classification (docs/theory.md §3)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings

from lejepa_verify import strategies as lst
from lejepa_verify.numerics.latents import latent_law
from lejepa_verify.numerics.sturm_liouville import eigenvalue_drift, first_eigenpair, spectral_class


@pytest.mark.parametrize("method", ["finite_volume", "galerkin"])
@pytest.mark.parametrize("K", [0.5, 1.0, 3.0])
def test_gaussian_closed_form(method, K):
    e = first_eigenpair("gaussian", K, method=method)
    assert e.has_gap
    assert e.eigenvalue == pytest.approx(K, rel=2e-6)
    assert e.nonlinearity < 1e-9
    # f₁ = z (He_1), normalised in L²(p)
    inside = np.abs(e.grid) < 3
    np.testing.assert_allclose(e.eigenfunction[inside], e.grid[inside], atol=2e-3)


@pytest.mark.parametrize("method", ["finite_volume", "galerkin"])
def test_uniform_closed_form(method):
    e = first_eigenpair("uniform", 2.0, method=method)
    assert e.eigenvalue == pytest.approx(2.0 * math.pi**2 / 12, rel=1e-6)
    assert e.r2 == pytest.approx(96 / math.pi**4, abs=1e-7)
    # f₁ = sin(πz/(2√3)) normalised: E sin² = 1/2 on the uniform
    want = math.sqrt(2) * np.sin(math.pi * e.grid / (2 * math.sqrt(3)))
    np.testing.assert_allclose(e.eigenfunction, want, atol=1e-4)


@pytest.mark.parametrize("name,params", [
    ("gennorm", {"alpha": 1.5}), ("gennorm", {"alpha": 4.0}), ("gennorm", {"alpha": 16.0}),
    ("gaussian_mixture", {}), ("gaussian_mixture", {"weight": 0.3, "separation": 1.5}),
])
def test_two_discretisations_agree(name, params):
    law = latent_law(name, **params)
    a = first_eigenpair(law, method="finite_volume", n_cells=4000)
    b = first_eigenpair(law, method="galerkin", degree=40)
    assert a.eigenvalue == pytest.approx(b.eigenvalue, rel=2e-4)
    assert a.nonlinearity == pytest.approx(b.nonlinearity, rel=5e-3, abs=1e-6)
    assert a.nonlinearity > 1e-3  # non-Gaussian: the optimum is nonlinear


def test_galerkin_is_an_upper_bound_that_decreases_with_degree():
    # Rayleigh–Ritz on nested subspaces: eigenvalue estimates decrease monotonically
    law = latent_law("gennorm", alpha=4.0)
    vals = [first_eigenpair(law, method="galerkin", degree=d).eigenvalue for d in (5, 11, 21, 31)]
    assert all(x >= y - 1e-12 for x, y in zip(vals, vals[1:]))


def test_rayleigh_quotient_of_the_eigenfunction():
    # independent check: E[f'²]/E[f²] by a finite difference of the returned eigenfunction
    law = latent_law("gennorm", alpha=4.0)
    e = first_eigenpair(law, n_cells=4000)
    x, f = e.grid, e.eigenfunction
    w = law.pdf(x) * np.gradient(x)
    df = np.gradient(f, x)
    assert np.sum(w * df * df) / np.sum(w * f * f) == pytest.approx(e.eigenvalue, rel=1e-3)


@pytest.mark.parametrize("name,params,gap,poincare,bottom", [
    ("laplace", {}, False, True, 0.5),
    ("gennorm", {"alpha": 1.0}, False, True, 0.5),
    ("logistic", {}, False, True, math.pi**2 / 12),
    ("gennorm", {"alpha": 0.5}, False, False, 0.0),
    ("student_t", {"nu": 5.0}, False, False, 0.0),
    ("gennorm", {"alpha": 1.5}, True, True, math.inf),
    ("uniform", {}, True, True, math.inf),
])
def test_spectral_classification_and_drift_agree(name, params, gap, poincare, bottom):
    law = latent_law(name, **params)
    c = spectral_class(law)
    assert (c.has_gap, c.poincare) == (gap, poincare)
    assert c.essential_bottom == pytest.approx(bottom)
    e = first_eigenpair(law)
    assert e.drift_settled == gap
    if not gap:
        assert e.eigenvalue is None and e.nonlinearity is None and e.eigenfunction is None
        # without an eigenvalue the finite-domain λ₁ falls towards the continuous spectrum's edge
        assert all(a > b for a, b in zip(e.drift, e.drift[1:]))
        assert e.drift[-1] > bottom


def test_no_gap_eigenvalue_tends_to_the_edge_of_the_continuous_spectrum():
    # Laplace: λ₁(L) → K/(4b²) = K/2 from above as the reflecting box grows
    d = eigenvalue_drift("laplace", 2.0, tail_masses=(1e-8, 1e-16, 1e-32, 1e-64))
    assert d[-1] == pytest.approx(1.0, rel=0.02)


@settings(max_examples=10)
@given(params=lst.latent_law_params("gennorm", {"alpha": (1.4, 30.0)}))
def test_gennorm_with_a_gap_is_nonlinear_unless_gaussian(params):
    alpha = params["alpha"]
    # f = z in the Rayleigh quotient gives λ₁ ≤ K E[1]/Var z = K at unit variance, with equality
    # iff z is the eigenfunction, i.e. iff p is Gaussian
    e = first_eigenpair(latent_law("gennorm", alpha=alpha), n_cells=1500)
    assert 0 < e.eigenvalue < 1.0 + 1e-6
    if abs(alpha - 2) > 0.1:
        assert e.nonlinearity > 1e-5
        assert e.eigenvalue < 1.0 - 1e-4


def test_bad_input():
    with pytest.raises(ValueError, match="K"):
        first_eigenpair("gaussian", K=0.0)
    with pytest.raises(ValueError, match="method"):
        first_eigenpair("gaussian", method="spectral")
    with pytest.raises(ValueError, match="n_cells"):
        first_eigenpair("gaussian", n_cells=3)
    with pytest.raises(ValueError, match="latent law"):
        first_eigenpair("cauchy")


def test_a_density_with_a_hole_is_refused_without_advice_that_cannot_be_followed():
    # p = 0 on |x| < 1/2 inside the support: the generator splits in two, λ₁ = 0 at every grid size
    law = latent_law("custom", logpdf=lambda x: np.where(np.abs(x) < 0.5, -np.inf, -x * x / 2), label="hole")
    for n_cells in (50, 2000):
        with pytest.raises(ValueError, match="vanishes") as exc:
            first_eigenpair(law, n_cells=n_cells)
        assert "fewer cells" not in str(exc.value) and "does not apply at any n_cells" in str(exc.value)
