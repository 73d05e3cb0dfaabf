"""Galerkin matrix of the AR(1) transition operator, checked against sampling and closed forms (docs/theory.md §3)."""

import math

import numpy as np
import pytest
from scipy import integrate

from lejepa_verify.numerics.ar1_operator import ar1_galerkin, uniform_backward_witness
from lejepa_verify.numerics.latents import latent_law
from lejepa_verify.numerics.transitions import sample_pairs


@pytest.mark.parametrize("name,rho", [("gaussian", 0.3), ("laplace", 0.5), ("laplace", 0.9), ("uniform", 0.25)])
def test_degree_invariance_and_diagonal(name, rho):
    op = ar1_galerkin(name, rho, 10)
    assert op.lower_defect < 1e-12
    assert op.diagonal_defect < 1e-12
    np.testing.assert_allclose(np.diag(op.galerkin), rho ** np.arange(11), atol=1e-14)


@pytest.mark.parametrize("name", ["gaussian", "laplace", "uniform"])
def test_basis_is_orthonormal_under_the_law(name):
    # adaptive quadrature of φ_a φ_b p, independent of the moment/Cholesky route
    op = ar1_galerkin(name, 0.5, 8)
    law = latent_law(name)
    lo, hi = (-math.sqrt(3), math.sqrt(3)) if name == "uniform" else (-60.0, 60.0)
    gram = np.empty((9, 9))
    for a in range(9):
        for b in range(a, 9):
            f = lambda x: (np.polynomial.polynomial.polyval(x, op.coefficients[a])
                           * np.polynomial.polynomial.polyval(x, op.coefficients[b]) * law.pdf(x))
            gram[a, b] = gram[b, a] = integrate.quad(f, lo, hi, points=[0.0], limit=400)[0]
    np.testing.assert_allclose(gram, np.eye(9), atol=1e-8)


@pytest.mark.parametrize("name,rho", [("laplace", 0.5), ("uniform", 0.5)])
def test_galerkin_matrix_matches_sampled_pairs(name, rho):
    # G_ab = E[φ_a(z) φ_b(z')], estimated from the transition sampler (an independent route)
    op = ar1_galerkin(name, rho, 4)
    z, zn = sample_pairs(name, "ar1", rho, 400_000, seed=11)
    pa = np.polynomial.polynomial.polyval(z[:, 0], op.coefficients.T)
    pb = np.polynomial.polynomial.polyval(zn[:, 0], op.coefficients.T)
    g_mc = pa @ pb.T / len(z)
    np.testing.assert_allclose(g_mc, op.galerkin, atol=0.06)


def test_gaussian_chain_is_reversible_with_linear_top():
    op = ar1_galerkin("gaussian", 0.7, 12)
    assert op.reversibility_defect < 1e-12
    assert op.top_eigenvalue == pytest.approx(0.7, abs=1e-12)
    assert op.nonlinearity < 1e-12
    # Hermite: G is diag(ρ^d)
    np.testing.assert_allclose(op.galerkin, np.diag(0.7 ** np.arange(13)), atol=1e-12)


def test_laplace_backward_regression_is_nonlinear():
    # G_{1,3} = <φ_1, Tφ_3> = <T*z, φ_3>/σ ≠ 0: E[z | z'] is not linear for the Laplace chain
    op = ar1_galerkin("laplace", 0.5, 6)
    assert abs(op.galerkin[1, 3]) > 1e-3
    assert op.reversibility_defect > 0.1
    assert op.excess_over_linear > 0.01 and op.nonlinearity > 0.01


def test_top_eigenvalue_is_a_rayleigh_quotient_of_the_returned_function():
    op = ar1_galerkin("laplace", 0.5, 8)
    z, zn = sample_pairs("laplace", "ar1", 0.5, 400_000, seed=4)
    f, fn = op.top_eigenfunction(z[:, 0]), op.top_eigenfunction(zn[:, 0])
    assert np.mean(f * f) == pytest.approx(1.0, abs=0.02)
    assert np.mean(f * fn) == pytest.approx(op.top_eigenvalue, abs=0.01)
    assert np.mean(f * fn) > 0.5 + 0.005  # beats z, whose value is ρ


def test_uniform_has_no_top_eigenfunction_witness():
    # f_N = Σ_{n<N} σⁿ: closed-form Rayleigh quotient, and the same number from sampled pairs
    assert uniform_backward_witness(0.5, 1) == pytest.approx(0.5)
    assert uniform_backward_witness(0.5, 2) == pytest.approx(0.75)
    assert uniform_backward_witness(0.5, 400) > 0.999
    z, zn = sample_pairs("uniform", "ar1", 0.5, 200_000, seed=6)
    a = math.sqrt(3)

    def sigma(x):  # the deterministic backward step z = k(z' − c(z'))
        k = 2
        j = np.clip(np.floor((x / a + 1) * k / 2), 0, k - 1)
        return k * (x - a * (-1 + (2 * j + 1) / k))

    np.testing.assert_allclose(sigma(zn[:, 0]), z[:, 0], atol=1e-9)
    x, f = zn[:, 0], np.zeros(len(zn))
    for _ in range(6):
        f += x
        x = sigma(x)
    fz = f - zn[:, 0] + x  # f(z) = Σ_{1≤n≤N} σⁿ(z')
    assert np.mean(f * fz) / np.mean(f * f) == pytest.approx(uniform_backward_witness(0.5, 6), abs=0.01)
    # and it beats every Galerkin value up to degree 20
    assert uniform_backward_witness(0.5, 6) > ar1_galerkin("uniform", 0.5, 20).top_eigenvalue


def test_gennorm_aliases():
    a = ar1_galerkin(latent_law("gennorm", alpha=1.0), 0.5, 6)
    b = ar1_galerkin("laplace", 0.5, 6)
    np.testing.assert_allclose(a.galerkin, b.galerkin)


@pytest.mark.parametrize("args,word", [
    (("logistic", 0.5), "no exact AR"),
    (("uniform", 0.4), "1/k"),
    (("laplace", 1.0), "rho"),
    (("laplace", 0.5, 0), "degree"),
])
def test_bad_input(args, word):
    with pytest.raises(ValueError, match=word):
        ar1_galerkin(*args)
