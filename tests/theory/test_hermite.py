"""theory.hermite against independent references: sympy.hermite_prob, numpy.polynomial.hermite_e,
sympy.stats moments and Gauss–Hermite quadrature."""

import math
import random

import numpy as np
import numpy.polynomial.hermite_e as He
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.theory.gauss_hermite import gauss_hermite_grid
from lejepa_verify.theory.checks.hermite import check_hermite_completeness, check_hermite_orthogonality
from lejepa_verify.theory.hermite import (
    MAX_DEGREE,
    MAX_DIMENSION,
    check_alpha,
    from_hermite,
    gaussian_expectation,
    gaussian_moment,
    hermite_coefficients,
    hermite_coefficients_ascending,
    hermite_he,
    hermite_multi,
    hermite_norm_squared,
    hermite_projection,
    hermite_spectrum,
    latent_symbols,
    monomial_in_hermite,
    multi_factorial,
    multi_indices,
)
from lejepa_verify.theory.polymaps import random_polynomial

Z = latent_symbols(1)[0]


@pytest.mark.parametrize("k", range(0, 21))
def test_recurrence_matches_sympy_hermite_prob(k):
    assert sp.expand(hermite_he(k, Z).as_expr() - sp.hermite_prob(k, Z)) == 0


@pytest.mark.parametrize("k", [0, 1, 5, 12, 25])
def test_coefficients_match_numpy_herme2poly(k):
    ref = He.herme2poly([0] * k + [1])
    ours = hermite_coefficients_ascending(k)
    assert len(ours) == len(ref)
    assert np.allclose(np.array(ours, dtype=float), ref, rtol=1e-12, atol=0)


@pytest.mark.parametrize("m", range(0, 13))
def test_gaussian_moments_match_sympy_stats(m):
    from sympy.stats import E, Normal

    x = Normal("x", 0, 1)
    assert gaussian_moment(m) == E(x**m)


def test_gaussian_moment_matches_numerical_integration():
    from scipy.integrate import quad

    for m in (2, 4, 7, 10):
        value, err = quad(lambda x: x**m * math.exp(-x * x / 2) / math.sqrt(2 * math.pi), -np.inf, np.inf)
        assert abs(value - gaussian_moment(m)) < 1e-7 * max(1, gaussian_moment(m))


def test_orthogonality_matches_gauss_hermite_quadrature():
    # 40-point Gauss–Hermite (probabilists') integrates polynomials of degree <= 79 exactly up to rounding
    (x,), w = gauss_hermite_grid(1, 40)
    for j in range(13):
        for k in range(13):
            exact = gaussian_expectation(hermite_he(j, Z) * hermite_he(k, Z))
            quad = float(np.sum(w * He.hermeval(x, [0] * j + [1]) * He.hermeval(x, [0] * k + [1])))
            assert abs(float(exact) - quad) <= 1e-9 * max(1.0, math.factorial(k))
            assert exact == (math.factorial(k) if j == k else 0)


def test_norm_squared_is_factorial():
    assert [hermite_norm_squared(k) for k in range(6)] == [1, 1, 2, 6, 24, 120]
    assert multi_factorial((2, 3, 0)) == 12


@pytest.mark.parametrize("k", range(0, 16))
def test_monomial_expansion_matches_numpy_poly2herme(k):
    ref = He.poly2herme([0] * k + [1])
    ours = np.zeros(k + 1)
    for deg, c in monomial_in_hermite(k):
        ours[deg] = float(c)
    assert np.allclose(ours, ref, rtol=1e-12, atol=1e-9)


def test_partial_expectation_keeps_other_generators():
    a, b = sp.symbols("a b")
    p = sp.Poly(a**2 * b**2 + 3 * a * b + b**4, a, b)
    out = gaussian_expectation(p, over=[a])
    assert sp.expand(out.as_expr() - (b**2 + b**4)) == 0
    assert gaussian_expectation(p) == 1 + 3


def test_multivariate_hermite_is_a_product():
    g = latent_symbols(3)
    alpha = (2, 0, 3)
    ref = sp.hermite_prob(2, g[0]) * sp.hermite_prob(3, g[2])
    assert sp.expand(hermite_multi(alpha, g).as_expr() - ref) == 0


def test_multi_indices_count_is_binomial():
    for n in (1, 2, 3):
        for d in (0, 3, 6):
            assert len(multi_indices(n, d)) == math.comb(n + d, n)


rationals = st.fractions(min_value=-5, max_value=5, max_denominator=9)


