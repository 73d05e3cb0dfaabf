"""theory.mehler against Gauss–Hermite quadrature over the noise (an independent route)."""

import math

import numpy as np
import numpy.polynomial.hermite_e as He
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.theory.gauss_hermite import gauss_hermite_grid
from lejepa_verify import strategies as lst
from lejepa_verify.theory.hermite import NOISE_SCALE, RHO, hermite_he, hermite_multi, latent_symbols
from lejepa_verify.theory.mehler import mehler_residual, next_state_polynomial, ou_conditional_expectation, reduce_noise_scale

(X,), W = gauss_hermite_grid(1, 30)


def _quadrature_conditional(k, rho, z):
    """E[He_k(rho z + sqrt(1 − rho²) eta)] by 30-point Gauss–Hermite quadrature in eta."""
    s = math.sqrt(1 - rho * rho)
    return float(np.sum(W * He.hermeval(rho * z + s * X, [0] * k + [1])))


@settings(max_examples=40)
@given(k=lst.degrees(0, 12), rho=lst.rational_rho(max_denominator=50),
       z=st.floats(-3, 3))
def test_conditional_expectation_matches_quadrature(k, rho, z):
    (g,) = latent_symbols(1)
    exact = ou_conditional_expectation(hermite_he(k, g), (g,))
    value = float(exact.as_expr().subs({g: z, RHO: sp.Rational(rho.numerator, rho.denominator)}))
    ref = _quadrature_conditional(k, float(rho), z)
    assert abs(value - ref) <= 1e-8 * max(1.0, abs(ref))
    # and Mehler's closed form, evaluated by numpy
    closed = float(rho) ** k * He.hermeval(z, [0] * k + [1])
    assert abs(value - closed) <= 1e-8 * max(1.0, abs(closed))


def test_multivariate_conditional_matches_tensor_quadrature():
    g = latent_symbols(2)
    rho, z = 0.7, (0.3, -1.1)
    s = math.sqrt(1 - rho * rho)
    alpha = (3, 2)
    exact = ou_conditional_expectation(hermite_multi(alpha, g), g)
    value = float(exact.as_expr().subs({g[0]: z[0], g[1]: z[1], RHO: sp.Rational(7, 10)}))
    (e1, e2), ww = gauss_hermite_grid(2, 30)
    integrand = He.hermeval(rho * z[0] + s * e1, [0, 0, 0, 1]) * He.hermeval(rho * z[1] + s * e2, [0, 0, 1])
    assert abs(value - float(np.sum(ww * integrand))) < 1e-10


@pytest.mark.parametrize("alpha", [(0, 0, 0), (1, 0, 2), (2, 2, 1), (0, 4, 1)])
def test_mehler_residual_vanishes_and_wrong_exponent_does_not(alpha):
    g = latent_symbols(3)
    assert mehler_residual(alpha, g).is_zero
    assert not mehler_residual(alpha, g, exponent_shift=1).is_zero


def test_non_eigenfunction_is_not_scaled():
    # z² is not an eigenfunction: P z² = rho² z² + (1 − rho²), independently by hand
    (g,) = latent_symbols(1)
    out = ou_conditional_expectation(sp.Poly(g**2, g), (g,))
    assert sp.expand(out.as_expr() - (RHO**2 * g**2 + 1 - RHO**2)) == 0


def test_next_state_polynomial_is_the_substitution():
    g = latent_symbols(2)
    p = sp.Poly(g[0] ** 2 * g[1] - 3 * g[1], *g)
    composed, noise = next_state_polynomial(p, g)
    ref = p.as_expr().subs({g[0]: RHO * g[0] + NOISE_SCALE * noise[0], g[1]: RHO * g[1] + NOISE_SCALE * noise[1]},
                           simultaneous=True)
    assert sp.expand(composed.as_expr() - ref) == 0


def test_reduce_noise_scale_refuses_odd_powers_and_bad_generators():
    (g,) = latent_symbols(1)
    odd = sp.Poly(NOISE_SCALE * g, g, RHO, NOISE_SCALE)
    with pytest.raises(ValueError, match="even powers"):
        reduce_noise_scale(odd)
    with pytest.raises(ValueError, match="generators"):
        reduce_noise_scale(sp.Poly(g, g))
    even = sp.Poly(NOISE_SCALE**4 * g, g, RHO, NOISE_SCALE)
    assert sp.expand(reduce_noise_scale(even).as_expr() - (1 - RHO**2) ** 2 * g) == 0


def test_bad_inputs():
    g = latent_symbols(1)
    with pytest.raises(ValueError, match="alpha"):
        mehler_residual((-1,), g)
    with pytest.raises(ValueError, match="rational"):
        ou_conditional_expectation(sp.Poly(sp.Float(0.25) * g[0], g[0]), g)
