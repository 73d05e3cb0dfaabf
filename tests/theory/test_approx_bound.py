"""Prop 4.3, step by step: exact results against hand-derived values, numpy/scipy and Monte Carlo.

What the claims prop-4.3/* check (each step for every case, and their controls) is not re-checked
here; these tests hold the functions to independent references and check that a refuting witness
is genuine.
"""

from fractions import Fraction

import numpy as np
import pytest
import scipy.linalg
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from lejepa_verify.theory.approx_bound import (
    alignment_loss,
    approximate_bound,
    check_nonnegative,
    example_maps,
    frobenius_le_trace,
    gap_inequality,
    monotonicity,
    nonlinear_energy_bound,
    polar_bound,
    polynomial_map_summary,
    pythagorean_rho,
    pythagorean_split,
    sigma_inequality,
)
from lejepa_verify.theory.hermite import gaussian_expectation, latent_symbols
from lejepa_verify.theory.polymaps import cayley_orthogonal, random_cayley_orthogonal

R = sp.Rational


# ----------------------------------------------------------------- step 1: the gap


def test_gap_false_variant_has_a_genuine_counterexample():
    r = gap_inequality(2, reference_degree=3)
    assert not r.certified and r.witness is not None
    rho = r.witness
    assert rho - rho**2 < rho - rho**3  # re-evaluated here in Fractions
    assert r.witness_value == rho**3 - rho**2


def test_energy_bound_difference_has_the_gap_coefficients():
    ok, diff = nonlinear_energy_bound(5)
    rho = sp.Symbol("rho", positive=True)
    e3 = [s for s in diff.free_symbols if s.name == "E_3"][0]
    assert ok and sp.expand(diff.coeff(e3) - 2 * (rho**2 - rho**3)) == 0
    assert not nonlinear_energy_bound(5, reference_degree=3)[0]


def test_certificate_and_witness_on_known_polynomials():
    x = sp.Symbol("x")
    assert check_nonnegative((x - 1) ** 2, x, 1, None).holds  # t^2 after x = 1 + t
    # the certificate is sufficient, not necessary: on [0, oo) the coefficients have mixed signs,
    # and with no counterexample either the verdict stays "not proved"
    loose = check_nonnegative((x - 1) ** 2, x, 0, None)
    assert not loose.certified and loose.witness is None and not loose.holds
    neg = check_nonnegative(x - 2, x, 0, 4)
    assert not neg.holds and neg.witness is not None and neg.witness < 2


# ----------------------------------------------------------------- step 3: scalar and matrix lemmas


def test_sigma_lemma_exact_and_half_scale_refuted_at_zero():
    below, above, factorised = sigma_inequality()
    assert below.holds and above.holds and factorised
    below, above, _ = sigma_inequality(R(1, 2))
    assert below.witness == 0 and below.witness_value == Fraction(-1, 2)  # |0-1| = 1 > 1/2



@given(st.lists(st.integers(-5, 5), min_size=4, max_size=4))
def test_frobenius_exact_agrees_with_numpy(entries):
    B = sp.Matrix(2, 2, entries)
    r = frobenius_le_trace(B * B.T)
    N = np.array(B * B.T, dtype=float)
    assert float(r.frobenius_sq) == pytest.approx(np.sum(N**2))
    assert r.holds and r.principal_minors_nonnegative and r.identity_holds




def test_polar_factor_matches_scipy():
    U, V = random_cayley_orthogonal(3, 4), random_cayley_orthogonal(3, 5)
    sig = [R(1, 2), 2, R(3, 4)]
    M = np.array(U * sp.diag(*sig) * V.T, dtype=float)
    Q_scipy, P = scipy.linalg.polar(M)
    assert np.allclose(np.array(U * V.T, dtype=float), Q_scipy, atol=1e-12)
    r = polar_bound(U, sig, V)
    assert r.holds and r.q_orthogonal and r.qtm_symmetric_psd
    assert float(r.lhs_sq) == pytest.approx(np.linalg.norm(M - Q_scipy) ** 2)



@given(st.lists(st.integers(-4, 4), min_size=3, max_size=3))
def test_cayley_is_orthogonal(entries):
    a, b, c = (R(e, 2) for e in entries)
    S = sp.Matrix([[0, a, b], [-a, 0, c], [-b, -c, 0]])
    Q = cayley_orthogonal(S)
    assert Q.T * Q == sp.eye(3)


