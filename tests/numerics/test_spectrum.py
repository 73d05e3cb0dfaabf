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


# ---------------------------------------------------------------------------------------------
# non-smooth maps: closed-form energies, identities, and the sparse rule's negative weights
#
# Closed forms: for a unit vector q, f(q·z) has the 1D Hermite coefficients c_k of f in the
# direction q, so h_i(z) = f(q_i·z) has E_{i,d} = c_d². Since ∫_t^∞ He_k φ = He_{k−1}(t) φ(t),
# the ramp relu has c_0 = φ(0), c_1 = 1/2, c_k = φ(0) He_{k−2}(0) / sqrt(k!) for k >= 2;
# |z| = 2 relu(z) − z and leaky_a(z) = a z + (1 − a) relu(z) follow by linearity.

_T9 = stats.t.ppf(0.975, df=9)  # the Monte Carlo spectrum's 10 groups


def _ramp_c(k):
    if k == 0:
        return 1 / math.sqrt(2 * math.pi)
    if k == 1:
        return 0.5
    if k % 2:
        return 0.0
    # He_{2j}(0) = (−1)^j (2j − 1)!! with 2j = k − 2, in logarithms: k! overflows a float at k = 171
    j = (k - 2) // 2
    log = math.lgamma(2 * j + 1) - j * math.log(2) - math.lgamma(j + 1) - 0.5 * math.lgamma(k + 1)
    return (-1) ** j * math.exp(log) / math.sqrt(2 * math.pi)


_PROFILES = {
    # name: (f, c_k, E f²)
    "leaky relu 0.2": (lambda x: np.where(x > 0, x, 0.2 * x), lambda k: 0.2 * (k == 1) + 0.8 * _ramp_c(k),
                       0.2**2 + 0.2 * 0.8 + 0.8**2 / 2),
    "abs": (np.abs, lambda k: 2 * _ramp_c(k) - (k == 1), 1.0),
}


def test_the_closed_form_coefficients_are_right():
    # against scipy's adaptive quadrature (split at the kink) and Parseval
    from scipy.integrate import quad
    for f, c, second in _PROFILES.values():
        for k in range(9):
            ref = sum(quad(lambda x: f(x) * _he(k, x) * stats.norm.pdf(x), a, b, epsabs=1e-13)[0]
                      for a, b in ((-np.inf, 0), (0, np.inf)))
            assert c(k) == pytest.approx(ref, abs=1e-11), k
        assert sum(c(k) ** 2 for k in range(4000)) == pytest.approx(second, abs=1e-5)


def _rotated(f, n, m, seed):
    q = random_orthogonal(n, seed)[:m]
    return lambda z: f(z @ q.T)


def _summed_bars(s):
    """95 % bars of Σ_i E_{i,d} (d = 0..D) and of Σ_i residual_i from the group estimates."""
    g = len(s.group_energy)
    e = _T9 * s.group_energy.sum(axis=1).std(axis=0, ddof=1) / math.sqrt(g)
    r = _T9 * s.group_residual.sum(axis=1).std(ddof=1) / math.sqrt(g)
    return e, r


@pytest.mark.parametrize("dim,m,degree", [(2, 2, 3), (8, 4, 2)])
@pytest.mark.parametrize("name", sorted(_PROFILES))
def test_kinked_maps_match_their_closed_form_energies(dim, m, degree, name):
    f, c, second = _PROFILES[name]
    h = _rotated(f, dim, m, seed=dim)
    s = hermite_spectrum(h, dim, degree, seed=11)
    # auto may keep no rule it cannot vouch for on a kink: the tensor rule's check sees the slow
    # convergence at n = 2, the sparse rule's negative weights break Bessel's inequality at n = 8
    assert s.method == "montecarlo", s.method_reason
    truth = np.array([m * c(d) ** 2 for d in range(degree + 1)])
    truth_residual = m * second - truth.sum()
    bar_e, bar_r = _summed_bars(s)
    got = s.energy.sum(axis=0)
    # 5 intervals at 95 % each over 8 cases: about 2 misses expected, so the nominal bar is
    # checked as a rate and every estimate within 1.6 bars (|t_9| > 3.6 has probability 0.006)
    assert np.all(np.abs(got - truth) <= 1.6 * bar_e), (got, truth, bar_e)
    assert abs(s.residual.sum() - truth_residual) <= 1.6 * bar_r
    # per output: the reported uncertainty covers most entries
    inside = np.abs(s.energy - np.array([c(d) ** 2 for d in range(degree + 1)])) <= s.energy_uncertainty
    assert inside.mean() >= 0.75, inside
    assert np.all(s.residual >= -s.residual_uncertainty)


