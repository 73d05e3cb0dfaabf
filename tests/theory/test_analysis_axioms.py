"""AM–GM, Jensen for exp and Euclidean Mazur–Ulam, against floating-point references."""

import math
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from lejepa_verify import strategies as lst
from lejepa_verify.theory.analysis_axioms import (
    amgm_instances,
    amgm_proof_steps,
    jensen,
    linearity_from_inner_products,
    mazur_ulam,
    norm_preserving_map,
    polarisation_identity,
)


@given(w=lst.simplex_weights(1, 5, exact=False), x=st.lists(st.floats(1e-3, 1e3), min_size=5, max_size=5))
def test_amgm_numerically(w, x):
    w = np.array(w)
    x = np.array(x[: len(w)])
    assert np.dot(w, x) >= np.prod(x**w) * (1 - 1e-12)


def test_amgm_proof_steps_and_instances_on_the_simplex():
    for w in [(1,), (Fraction(1, 2), Fraction(1, 2)), (Fraction(1, 5), Fraction(3, 10), Fraction(1, 2))]:
        assert amgm_proof_steps(w).holds
        assert amgm_instances(w, count=50).holds


def test_amgm_off_simplex_counterexample_is_real():
    r = amgm_instances((1, 1), count=50)
    assert not r.holds and r.counterexample is not None
    x, y = (float(v) for v in r.counterexample)
    assert x + y < x * y  # re-evaluated in floats
    steps = amgm_proof_steps((1, 1))
    assert steps.weights_sum == "2" and steps.weighted_sum_residual != "0" and not steps.holds


def test_jensen_exp_and_log_control():
    assert jensen("exp").holds
    r = jensen("log")
    assert not r.holds and not r.second_derivative_positive and r.counterexample is not None
    v = np.array([float(t) for t in r.counterexample[:3]])
    p = np.array([float(t) for t in r.counterexample[3:]])
    assert p.sum() == pytest.approx(1)
    assert np.dot(p, np.log(v)) < math.log(np.dot(p, v))


@given(v=st.lists(st.floats(-5, 5), min_size=3, max_size=3), p=lst.simplex_weights(3, 3, exact=False))
def test_jensen_exp_numerically(v, p):
    p = np.array(p)
    v = np.array(v)
    assert np.dot(p, np.exp(v)) >= math.exp(np.dot(p, v)) * (1 - 1e-12)


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_polarisation_identity(n):
    assert polarisation_identity(n)


def test_linearity_from_inner_products():
    assert linearity_from_inner_products()


@settings(max_examples=20)
@given(st.lists(st.fractions(-3, 3, max_denominator=16), min_size=2, max_size=2))
def test_counterexample_maps_preserve_norms_but_not_distances(xs):
    x = sp.Matrix([sp.Rational(v.numerator, v.denominator) for v in xs])
    for name in ("norm_times_e1", "radial_rotation", "orthogonal"):
        T = norm_preserving_map(name)
        assert float(sp.sqrt((T(x).T * T(x))[0])) == pytest.approx(float(sp.sqrt((x.T * x)[0])), abs=1e-12)
    T = norm_preserving_map("norm_times_e1")
    e1, e2 = sp.Matrix([1, 0]), sp.Matrix([0, 1])
    assert T(e1) == T(e2)  # distance 0 after, sqrt(2) before


def test_mazur_ulam_and_its_false_variant():
    r = mazur_ulam("distances")
    assert r.holds and r.satisfying == ("orthogonal",)
    r = mazur_ulam("norms")
    assert not r.holds and set(r.nonlinear_satisfying) == {"norm_times_e1", "radial_rotation", "fold"}
    # without T(0) = 0 an isometry can be affine; a 1-Lipschitz map can fold
    assert mazur_ulam("distances_without_zero").nonlinear_satisfying == ("translated_rotation",)
    assert mazur_ulam("lipschitz").nonlinear_satisfying == ("norm_times_e1", "fold")  # ||z|| e_1 is 1-Lipschitz too


def test_radial_rotation_is_nonlinear_numerically():
    T = norm_preserving_map("radial_rotation")
    x = sp.Matrix([1, 0])
    assert T(2 * x) != 2 * T(x)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: amgm_proof_steps(()), "weights must be"),
        (lambda: amgm_proof_steps((1, -1)), "weights must be"),
        (lambda: amgm_instances((Fraction(1, 2), Fraction(1, 2)), count=0), "count must be in"),
        (lambda: jensen("sqrt"), "unknown function"),
        (lambda: polarisation_identity(0), "n must be in"),
        (lambda: mazur_ulam("angles"), "unknown hypothesis"),
        (lambda: mazur_ulam(n=3), "n must be in"),
        (lambda: norm_preserving_map("radial_rotation", n=3), "n must be in"),
        (lambda: amgm_proof_steps((0.5, 0.5)), "must be an exact rational"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