@settings(max_examples=30)
@given(coeffs=st.lists(rationals, min_size=1, max_size=10))
def test_univariate_change_of_basis_round_trip_and_projection(coeffs):
    p = sp.Poly(sum(sp.Rational(c.numerator, c.denominator) * Z**i for i, c in enumerate(coeffs)), Z, domain=sp.QQ)
    a = hermite_coefficients(p, (Z,))
    assert (from_hermite(a, (Z,)) - p).is_zero
    # numpy's poly2herme is an independent reference for the coefficients
    ref = He.poly2herme([float(c) for c in coeffs])
    for j, r in enumerate(ref):
        assert abs(float(a.get((j,), 0)) - r) <= 1e-9 * max(1.0, abs(r))
    for j in range(len(coeffs)):
        assert hermite_projection(p, (j,), (Z,)) == a.get((j,), 0)


@settings(max_examples=20)
@given(seed=st.integers(0, 10**6), n=st.integers(1, 3), degree=st.integers(0, 5))
def test_multivariate_round_trip_and_projection(seed, n, degree):
    g = latent_symbols(n)
    p = random_polynomial(g, degree, random.Random(seed), n_terms=5)
    a = hermite_coefficients(p, g)
    assert (from_hermite(a, g) - p).is_zero
    for alpha in multi_indices(n, degree):
        assert hermite_projection(p, alpha, g) == a.get(alpha, 0)


@settings(max_examples=20)
@given(seed=st.integers(0, 10**6), n=st.integers(1, 3), degree=st.integers(0, 4))
def test_energies_sum_to_second_moment(seed, n, degree):
    # Parseval: Σ_d E_{i,d} = E[h_i²], the right side from the moments directly
    g = latent_symbols(n)
    p = random_polynomial(g, degree, random.Random(seed), n_terms=5)
    spec = hermite_spectrum([p], g)
    assert sum(spec.energies[0]) == gaussian_expectation(p * p)
    assert spec.energy(0, 0) == gaussian_expectation(p) ** 2
    assert spec.to_dict()["n"] == n


def test_completeness_breaks_when_the_constant_term_is_dropped():
    # the claim's control drops the top degree; dropping degree 0 must break every polynomial with a constant
    assert not check_hermite_completeness(drop_degree=0, max_degree=6, n_random=2).passed


def test_expression_expectation_matches_sympy_stats_and_keeps_other_symbols():
    from sympy.stats import E, Normal

    a, b, c = sp.symbols("a b c")
    x, y = Normal("x", 0, 1), Normal("y", 0, 1)
    expr = (2 * a - b) ** 3 * (a + b) + sp.Rational(1, 3) * a**2 * b**4
    assert gaussian_expectation(expr, (a, b)) == sp.expand(E(expr.subs({a: x, b: y}, simultaneous=True)))
    # a symbol outside `over` is a coefficient: E[c a^2 + c^2] = c + c^2
    assert sp.expand(gaussian_expectation(c * a**2 + c**2, (a,)) - (c + c**2)) == 0
    with pytest.raises(ValueError, match="over"):
        gaussian_expectation(a**2)


@pytest.mark.parametrize("bad", [-1, 2.0, MAX_DEGREE + 1, "3", True])
def test_bad_degree_is_named(bad):
    with pytest.raises(ValueError, match="degree"):
        hermite_he(bad)


def test_bad_inputs_name_parameter_value_and_range():
    with pytest.raises(ValueError, match=r"n must be in \[1, %d\], got 0" % MAX_DIMENSION):
        latent_symbols(0)
    with pytest.raises(ValueError, match="n must be"):
        latent_symbols(MAX_DIMENSION + 1)
    with pytest.raises(ValueError, match=r"alpha must have length n = 2"):
        check_alpha((1, 2, 3), 2)
    with pytest.raises(ValueError, match=r"alpha\[1\] must be in \[0, 40\], got -1"):
        check_alpha((1, -1))
    with pytest.raises(ValueError, match="m must be >= 0, got -2"):
        gaussian_moment(-2)
    with pytest.raises(ValueError, match="max_degree"):
        check_hermite_orthogonality(max_degree=41)
    with pytest.raises(ValueError, match="over"):
        gaussian_expectation(sp.Poly(Z**2, Z), over=[sp.Symbol("q")])
    with pytest.raises(ValueError, match="rational"):
        hermite_coefficients(sp.Poly(sp.Float(0.5) * Z, Z), (Z,))
    with pytest.raises(ValueError, match="components"):
        hermite_spectrum([], (Z,))