@pytest.mark.parametrize("seed,degree", [(2, 3), (3, 10), (9, 6)])
def test_tensor_rule_bars_cover_the_closed_form_on_a_kink(seed, degree):
    # n = 2, explicit tensor rule on leaky ReLU of a rotation. At seed 3, D = 10 the three rules
    # alone looked fast-converging (degree-10 errors -3.2e-5, +2.2e-6, +3.1e-6 at q = 16, 32, 64;
    # bar 1e-6 against an error of 3.1e-6); the cross-check rule catches it
    f, c, second = _PROFILES["leaky relu 0.2"]
    s = hermite_spectrum(_rotated(f, 2, 2, seed=seed), 2, degree, method="quadrature")
    assert s.error_resolved is False
    truth = np.array([c(d) ** 2 for d in range(degree + 1)])
    assert np.isfinite(s.energy_error).all() and np.isfinite(s.residual_error).all()
    assert np.all(np.abs(s.energy - truth) <= s.energy_error)
    assert np.all(np.abs(s.residual - (second - truth.sum())) <= s.residual_error)
    assert np.all(s.residual >= 0)  # positive weights: Bessel's inequality holds on every map


def test_sparse_rule_flags_a_kink_instead_of_breaking_bessel():
    f, c, second = _PROFILES["abs"]
    h = _rotated(f, 8, 8, seed=4)
    s = hermite_spectrum(h, 8, 2, method="sparse")
    # the grid's raw numbers are far off (its negative weights amplify the kink) ...
    assert abs(s.energy[:, 0].sum() - 8 * c(0) ** 2) > 10
    # ... and the result says so: no finite error bar, not resolved, the identity it broke named
    assert s.error_resolved is False and "violates an identity" in s.method_reason
    assert np.isinf(s.energy_uncertainty).all() and math.isinf(s.alignment_loss(0.9).error)


def test_sparse_rule_kept_where_its_three_levels_converge():
    # exp(b q·z): c_k = e^{b²/2} b^k / sqrt(k!); entire, so the Smolyak levels converge fast
    b, n = 0.5, 8
    h = _rotated(lambda x: np.exp(b * x), n, n, seed=8)
    s = hermite_spectrum(h, n, 2)
    assert s.method == "sparse" and s.error_resolved is True, s.method_reason
    truth = np.array([n * math.exp(b * b) * b ** (2 * d) / math.factorial(d) for d in range(3)])
    assert np.all(np.abs(s.energy.sum(axis=0) - truth) <= s.energy_error.sum(axis=0))
    assert s.residual.sum() == pytest.approx(n * math.exp(2 * b * b) - truth.sum(), abs=s.residual_error.sum())


def _leaky_net(n, m, seed, width=32, slope=0.2):
    """A random two-layer leaky-ReLU network R^n -> R^m, like the maps the trainer learns."""
    rng = np.random.default_rng(seed)
    w1 = rng.standard_normal((width, n)) / math.sqrt(n)
    b1 = 0.3 * rng.standard_normal(width)
    w2 = rng.standard_normal((m, width)) / math.sqrt(width)

    def h(z):
        a = z @ w1.T + b1
        return np.where(a > 0, a, slope * a) @ w2.T
    return h


@pytest.mark.parametrize("dim", [2, 8])
def test_a_leaky_relu_network_keeps_the_identities(dim):
    # regression: at n = 8 the default sparse grid gave Σ_d E_d = 1197 against E||h||² = 55
    h = _leaky_net(dim, 4, seed=dim)
    s = hermite_spectrum(h, dim, 2, seed=0)
    assert s.method == "montecarlo", s.method_reason
    assert np.all(s.residual >= -s.residual_uncertainty)
    # E||h||² from an independent sample: the energies and the residual add up to it
    z = np.random.default_rng(10_000 + dim).standard_normal((200_000, dim))
    sq = (h(z) ** 2).sum(axis=1)
    ref, ref_se = sq.mean(), sq.std() / math.sqrt(len(sq))
    total = s.energy.sum() + s.residual.sum()
    g = len(s.group_energy)
    total_bar = _T9 * (s.group_energy.sum(axis=(1, 2)) + s.group_residual.sum(axis=1)).std(ddof=1) / math.sqrt(g)
    assert abs(total - ref) <= total_bar + 4 * ref_se
    # and the degree-1 energy is ||M||_F² with M = E[h zᵀ] (Stein), from the same independent sample
    m_ref = h(z).T @ z / len(z)
    bar_e, _ = _summed_bars(s)
    assert abs(s.energy[:, 1].sum() - (m_ref**2).sum()) <= 1.6 * bar_e[1] + 0.02 * (m_ref**2).sum()
    # the predicted alignment is a loss: within its error of a non-negative number
    a = s.alignment_loss(0.9)
    assert a.value >= -a.error


def test_the_sparse_rule_breaks_bessel_on_the_network():
    # negative control: without the check, the sparse grid's own numbers on this network put more
    # energy below degree 3 than the map has (what the trainer reported)
    h = _leaky_net(8, 4, seed=8)
    s = hermite_spectrum(h, 8, 2, method="sparse")
    z = np.random.default_rng(5).standard_normal((100_000, 8))
    assert s.energy.sum() > 2 * (h(z) ** 2).sum(axis=1).mean()
    assert s.error_resolved is False and math.isinf(s.alignment_loss(0.9).error)


def test_auto_with_a_budget_falls_back_to_montecarlo_with_that_budget():
    from lejepa_verify.numerics.quadrature import smolyak_size

    budget = smolyak_size(8, 5)
    s = hermite_spectrum(_leaky_net(8, 4, seed=8), 8, 2, seed=1, n_samples=budget)
    assert s.method == "montecarlo" and s.n_points <= budget and "not trusted" in s.method_reason
