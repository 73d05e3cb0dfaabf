"""theory.alignment and theory.positivity against independent references: Gauss–Hermite
quadrature of the loss, brute-force minima, numpy evaluation of polynomials."""

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.theory.gauss_hermite import gauss_hermite_grid
from lejepa_verify import strategies as lst
from lejepa_verify.theory.alignment import (
    alignment_loss,
    covariance_matrix,
    degree_penalties,
    excess_factors,
    excess_penalty,
    lagged_correlation,
    loss_lower_bound,
    mean_vector,
    per_degree_penalty,
    simplex_correlation_gap,
    spectral_alignment_loss,
    spectral_correlation,
    spectral_gap,
)
from lejepa_verify.theory.checks.alignment import check_loss_bound, check_orthogonal_of_whitened_linear
from lejepa_verify.theory.hermite import RHO, hermite_spectrum, latent_symbols
from lejepa_verify.theory.polymaps import linear_map, random_polynomial_map, random_rational_orthogonal, random_whitened_map
from lejepa_verify.theory.positivity import bernstein_certificate

open_rho = lst.rational_rho(max_denominator=200)


def _quadrature_loss(poly, gens, rho, points=12):
    """E||h(z) − h(rho z + s eta)||² for a scalar polynomial in n <= 2 variables by tensor Gauss–Hermite."""
    s = math.sqrt(1 - rho * rho)
    f = sp.lambdify(gens, poly.as_expr(), "numpy")
    n = len(gens)
    grids, weights = gauss_hermite_grid(2 * n, points)
    z, eta = grids[:n], grids[n:]
    diff = f(*z) - f(*[rho * zi + s * ei for zi, ei in zip(z, eta)])
    return float(np.sum(weights * diff**2))


@settings(max_examples=15)
@given(seed=st.integers(0, 10**6), n=st.integers(1, 2), rho=open_rho)
def test_direct_loss_matches_quadrature(seed, n, rho):
    h, g = random_polynomial_map(n, 3, seed, m=1, n_terms=4)
    exact = alignment_loss(h, g).eval(sp.Rational(rho.numerator, rho.denominator))
    ref = _quadrature_loss(h[0], g, float(rho))
    assert abs(float(exact) - ref) <= 1e-8 * max(1.0, abs(ref))


@settings(max_examples=15)
@given(seed=st.integers(0, 10**6), n=st.integers(1, 3), degree=st.integers(1, 3))
def test_spectral_form_equals_direct_loss(seed, n, degree):
    h, g = random_polynomial_map(n, degree, seed, n_terms=4)
    spec = hermite_spectrum(h, g)
    assert (alignment_loss(h, g) - spectral_alignment_loss(spec)).is_zero
    assert (lagged_correlation(h, g) - spectral_correlation(spec)).is_zero
    assert not (alignment_loss(h, g) - spectral_alignment_loss(spec, factor=1)).is_zero


@settings(max_examples=40)
@given(rho=open_rho, d=lst.degrees(2, 30))
def test_excess_positive_and_gap_is_brute_force_minimum(rho, d):
    r = sp.Rational(rho.numerator, rho.denominator)
    assert excess_penalty(d, r) > 0
    brute = min(2 * (r - r**k) for k in range(2, d + 1))
    assert brute == spectral_gap(r)
    assert excess_penalty(2, r) == spectral_gap(r)
    assert per_degree_penalty(d, r) - per_degree_penalty(1, r) == excess_penalty(d, r)


def test_values_types_and_table():
    assert per_degree_penalty(2, Fraction(19, 20)) == sp.Rational(39, 200)
    assert per_degree_penalty(1, 0.5) == pytest.approx(1.0)
    assert isinstance(per_degree_penalty(3, 0.9), float)
    assert sp.expand(per_degree_penalty(3) - 2 * (1 - RHO**3)) == 0
    assert spectral_gap(sp.Rational(19, 20)) == sp.Rational(19, 200)
    assert loss_lower_bound(3, sp.Rational(1, 2)) == 3
    table = degree_penalties(sp.Rational(19, 20), 6)
    assert table.gap_degree == 2 and table.gap == sp.Rational(19, 200)
    assert table.penalties[0] == sp.Rational(1, 10)
    assert table.to_dict()["gap"] == "19/200"
    ftable = degree_penalties(0.95, 6)
    assert ftable.gap == pytest.approx(2 * 0.95 * 0.05) and ftable.to_dict()["gap_degree"] == 2


@pytest.mark.parametrize("d", range(1, 13))
def test_excess_factorisation(d):
    a, b, c = excess_factors(d)
    assert (a * b * c - sp.Poly(RHO - RHO**d, RHO)).is_zero
    assert c.is_zero == (d == 1)


@settings(max_examples=40)
@given(w=lst.simplex_weights(1, 12, max_integer=20), rho=open_rho)
def test_simplex_weights_bound_the_correlation(w, rho):
    r = sp.Rational(rho.numerator, rho.denominator)
    gap = simplex_correlation_gap(w, r)
    assert gap >= 0
    assert (gap == 0) == (w[0] == 1)
    # independent float evaluation of ρ − Σ w_d ρ^d
    ref = float(rho) - sum(float(wd) * float(rho) ** (d + 1) for d, wd in enumerate(w))
    assert abs(float(gap) - ref) < 1e-12


