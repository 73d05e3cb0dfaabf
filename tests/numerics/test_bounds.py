"""ε, δ, D, the bound and the Procrustes error against closed forms (docs/theory.md §4).

For ``h(z) = Qz + a·(z₁² − 1)/√2 e₁`` (Q orthogonal, the added term the normalised He₂ of
z₁) everything is known exactly: ``Cov h = I + a² e₁e₁ᵀ`` so ``ε = a²``; the degree-2 energy
``a²`` costs ``2(1 − ρ²)`` so ``δ = 2a²ρ(1 − ρ)`` and ``D = a²``; ``M = Q``; the error is
``a²`` and the bound ``a² + 4a⁴``.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lejepa_verify import strategies as lst
from lejepa_verify.numerics.bounds import (approximate_identifiability, bound_value, epsilon_sq_unbiased, polar_factor,
                             spectral_gap)


def rotation(theta):
    return np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])


def ou_pairs(N, rho, seed, n=2):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((N, n))
    return z, rho * z + math.sqrt(1 - rho ** 2) * rng.standard_normal((N, n))


def he2_map(Q, a):
    def h(z):
        out = z @ Q.T
        out[:, 0] += a * (z[:, 0] ** 2 - 1) / math.sqrt(2)
        return out
    return h


def test_exact_rotation_has_zero_error_and_recovers_q():
    rho, Q = 0.9, rotation(0.8)
    z, zn = ou_pairs(5000, rho, 1)
    est = approximate_identifiability(z, z @ Q.T, zn @ Q.T, rho, n_bootstrap=0)
    # the centred cross-moment is Q times an SPD matrix, whose polar factor is exactly Q
    np.testing.assert_allclose(np.array(est.Q), Q, atol=1e-12)
    assert abs(est.error) < 1e-10
    assert est.holds


@pytest.mark.parametrize("a", [0.3, 0.5])
def test_he2_perturbation_matches_closed_forms(a):
    rho, Q = 0.9, rotation(-0.4)
    z, zn = ou_pairs(200_000, rho, 2)
    h = he2_map(Q, a)
    est = approximate_identifiability(z, h(z), h(zn), rho, n_bootstrap=40, seed=3)
    exact = {"epsilon": a ** 2, "delta": 2 * a ** 2 * rho * (1 - rho), "D": a ** 2, "error": a ** 2,
             "bound": a ** 2 + 4 * a ** 4}
    for key, value in exact.items():
        # six bootstrap standard errors: the estimators' own stated uncertainty
        assert abs(getattr(est, key) - value) <= 6 * est.stderr[key], (key, getattr(est, key), value, est.stderr[key])
    np.testing.assert_allclose(np.array(est.Q), Q, atol=0.02)
    assert est.holds and est.error <= est.bound


def test_mean_offset_is_added_to_error_and_bound():
    rho, Q, b = 0.8, rotation(1.1), np.array([0.3, -0.4])
    z, zn = ou_pairs(4000, rho, 4)
    est = approximate_identifiability(z, z @ Q.T + b, zn @ Q.T + b, rho, n_bootstrap=0)
    # the sample mean of h is Q z̄ + b (z̄ is only approximately 0)
    assert est.mean_sq_norm == pytest.approx(float(np.sum((Q @ z.mean(0) + b) ** 2)), rel=1e-9)
    # with h − E h = Qz exactly, the error is the offset alone
    assert est.error == pytest.approx(0.25, abs=1e-9)
    assert est.bound >= 0.25


def test_bootstrap_standard_error_matches_replicate_spread():
    rho, Q, a = 0.9, rotation(0.3), 0.4
    h = he2_map(Q, a)
    eps, ses = [], []
    for seed in range(24):
        z, zn = ou_pairs(3000, rho, 100 + seed)
        est = approximate_identifiability(z, h(z), h(zn), rho, n_bootstrap=60, seed=seed)
        eps.append(est.epsilon)
        ses.append(est.stderr["epsilon"])
    ratio = np.std(eps, ddof=1) / np.mean(ses)
    # 24 replicates: the sample SD itself is uncertain by about 15 %
    assert 0.6 < ratio < 1.6, ratio


def test_overcomplete_embedding():
    rho = 0.9
    z, zn = ou_pairs(3000, rho, 5)
    E = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    est = approximate_identifiability(z, z @ E.T, zn @ E.T, rho, n_bootstrap=0)
    assert np.array(est.Q).shape == (3, 2)
    assert abs(est.error) < 1e-10
    # the missing third unit-variance direction: Cov − I has a −1 on the diagonal
    assert est.epsilon == pytest.approx(1.0, abs=0.1)


def test_bound_value_and_gap_closed_forms():
    assert spectral_gap(0.95) == pytest.approx(2 * 0.95 * 0.05)
    D, b = bound_value(0.1, 0.019, 0.95)
    assert D == pytest.approx(0.2)
    assert b == pytest.approx(0.2 + 0.3 ** 2)


def test_bound_value_against_the_exact_bound_of_the_theory_layer():
    # theory.approx_bound assembles Prop 4.3 in exact arithmetic on polynomial maps (ε², δ, D and
    # ||E h||² + D + (ε + D)² as sympy rationals and surds): an independent statement of the formula
    from lejepa_verify.theory.approx_bound import approximate_bound, example_maps, pythagorean_rho

    rho = pythagorean_rho(3)
    for name, h, variables, Q in example_maps():
        exact = approximate_bound(h, variables, rho, Q)
        D, b = bound_value(math.sqrt(float(exact.epsilon_sq)), float(exact.delta), float(rho))
        assert D == pytest.approx(float(exact.D), rel=1e-14, abs=1e-15), name
        assert b + float(exact.mean_sq) == pytest.approx(float(exact.bound), rel=1e-14, abs=1e-15), name


@pytest.mark.parametrize("definitions", ["ours", "authors"])
def test_the_estimate_and_its_upper_limit_evaluate_bound_value(definitions):
    # one formula: the plug-in bound and bound_upper are bound_value of their own ε and δ
    rho, Q = 0.8, rotation(0.6)
    z, zn = ou_pairs(2000, rho, 9)
    h = he2_map(Q, 0.4)
    est = approximate_identifiability(z, h(z) + 0.05, h(zn) + 0.05, rho, n_bootstrap=0, definitions=definitions)
    D, b = bound_value(est.epsilon, max(est.delta, 0.0), rho)
    assert est.D == D
    assert est.bound == b + (est.mean_sq_norm if definitions == "ours" else 0.0)
    assert est.bound_upper == bound_value(est.epsilon_upper, max(est.delta_upper, 0.0), rho)[1] + est.mean_sq_upper


@settings(max_examples=40)
@given(st.integers(2, 5), st.integers(0, 10_000))
def test_polar_factor_is_orthogonal_and_closest(n, seed):
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((n, n))
    Q = polar_factor(M)
    np.testing.assert_allclose(Q.T @ Q, np.eye(n), atol=1e-10)
    # step 3 of the chain: ||M − Q||_F ≤ ||M Mᵀ − I||_F
    assert np.linalg.norm(M - Q) <= np.linalg.norm(M @ M.T - np.eye(n)) + 1e-12
    # and no other orthogonal matrix is closer (polar factor = Procrustes solution)
    for _ in range(5):
        R, _ = np.linalg.qr(rng.standard_normal((n, n)))
        assert np.linalg.norm(M - Q) <= np.linalg.norm(M - R) + 1e-12


@settings(max_examples=40)
@given(st.floats(0, 2), st.floats(0, 2), lst.rho(0.05, 0.95))
def test_bound_is_increasing_in_epsilon_and_delta(eps, delta, rho):
    D, b = bound_value(eps, delta, rho)
    assert b >= D >= 0
    assert bound_value(eps + 0.1, delta, rho)[1] >= b
    assert bound_value(eps, delta + 0.1, rho)[1] >= b


def test_bad_input_is_a_value_error():
    z, zn = ou_pairs(100, 0.9, 0)
    with pytest.raises(ValueError, match="rho"):
        approximate_identifiability(z, z, zn, 1.2)
    bad = z.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="hz"):
        approximate_identifiability(z, bad, zn, 0.9)
    with pytest.raises(ValueError, match="hz and hz_next"):
        approximate_identifiability(z, z, zn[:50], 0.9)
    with pytest.raises(ValueError, match="m >= n"):
        approximate_identifiability(z, z[:, :1], zn[:, :1], 0.9)
    with pytest.raises(ValueError, match="epsilon"):
        bound_value(-0.1, 0.0, 0.5)


def plug_in_eps_sq_mean(m, N):
    """``E||S_N − I||_F²`` for N i.i.d. N(0, I_m) rows, ``S_N = W/N`` with ``W ~ Wishart_m(N − 1, I)``:
    off-diagonal ``E S_ij² = (N − 1)/N²``, diagonal ``Var + bias² = 2(N − 1)/N² + 1/N²``."""
    return (m * (m + 1) * (N - 1) + m) / N ** 2


@pytest.mark.parametrize("scale", [1.0, 1.2])
def test_split_sample_eps_sq_is_unbiased_where_the_plug_in_is_not(scale):
    m, N, reps = 8, 200, 300
    rng = np.random.default_rng(11)
    Q = np.linalg.qr(rng.standard_normal((m, m)))[0]
    truth = m * (scale ** 2 - 1) ** 2                      # ||s²I − I||_F²
    plug, unb = [], []
    for r in range(reps):
        h = scale * rng.standard_normal((N, m)) @ Q.T
        c = h - h.mean(0)
        plug.append(np.sum((c.T @ c / N - np.eye(m)) ** 2))
        unb.append(epsilon_sq_unbiased(h, n_splits=4, seed=r))
    plug, unb = np.array(plug), np.array(unb)
    se = unb.std(ddof=1) / math.sqrt(reps)
    assert abs(unb.mean() - truth) < 4 * se
    if scale == 1.0:
        # the plug-in's mean is the Wishart closed form, far above the truth 0
        assert plug.mean() == pytest.approx(plug_in_eps_sq_mean(m, N), rel=4 * plug.std(ddof=1) / math.sqrt(reps) / plug.mean())
        assert plug.mean() - truth > 10 * se


def test_debiased_epsilon_of_a_64d_rotation_is_near_zero():
    rho, m, N = 0.95, 64, 4096
    z, zn = ou_pairs(N, rho, 3, n=m)
    Q = np.linalg.qr(np.random.default_rng(4).standard_normal((m, m)))[0]
    est = approximate_identifiability(z, z @ Q.T, zn @ Q.T, rho, n_bootstrap=0)
    # plug-in: sqrt(E ε̂²) = 1.008 by the Wishart closed form; truth ε = 0
    assert est.epsilon == pytest.approx(math.sqrt(plug_in_eps_sq_mean(m, N)), abs=0.05)
    assert est.epsilon_debiased < 0.3
    assert abs(est.epsilon_sq_unbiased) < 0.1
    assert est.to_dict()["epsilon_debiased"] == est.epsilon_debiased


def test_eps_sq_unbiased_bad_input():
    with pytest.raises(ValueError, match="at least 4 rows"):
        epsilon_sq_unbiased(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="n_splits"):
        epsilon_sq_unbiased(np.zeros((10, 2)), n_splits=0)


# --- confidence limits -------------------------------------------------------------------------
# For h = sqrt(1 − a²) Qz + a·He₂(z)/√2 coordinatewise (numerics.bound_families, 'degree2') the
# population error is n(1 − sqrt(1 − a²))² + n a² and the population bound n a² + n² a⁴.


def degree2_map(n, a, seed=0):
    from lejepa_verify.numerics.maps import random_orthogonal

    Q = random_orthogonal(n, seed)
    c = math.sqrt(1 - a * a)
    return (lambda z: c * z @ Q.T + a * (z ** 2 - 1) / math.sqrt(2)), n * (1 - c) ** 2 + n * a * a


def test_bound_upper_covers_the_true_error_where_the_plug_in_does_not():
    # the plug-in bound falls below the true error when δ̂'s noise exceeds δ; bound_upper must not
    rho, (h, truth) = 0.95, degree2_map(2, 0.1)
    reps, upper_hits, plug_hits, interval_hits, violations = 40, 0, 0, 0, 0
    for s in range(reps):
        z, zn = ou_pairs(4000, rho, 100 + s)
        est = approximate_identifiability(z, h(z), h(zn), rho, n_bootstrap=0, seed=s)
        upper_hits += truth <= est.bound_upper
        plug_hits += truth <= est.bound
        interval_hits += est.error_lower <= truth <= est.error_upper
        violations += est.violated
    assert upper_hits >= 37, upper_hits       # Binomial(40, 0.95) is below 37 with probability < 0.14
    assert interval_hits >= 35, interval_hits
    assert violations <= 3, violations       # each replicate is a violation with probability < 0.05
    # the control: the plug-in bound is no confidence bound (it misses here in about half the draws)
    assert plug_hits <= 34, plug_hits


def test_bound_upper_uses_the_debiased_epsilon_at_n_64():
    # exact rotation, n = 64, N = 4096: the plug-in ε is about 1.0 (bias m/√N), the truth 0
    rho, n = 0.9, 64
    Q = np.linalg.qr(np.random.default_rng(0).standard_normal((n, n)))[0]
    z, zn = ou_pairs(4096, rho, 3, n=n)
    est = approximate_identifiability(z, z @ Q.T, zn @ Q.T, rho, n_bootstrap=0)
    assert est.epsilon > 0.9
    assert est.epsilon_upper < 0.5
    assert abs(est.error) < 1e-10 and est.error_lower < 1e-20 and est.error_upper < 1e-10


def test_a_wrong_rho_is_detected_as_a_violation():
    # negative control of the violation test: pairs at ρ = 0.99 analysed as ρ = 0.5 make δ̂ negative,
    # so bound_upper comes out near ε_U² while the error is n·a²-sized
    h, truth = degree2_map(2, 0.6)
    z, zn = ou_pairs(4000, 0.99, 5)
    assert approximate_identifiability(z, h(z), h(zn), 0.99, n_bootstrap=0).violated is False
    assert approximate_identifiability(z, h(z), h(zn), 0.5, n_bootstrap=0).violated is True


def test_authors_definitions_match_their_formulas():
    # pairs at ρ = 0.99 analysed at ρ = 0.9 make δ̂ clearly negative
    rho, b = 0.9, np.array([0.3, -0.2])
    z, zn = ou_pairs(500, 0.99, 7)
    h = lambda x: 1.1 * x + b  # noqa: E731
    ours = approximate_identifiability(z, h(z), h(zn), rho, n_bootstrap=0)
    theirs = approximate_identifiability(z, h(z), h(zn), rho, n_bootstrap=0, definitions="authors")
    C = np.cov(h(z), rowvar=False, ddof=1)                     # their divisor N − 1
    assert theirs.epsilon == pytest.approx(np.linalg.norm(C - np.eye(2)), abs=1e-12)
    assert ours.epsilon == pytest.approx(np.linalg.norm(C * 499 / 500 - np.eye(2)), abs=1e-12)
    delta = np.mean(np.sum((h(z) - h(zn)) ** 2, axis=1)) - 2 * (1 - rho) * np.trace(C)
    assert delta < 0 and theirs.delta == 0.0 and ours.delta < 0        # stored clipped, ours raw
    assert theirs.bound == pytest.approx(theirs.epsilon ** 2, abs=1e-12)       # no ||E h||² term
    assert ours.bound == pytest.approx(ours.epsilon ** 2 + ours.mean_sq_norm, abs=1e-12)
    assert theirs.bound_upper == ours.bound_upper


@pytest.mark.parametrize("kwargs, match", [
    ({"level": 1.0}, "level"),
    ({"level": 0.0}, "level"),
    ({"level": "0.9"}, "level"),
    ({"rho": "0.5"}, "rho"),
    ({"definitions": "paper"}, "definitions"),
])
def test_bad_parameters_name_themselves(kwargs, match):
    z, zn = ou_pairs(100, 0.9, 0)
    args = {"rho": 0.9, **kwargs}
    with pytest.raises(ValueError, match=match):
        approximate_identifiability(z, z, zn, **args)


def test_bad_arrays_name_themselves():
    z, zn = ou_pairs(100, 0.9, 0)
    with pytest.raises(ValueError, match="at least 40 pairs"):
        approximate_identifiability(z[:30], z[:30], zn[:30], 0.9)
    with pytest.raises(ValueError, match="hz holds values up to"):
        approximate_identifiability(z, z * 1e200, zn * 1e200, 0.9)
    with pytest.raises(ValueError, match="z must have at least one column"):
        approximate_identifiability(z[:, :0], z, zn, 0.9)
    with pytest.raises(ValueError, match="hz must have at least one column"):
        approximate_identifiability(z[:, :0], z[:, :0], zn[:, :0], 0.9) if False else \
            approximate_identifiability(z, z[:, :0], zn[:, :0], 0.9)
    inf = zn.copy()
    inf[3, 1] = np.inf
    with pytest.raises(ValueError, match="hz_next"):
        approximate_identifiability(z, z, inf, 0.9)
