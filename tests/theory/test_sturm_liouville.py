"""The Sturm–Liouville converse against scipy densities, numpy Hermite derivatives and least squares."""

from fractions import Fraction

import numpy as np
import pytest
import scipy.stats
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.polynomial import hermite_e as He

from lejepa_verify.theory.sturm_liouville import (
    LAWS,
    Z,
    affine_eigenfunctions,
    density_from_affine_eigenfunction,
    generator,
    hermite_eigen_residuals,
    score,
)

R = sp.Rational


def test_generator_on_a_known_eigenfunction():
    # N(0, 1), K = 1: He_2 = z^2 - 1 has L He_2 = 2 - 2 z^2 = -2 He_2
    f = Z**2 - 1
    assert sp.expand(generator(f, score("gaussian", mu=0, sigma=1), 1) + 2 * f) == 0


@given(mu=st.fractions(-3, 3, max_denominator=8), sigma=st.fractions(Fraction(1, 4), 4, max_denominator=8),
       K=st.fractions(Fraction(1, 4), 5, max_denominator=8))
@settings(max_examples=25)
def test_gaussian_affine_eigenfunction_has_lambda_K_over_sigma2(mu, sigma, K):
    r = affine_eigenfunctions("gaussian", K=R(K.numerator, K.denominator),
                              mu=R(mu.numerator, mu.denominator), sigma=R(sigma.numerator, sigma.denominator))
    assert r.exists and not r.nonsingular
    ((lam, ratio),) = r.solutions
    assert lam == R(K.numerator, K.denominator) / R(sigma.numerator, sigma.denominator) ** 2
    assert ratio == -R(mu.numerator, mu.denominator)  # b/a = -mu


@pytest.mark.parametrize("law", ["laplace", "logistic", "gennorm4"])
def test_non_gaussian_scores_have_no_affine_eigenfunction(law):
    r = affine_eigenfunctions(law, K=2)
    assert r.nonsingular and not r.exists
    # independent: a least-squares affine fit of the score on a grid leaves a clearly non-zero residual
    s = sp.lambdify(Z, score(law), "numpy")
    z = np.linspace(-3, 3, 301)
    y = np.array(s(z), dtype=float)
    X = np.stack([z, np.ones_like(z)], axis=1)
    resid = y - X @ np.linalg.lstsq(X, y, rcond=None)[0]
    assert np.sqrt(np.mean(resid**2)) > 0.05


def test_logistic_determinant_is_nonzero_numerically_too():
    r = affine_eigenfunctions("logistic", K=1)
    value = float(sp.sympify(r.determinant))
    assert value == pytest.approx(2 * np.tanh(1) - 4 * np.tanh(0.5))
    assert abs(value) > 0.1


def test_collocation_points_matter_only_through_their_values():
    r = affine_eigenfunctions("gennorm4", K=1, points=(R(1, 2), 1, 3))
    assert r.nonsingular and not r.exists


def test_derived_density_matches_scipy_normal():
    d = density_from_affine_eigenfunction()
    assert d.density_matches and d.normalisable_only_for_positive_lambda
    assert d.claimed_mean == "-b/a" and d.claimed_variance == "K/lambda"
    # evaluate the normalised solution of the ODE at numbers, against scipy's normal pdf
    from lejepa_verify.theory.sturm_liouville import _derivation

    _, _, density, _, _ = _derivation()
    a, b, lam, K = 2.0, -1.0, 3.0, 5.0
    subs = {sp.Symbol("a", real=True, nonzero=True): a, sp.Symbol("b", real=True): b,
            sp.Symbol("lambda", positive=True): lam, sp.Symbol("K", positive=True): K, sp.Symbol("C1"): 0.7}
    f = sp.lambdify(Z, density.subs(subs), "numpy")
    z = np.linspace(-4, 4, 17)
    ref = scipy.stats.norm(loc=-b / a, scale=np.sqrt(K / lam)).pdf(z)
    assert np.allclose(f(z), ref, rtol=1e-12, atol=0)


def test_wrong_variance_is_rejected():
    assert not density_from_affine_eigenfunction(2).density_matches


def test_hermite_eigenfunctions_exact():
    r = hermite_eigen_residuals(12)
    assert r.all_eigenfunctions and r.zero_residual_degrees == tuple(range(13))


@pytest.mark.parametrize("k", [1, 2, 5, 9])
def test_hermite_eigenvalues_with_numpy_hermite_e(k):
    mu, sigma, K = 0.5, 2.0, 3.0
    c = np.zeros(k + 1)
    c[k] = 1.0
    z = np.linspace(-3, 4, 15)
    u = (z - mu) / sigma
    f = He.hermeval(u, c)
    f1 = He.hermeval(u, He.hermeder(c)) / sigma
    f2 = He.hermeval(u, He.hermeder(c, 2)) / sigma**2
    Lf = K * (f2 - (z - mu) / sigma**2 * f1)
    assert np.allclose(Lf, -K * k / sigma**2 * f, rtol=1e-10, atol=1e-8)


@pytest.mark.parametrize("law", ["laplace", "logistic", "gennorm4"])
def test_hermite_polynomials_are_not_eigenfunctions_elsewhere(law):
    r = hermite_eigen_residuals(4, law)
    assert not r.all_eigenfunctions and r.first_nonzero_degree == 1 and r.witness is not None
    assert r.zero_residual_degrees == (0,)  # constants are eigenfunctions of every generator


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: affine_eigenfunctions("gaussian", K=0), "K must be finite and > 0"),
        (lambda: affine_eigenfunctions("gaussian", K=-1), "K must be finite and > 0"),
        (lambda: affine_eigenfunctions("cauchy"), "unknown law"),
        (lambda: affine_eigenfunctions("laplace", points=(1, 1, 2)), "points must be 3 distinct"),
        (lambda: score("gaussian", sigma=0), "sigma must be finite and > 0"),
        (lambda: hermite_eigen_residuals(-1), "max_degree must be in"),
        (lambda: hermite_eigen_residuals(31), "max_degree must be in"),
        (lambda: hermite_eigen_residuals(2.5), "max_degree must be an integer"),
        (lambda: density_from_affine_eigenfunction(0), "variance_scale must be finite and > 0"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_laws_listed():
    assert set(LAWS) == {"gaussian", "laplace", "logistic", "gennorm4"}