@settings(max_examples=10)
@given(seed=st.integers(0, 10**6), n=st.integers(1, 3), linear=st.booleans(), rho=open_rho)
def test_whitened_maps_obey_theorem_a(seed, n, linear, rho):
    h, g = random_whitened_map(n, seed, linear=linear)
    assert not any(mean_vector(h, g)) and covariance_matrix(h, g) == sp.eye(n)
    r = sp.Rational(rho.numerator, rho.denominator)
    loss = alignment_loss(h, g).eval(r)
    bound = loss_lower_bound(n, r)
    assert loss == bound if linear else loss > bound


def test_covariance_of_linear_map_matches_numpy():
    g = latent_symbols(3)
    m = sp.Matrix([[1, 2, 0], [sp.Rational(1, 3), -1, 4], [0, 0, 5]])
    cov = covariance_matrix(linear_map(m, g), g)
    mf = np.array(m.tolist(), dtype=float)
    assert np.allclose(np.array(cov.tolist(), dtype=float), mf @ mf.T)
    q = random_rational_orthogonal(3, 7)
    assert q * q.T == sp.eye(3) and covariance_matrix(linear_map(q, g), g) == sp.eye(3)


@settings(max_examples=30)
@given(coeffs=st.lists(st.integers(-6, 6), min_size=1, max_size=7))
def test_bernstein_certificate_is_sound(coeffs):
    p = sp.Poly(list(reversed(coeffs)), RHO)
    cert = bernstein_certificate(p)
    grid = np.linspace(0, 1, 401)
    values = np.polyval(list(reversed([float(c) for c in coeffs])), grid)
    if cert.nonnegative:
        assert values.min() >= -1e-12
    if cert.positive:
        assert (values[1:-1] > 0).all()
    if values.min() < -1e-9:
        assert not cert.nonnegative


def test_bernstein_certificate_known_cases():
    assert bernstein_certificate(sp.Poly(RHO - RHO**5, RHO)).positive
    assert not bernstein_certificate(sp.Poly(RHO**2 - RHO, RHO)).nonnegative
    assert bernstein_certificate(sp.Poly(0, RHO)).zero
    # needs degree elevation: positive on [0, 1] but a negative coefficient at its own degree
    cert = bernstein_certificate(sp.Poly(1 - 3 * RHO + 3 * RHO**2, RHO))
    assert cert.positive and cert.degree > 2


def test_loss_bound_controls_are_rejected_by_the_inequality_not_only_by_equality():
    # the wrong exponent fails on the linear maps, whose L = 2n(1 − ρ) < 2n(1 − ρ²)
    wrong = check_loss_bound(bound_rho_power=2)
    assert wrong.numbers["inequality_failures"] and any("linear" in f for f in wrong.numbers["inequality_failures"])
    # dropping the whitening lets z/2 in, whose L = n(1 − ρ)/2 is below the bound
    unwhitened = check_loss_bound(whitened=False)
    assert any("z/2" in f for f in unwhitened.numbers["inequality_failures"])
    # a map that is not coordinate-separable is among those checked
    from lejepa_verify.theory.checks.alignment import _loss_bound_maps

    assert any(kind == "whitened crossed" and cov_ok for _, kind, _, cov_ok, _, _ in _loss_bound_maps((1, 2, 3), 2, 0))


def test_degree_one_hypothesis_is_solved_not_constructed():
    from lejepa_verify.theory.checks.alignment import _general_solution

    general, free, g, _ = _general_solution(2, 3, (1,))
    # the general solution of "energy at degree 1 only" among all cubics in two variables is a·z1 + b·z2
    assert len(free) == 2 and sp.Poly(general, *g).total_degree() == 1
    affine, free_affine, g, _ = _general_solution(2, 3, (0, 1))
    assert len(free_affine) == 3 and sp.Poly(affine, *g).coeff_monomial(1) != 0
    odd, free_odd, g, _ = _general_solution(1, 4, (1, 3))
    assert sp.Poly(odd, *g).degree() == 3


@pytest.mark.parametrize("rho", [0, 1, 1.5, -0.1, float("nan"), "a"])
def test_bad_rho_is_named(rho):
    with pytest.raises(ValueError, match="rho"):
        per_degree_penalty(2, rho)
    with pytest.raises(ValueError, match="rho"):
        spectral_gap(rho)


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"d must be in \[0, 40\], got -1"):
        per_degree_penalty(-1, 0.5)
    with pytest.raises(ValueError, match="d must be an integer"):
        excess_penalty(2.0, 0.5)
    with pytest.raises(ValueError, match="n must be >= 1, got 0"):
        loss_lower_bound(0, 0.5)
    with pytest.raises(ValueError, match="weights must be >= 0"):
        simplex_correlation_gap([Fraction(3, 2), Fraction(-1, 2)], Fraction(1, 2))
    with pytest.raises(ValueError, match="covariance_scale must be a perfect square"):
        check_orthogonal_of_whitened_linear(covariance_scale=2)
    with pytest.raises(ValueError, match="max_degree"):
        degree_penalties(0.5, 1)
    with pytest.raises(ValueError, match="rho"):
        degree_penalties(None)
