"""Normalised Hermite functions against mpmath at high precision, numpy's hermite_e, and exact counts."""

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.polynomial.hermite_e import hermeval

from lejepa_verify.numerics.hermite import (
    max_abs_z,
    MAX_DEGREE,
    basis_matrix,
    basis_size,
    degree_of_indices,
    hermite_functions,
    total_degree_indices,
)


def _exact(k: int, z: float) -> mpmath.mpf:
    # physicists' H_k at 60 digits: He_k(z) = 2^{-k/2} H_k(z/√2)
    with mpmath.workdps(60):
        x = mpmath.mpf(z)
        return mpmath.hermite(k, x / mpmath.sqrt(2)) * mpmath.power(2, -mpmath.mpf(k) / 2) / mpmath.sqrt(mpmath.factorial(k))


@pytest.mark.parametrize("z", [-40.0, -27.3, -5.5, -0.7, 0.0, 1e-3, 3.14159, 12.5, 39.9, 40.0])
def test_matches_mpmath_up_to_degree_200_relative_to_the_envelope(z):
    ks = [0, 1, 2, 5, 17, 50, 99, 150, 199, 200]
    got = hermite_functions(np.array([z]), MAX_DEGREE)[0]
    assert np.all(np.isfinite(got))
    exact = [_exact(k, z) for k in range(MAX_DEGREE + 1)]
    for k in ks:
        # relative to the envelope sqrt(Σ_{j<=k} h_j²): near a zero of h_k a pure relative error is meaningless
        env = float(mpmath.sqrt(mpmath.fsum(e * e for e in exact[: k + 1])))
        assert abs(got[k] - float(exact[k])) <= 1e-12 * env, (k, z)


def test_huge_values_are_accurate_in_relative_terms():
    # at |z| = 40 the values grow monotonically (no zeros beyond the largest root ≈ 2√k): pure relative error
    got = hermite_functions(np.array([40.0, -40.0]), 200)
    for k in (100, 150, 200):
        ex = float(_exact(k, 40.0))
        assert got[0, k] == pytest.approx(ex, rel=1e-13)
        assert got[1, k] == pytest.approx((-1) ** k * ex, rel=1e-13)
    assert got[0, 200] > 1e120


def test_matches_numpy_hermite_e():
    z = np.linspace(-6, 6, 41)
    got = hermite_functions(z, 25)
    for k in range(26):
        c = np.zeros(k + 1)
        c[k] = 1.0
        np.testing.assert_allclose(got[:, k], hermeval(z, c) / math.sqrt(math.factorial(k)), rtol=1e-11, atol=1e-11)


@settings(max_examples=40)
@given(z=st.floats(-40, 40, allow_nan=False), k=st.integers(0, 200))
def test_parity(z, k):
    a = hermite_functions(np.array([z, -z]), k)
    assert a[1, k] == (-1) ** k * a[0, k]


@settings(max_examples=30)
@given(dim=st.integers(1, 6), degree=st.integers(0, 6))
def test_total_degree_indices_are_the_graded_set(dim, degree):
    idx = total_degree_indices(dim, degree)
    assert idx.shape == (math.comb(dim + degree, degree), dim) == (basis_size(dim, degree), dim)
    assert len({tuple(r) for r in idx}) == len(idx)
    deg = degree_of_indices(idx)
    assert np.all(np.diff(deg) >= 0) and deg.max() == degree and idx.min() >= 0


def test_basis_matrix_is_the_product_of_univariate_functions():
    rng = np.random.default_rng(0)
    z = rng.standard_normal((7, 3))
    idx = total_degree_indices(3, 4)
    b = basis_matrix(z, idx)
    for a_row, a in enumerate(idx):
        want = np.ones(7)
        for j, k in enumerate(a):
            c = np.zeros(k + 1)
            c[k] = 1.0
            want *= hermeval(z[:, j], c) / math.sqrt(math.factorial(int(k)))
        np.testing.assert_allclose(b[:, a_row], want, rtol=1e-12, atol=1e-12)


def test_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match="max_degree must be in"):
        hermite_functions([0.0], 201)
    with pytest.raises(ValueError, match="z must be finite"):
        hermite_functions([0.0, np.nan], 3)
    with pytest.raises(ValueError, match="dim must be"):
        total_degree_indices(0, 3)
    with pytest.raises(ValueError, match="same n"):
        basis_matrix(np.zeros((2, 3)), total_degree_indices(2, 2))


def test_overflow_is_refused_not_returned_as_nan():
    # h_200(1e3) ≈ 1e3^200 / sqrt(200!) is far beyond double range; the recurrence would give nan
    with pytest.raises(ValueError, match=r"z is too large for max_degree 200.*got z = 1000.0"):
        hermite_functions([0.5, 1e3], 200)
    # the leading-order limit brackets where the recurrence really overflows at degree 200
    assert np.all(np.isfinite(hermite_functions([0.97 * max_abs_z(200)], 200)))
    with pytest.raises(ValueError, match="too large"):
        hermite_functions([1.03 * max_abs_z(200)], 200)
    # the same |z| is fine at a low degree, where nothing overflows
    assert hermite_functions([1e3], 3)[0, 3] == pytest.approx((1e9 - 3e3) / math.sqrt(6), rel=1e-14)
