"""theory.dirichlet against independent references: Gauss–Hermite quadrature of E||∇h||² and
tr Cov h, sympy's limit, and closed forms for hand-built maps."""

import math

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.theory.gauss_hermite import gauss_hermite_grid
from lejepa_verify.theory.checks.dirichlet import check_dirichlet_energy_identity, check_poincare
from lejepa_verify.theory.dirichlet import (
    covariance_trace,
    dirichlet_energy,
    penalty_ratio,
    poincare_comparison,
    small_t_limit,
    spectral_dirichlet_energy,
)
from lejepa_verify.theory.hermite import RHO, hermite_he, hermite_spectrum, latent_symbols
from lejepa_verify.theory.polymaps import linear_map, random_polynomial_map


def _quadrature_gradient_energy(h, gens, points=10):
    """E||J_h||_F² by tensor Gauss–Hermite quadrature of the sympy derivatives (n <= 2)."""
    grids, weights = gauss_hermite_grid(len(gens), points)
    total = 0.0
    for comp in h:
        for gvar in gens:
            f = sp.lambdify(gens, sp.diff(comp.as_expr(), gvar), "numpy")
            total += float(np.sum(weights * np.broadcast_to(f(*grids), grids[0].shape) ** 2))
    return total


@settings(max_examples=15)
@given(seed=st.integers(0, 10**6), n=st.integers(1, 2), degree=st.integers(1, 4))
def test_dirichlet_energy_matches_quadrature_and_spectrum(seed, n, degree):
    h, g = random_polynomial_map(n, degree, seed, n_terms=4)
    exact = dirichlet_energy(h, g)
    assert abs(float(exact) - _quadrature_gradient_energy(h, g)) <= 1e-8 * max(1.0, float(exact))
    assert spectral_dirichlet_energy(hermite_spectrum(h, g)) == exact


@pytest.mark.parametrize("d", range(1, 13))
def test_penalty_ratio_is_geometric_sum_and_its_limit_is_d(d):
    q = penalty_ratio(d)
    assert sp.expand(q.as_expr() - sp.cancel((1 - RHO**d) / (1 - RHO))) == 0
    assert q.eval(1) == d
    # ρ = e^(−t): the ratio as a function of t tends to d as t → 0
    t = sp.Symbol("t", positive=True)
    if d <= 5:
        assert sp.limit((1 - sp.exp(-d * t)) / (1 - sp.exp(-t)), t, 0) == d


def test_hermite_polynomial_has_dirichlet_energy_d_times_norm():
    # ∂ He_d = d He_{d−1}, so E[(He_d')²] = d² (d−1)! = d · d!  (closed form)
    (z,) = latent_symbols(1)
    for d in range(0, 9):
        assert dirichlet_energy([hermite_he(d, z)], (z,)) == d * math.factorial(d)


@settings(max_examples=10)
@given(seed=st.integers(0, 10**6), n=st.integers(1, 3), degree=st.integers(1, 3))
def test_small_t_limit_equals_dirichlet_energy(seed, n, degree):
    h, g = random_polynomial_map(n, degree, seed, n_terms=4)
    assert small_t_limit(h, g) == dirichlet_energy(h, g)


@settings(max_examples=20)
@given(seed=st.integers(0, 10**6), n=st.integers(1, 3), degree=st.integers(1, 4))
def test_poincare_inequality_and_equality_case(seed, n, degree):
    h, g = random_polynomial_map(n, degree, seed, n_terms=4)
    cmp = poincare_comparison(h, g)
    assert cmp.deficit >= 0
    assert cmp.deficit == cmp.spectral_deficit
    # random maps of degree >= 2 have a forced top-degree monomial, so they are not affine
    assert (cmp.deficit == 0) == (degree == 1)
    assert cmp.to_dict()["affine"] == (degree == 1)


def test_poincare_examples_by_hand():
    g = latent_symbols(2)
    # affine: J = M, Cov = M Mᵀ, equality
    m = sp.Matrix([[2, 1], [0, 3]])
    cmp = poincare_comparison(linear_map(m, g, [5, -1]), g)
    assert cmp.dirichlet_energy == 14 and cmp.covariance_trace == 14 and cmp.deficit == 0
    # h = z_1²: E[(2 z_1)²] = 4, Var z_1² = 2, deficit 2
    cmp = poincare_comparison([sp.Poly(g[0] ** 2, *g)], g)
    assert (cmp.dirichlet_energy, cmp.covariance_trace, cmp.deficit) == (4, 2, 2)
    assert covariance_trace([sp.Poly(g[0] ** 2, *g)], g) == 2


def test_poincare_with_constant_two_fails_by_a_negative_deficit():
    # the claim's control is rejected by the inequality itself, not only by the spectral identity
    control = check_poincare(constant=2)
    assert not control.passed and control.numbers["negative_deficits"] > 0


def test_bad_inputs():
    with pytest.raises(ValueError, match=r"d must be in \[0, 40\], got 41"):
        penalty_ratio(41)
    with pytest.raises(ValueError, match="d must be an integer"):
        penalty_ratio(1.5)
    with pytest.raises(ValueError, match="maps_per_dimension"):
        check_poincare(maps_per_dimension=0)
    with pytest.raises(ValueError, match="n must be in"):
        check_dirichlet_energy_identity(dimensions=(4,))