# ----------------------------------------------------------------- Gaussian expectations

def test_gaussian_expectation_closed_forms():
    z1, z2 = latent_symbols(2)
    assert gaussian_expectation(z1**4 * z2**2, (z1, z2)) == 3
    assert gaussian_expectation((z1 + z2) ** 4, (z1, z2)) == 12  # N(0, 2): 3 * 2^2
    assert gaussian_expectation(sp.hermite_prob(3, z1) ** 2, (z1,)) == 6


def test_alignment_loss_of_a_normalised_degree_two_map():
    z1, z2 = latent_symbols(2)
    rho = pythagorean_rho(2)  # 3/5
    assert rho == R(3, 5)
    assert alignment_loss([z1 * z2], (z1, z2), rho) == 2 * (1 - rho**2)


# ----------------------------------------------------------------- steps 2 and 4

def test_hand_computed_example():
    z1, z2 = latent_symbols(2)
    h = [R(3, 5) * z1 + R(4, 5) * z1 * z2, z2]
    s = polynomial_map_summary(h, (z1, z2))
    assert s.cov == sp.eye(2) and s.M == sp.diag(R(3, 5), 1) and s.w_nl == R(16, 25)
    p = pythagorean_split(h, (z1, z2), sp.eye(2))
    assert p.direct == R(4, 5) and p.linear_part == R(4, 25) and p.holds
    assert not pythagorean_split(h, (z1, z2), sp.eye(2), include_nonlinear=False).holds
    b = approximate_bound(h, (z1, z2), R(3, 5), sp.eye(2))
    assert b.delta == R(192, 625) and b.D == R(16, 25) and b.error == R(4, 5)
    assert b.bound == R(16, 25) + R(16, 25) ** 2 and b.holds
    wrong = approximate_bound(h, (z1, z2), R(3, 5), sp.eye(2), d_scale=R(2, 5))
    assert not wrong.holds


def test_pythagoras_direct_side_against_monte_carlo():
    name, h, zs, Q = example_maps()[1]
    p = pythagorean_split(h, zs, Q)
    f = sp.lambdify(zs, sp.Matrix(h) - Q * sp.Matrix(zs), "numpy")
    z = np.random.default_rng(0).normal(size=(2, 400_000))
    vals = np.array(f(z[0], z[1]), dtype=float).reshape(2, -1)
    sq = np.sum(vals**2, axis=0)
    se = sq.std() / np.sqrt(sq.size)
    assert abs(sq.mean() - float(p.direct)) < 5 * se



def test_monotonicity_and_its_false_variant():
    assert monotonicity()[2]
    _, check, verdict = monotonicity(-2)
    assert not verdict and check.witness is not None
    e = float(check.witness)
    t = np.linspace(0, 0.5, 11)
    assert np.any(np.diff(t + (e + t) ** 2) < 0)


# ----------------------------------------------------------------- bad input

@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: gap_inequality(0), "d must be in"),
        (lambda: gap_inequality(2.0), "d must be an integer"),
        (lambda: gap_inequality(2, 500), "reference_degree must be in"),
        (lambda: nonlinear_energy_bound(1), "max_degree"),
        (lambda: sigma_inequality(-1), "scale must be > 0"),
        (lambda: latent_symbols(0), "n must be in"),
        (lambda: pythagorean_rho(1), "k must be in"),
        (lambda: alignment_loss([sp.Symbol("z1")], (sp.Symbol("z1"),), R(3, 2)), "rho must lie in"),
        (lambda: alignment_loss([sp.Symbol("z1")], (sp.Symbol("z1"),), R(1, 2)), "rational sqrt"),
        (lambda: cayley_orthogonal(sp.Matrix([[1, 0], [0, 0]])), "skew-symmetric"),
        (lambda: polar_bound(sp.Matrix([[2, 0], [0, 1]]), [1, 1], sp.eye(2)), "U must be an orthogonal"),
        (lambda: polar_bound(sp.eye(2), [1, -1], sp.eye(2)), "sigma must hold"),
        (lambda: frobenius_le_trace(sp.Matrix([[1, 2], [0, 1]])), "symmetric"),
        (lambda: check_nonnegative(sp.Symbol("x"), sp.Symbol("x"), 1, 0), "hi must exceed lo"),
    ],
)
def test_bad_input_names_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()
