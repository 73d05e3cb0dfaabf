"""Hermite spectra against closed forms, exact polynomial expansions and honest Monte Carlo errors."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.polynomial.hermite_e import hermeval
from scipy import stats

from lejepa_verify.numerics.hermite import total_degree_indices
from lejepa_verify.numerics.maps import random_orthogonal
from lejepa_verify.numerics.spectrum import hermite_spectrum


def _he(k, x):
    c = np.zeros(k + 1)
    c[k] = 1.0
    return hermeval(x, c) / math.sqrt(math.factorial(k))


def test_cubic_closed_form():
    s = hermite_spectrum(lambda z: z**3 / math.sqrt(15), 1, 6)
    np.testing.assert_allclose(s.energy[0], [0, 0.6, 0, 0.4, 0, 0, 0], atol=1e-13)
    assert s.method == "quadrature" and "tensor" in s.method_reason
    # coefficients: z³ = He_3 + 3 He_1 = √6 h_3 + 3 h_1
    assert s.coefficient(0, [1]) == pytest.approx(3 / math.sqrt(15), abs=1e-13)
    assert s.coefficient(0, [3]) == pytest.approx(math.sqrt(6 / 15), abs=1e-13)


@pytest.mark.parametrize("dim", [1, 2, 3])
def test_orthogonal_map_is_pure_degree_one(dim):
    q = random_orthogonal(dim, 4)
    s = hermite_spectrum(lambda z: z @ q.T, dim, 5)
    np.testing.assert_allclose(s.linear_block, q, atol=1e-13)
    assert s.nonlinear_energy() == pytest.approx(0, abs=1e-12)
    assert s.alignment_loss(0.7).value == pytest.approx(2 * dim * 0.3, abs=1e-12)
    assert s.alignment_loss(0.7).half_width < 1e-12


def test_sparse_grid_on_a_polynomial_in_five_dimensions():
    # h = z0 + 0.5 z1 z2 + 0.3 He_2(z4)/√2 : energies (0, 1, 0.34) and nothing else
    h = lambda z: z[:, 0] + 0.5 * z[:, 1] * z[:, 2] + 0.3 * _he(2, z[:, 4])  # noqa: E731
    s = hermite_spectrum(h, 5, 3)
    assert s.method == "sparse"
    np.testing.assert_allclose(s.energy[0], [0, 1, 0.34, 0], atol=1e-12)
    assert s.residual[0] == pytest.approx(0, abs=1e-12)
    assert s.coefficient(0, [0, 1, 1, 0, 0]) == pytest.approx(0.5, abs=1e-12)


def test_parseval_and_convergence_for_tanh():
    s = hermite_spectrum(np.tanh, 1, 60)
    # E tanh(z)² by scipy's adaptive quadrature: an independent reference
    from scipy.integrate import quad
    ref = quad(lambda x: np.tanh(x) ** 2 * stats.norm.pdf(x), -np.inf, np.inf, epsabs=1e-13)[0]
    assert s.second_moment[0] == pytest.approx(ref, abs=1e-11)
    # tanh has poles at ±iπ/2, so its energies decay like exp(−c √d), not geometrically:
    # the residual shrinks steadily with D but is still ~1e-10 at D = 60
    r30 = hermite_spectrum(np.tanh, 1, 30).residual[0]
    assert 0 < s.residual[0] < 1e-9 and s.residual[0] < r30 / 100
    assert np.all(s.energy[0, 0::2] < 1e-25)   # odd function: odd degrees only


@settings(max_examples=15)
@given(seed=st.integers(0, 10_000), dim=st.integers(1, 3))
def test_random_polynomial_coefficients_are_recovered(seed, dim):
    rng = np.random.default_rng(seed)
    idx = total_degree_indices(dim, 4)
    coef = rng.standard_normal(len(idx))

    def h(z):
        out = np.zeros(len(z))
        for c, a in zip(coef, idx):
            out += c * np.prod([_he(int(k), z[:, j]) for j, k in enumerate(a)], axis=0)
        return out

    s = hermite_spectrum(h, dim, 4)
    np.testing.assert_allclose(s.coefficients[0], coef, atol=1e-10)
    assert s.second_moment[0] == pytest.approx((coef**2).sum(), abs=1e-10)


def _mc_test_map(z):
    return np.stack([z[:, 0] + 0.5 * z[:, 1] * z[:, 2] + 0.3 * _he(2, z[:, 3]),
                     z[:, 0] * z[:, 1] * z[:, 2]], axis=1)


def test_montecarlo_intervals_cover_the_truth():
    # truth: row 0 energies (0, 1, 0.34), residual 0; row 1 energies 0, residual 1
    truth_energy = np.array([[0, 1, 0.34], [0, 0, 0]])
    truth_resid = np.array([0.0, 1.0])
    t = stats.t.ppf(0.975, df=9)  # 10 groups
    hits, total = 0, 0
    for seed in range(40):
        s = hermite_spectrum(_mc_test_map, 4, 2, method="montecarlo", seed=seed, n_samples=2000)
        inside = np.abs(s.energy - truth_energy) <= t * s.energy_se
        inside_r = np.abs(s.residual - truth_resid) <= t * s.residual_se
        hits += inside[:, 1:].sum() + inside_r.sum()
        total += inside[:, 1:].size + inside_r.size
    # nominal 95%; with 240 intervals (correlated within a seed) accept 88% or more
    assert hits / total >= 0.88, hits / total


def test_montecarlo_is_unbiased_in_many_dimensions():
    # n = 64 at degree 3 (47 905 basis functions): the split-half estimator has no Σ Var/N bias
    q = random_orthogonal(64, 2)[:2]
    h = lambda z: np.stack([z @ q[0], z[:, 0] * z[:, 1] + z @ q[1]], axis=1)  # noqa: E731
    s = hermite_spectrum(h, 64, 3, seed=5, n_samples=2000)
    assert s.method == "montecarlo" and "n = 64" in s.method_reason
    truth = np.array([[0, 1, 0, 0], [0, 1, 1, 0]])
    z = np.abs(s.energy - truth) / s.energy_se
    assert np.all(z < 5), z
    np.testing.assert_allclose(s.linear_block[0], q[0], atol=6 * s.linear_block_se[0].max())


def test_bad_input_names_the_parameter():
    with pytest.raises(ValueError, match="h must be a callable"):
        hermite_spectrum(3.0, 1, 3)
    with pytest.raises(ValueError, match=r"returned shape \(5, 2, 1\)"):
        hermite_spectrum(lambda z: np.zeros((len(z), 2, 1)), 1, 3, n_samples=5)
    with pytest.raises(ValueError, match=r"non-finite values \(NaN or inf\) at 1 of"):
        hermite_spectrum(lambda z: np.where(np.abs(z) < 1e-9, np.nan, z), 1, 3, n_samples=5)
    with pytest.raises(ValueError, match="dim must be"):
        hermite_spectrum(np.tanh, 0, 3)
    with pytest.raises(ValueError, match="max_degree must be in"):
        hermite_spectrum(np.tanh, 1, 201)
    with pytest.raises(ValueError, match="beyond the exactness"):
        hermite_spectrum(np.tanh, 2, 10, n_samples=25)
    with pytest.raises(ValueError, match="needs dim <= 3"):
        hermite_spectrum(np.tanh, 4, 2, method="quadrature")
    with pytest.raises(ValueError, match="unknown method"):
        hermite_spectrum(np.tanh, 1, 2, method="magic")
    with pytest.raises(ValueError, match="rho must lie in"):
        hermite_spectrum(np.tanh, 1, 2).alignment_loss(1.2)
    with pytest.raises(ValueError, match="total degree"):
        hermite_spectrum(np.tanh, 1, 2).coefficient(0, [3])
