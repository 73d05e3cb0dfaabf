"""The world with actions: balanced noise keeps N(0, I) stationary; unbalanced noise does not (docs/theory.md §1)."""

import math

import numpy as np
import pytest

from lejepa_verify.numerics.transitions import (action_world, population_energy_defect, sample_action_triples,
                                                 sample_pairs, transition_member)


def series_covariance(rho, q, terms=4000):
    """``Σ_k ρ^{2k} q``: the stationary covariance of ``z' = ρz + w``, ``Cov w = q``, by its series."""
    return q * sum(rho ** (2 * k) for k in range(terms))


@pytest.mark.parametrize("dim,action_dim,rank,scale,gain,rho", [
    (2, 2, None, 1.0, 0.5, 0.9), (3, 2, 1, 1.3, 0.5, 0.8), (5, 3, 2, 0.7, 0.9, 0.5), (1, 4, None, 1.0, 0.3, 0.95),
])
def test_balanced_noise_keeps_the_standard_normal(dim, action_dim, rank, scale, gain, rho):
    w = action_world(dim, rho, action_dim=action_dim, action_rank=rank, action_scale=scale, action_gain=gain)
    pushed = w.B @ w.action_cov @ w.B.T
    # the one-step covariance map fixes I, and the series of the chain sums to I
    np.testing.assert_allclose(rho ** 2 * np.eye(dim) + pushed + w.noise_cov, np.eye(dim), atol=1e-14)
    np.testing.assert_allclose(series_covariance(rho, pushed + w.noise_cov), np.eye(dim), atol=1e-12)
    np.testing.assert_allclose(w.stationary_covariance(), np.eye(dim), atol=1e-12)
    assert np.linalg.eigvalsh(w.noise_cov).min() > 0
    assert np.linalg.matrix_rank(w.action_cov) == (action_dim if rank is None else rank)
    # λ_max(B Bᵀ) is the declared share of the innovation budget
    assert np.linalg.eigvalsh(w.B @ w.B.T).max() == pytest.approx(gain * (1 - rho ** 2), rel=1e-12)


def test_unbalanced_noise_has_the_covariance_of_its_formula():
    # with η ~ N(0, (1 − ρ²) I) the chain settles at I + B Σ_a Bᵀ / (1 − ρ²), not at I
    rho = 0.8
    w = action_world(3, rho, action_dim=2, action_gain=0.6)
    pushed = w.B @ w.action_cov @ w.B.T
    got = w.stationary_covariance((1 - rho ** 2) * np.eye(3))
    np.testing.assert_allclose(got, np.eye(3) + pushed / (1 - rho ** 2), atol=1e-12)
    assert np.abs(got - np.eye(3)).max() > 0.1


def test_samples_have_the_stationary_moments_and_the_ou_pair_law():
    rho, n, N = 0.85, 3, 200_000
    z, a, zn = sample_action_triples(rho, N, n, seed=5, action_dim=2, action_rank=1, action_scale=1.2)
    w = action_world(n, rho, action_dim=2, action_rank=1, action_scale=1.2)
    se = 5 / math.sqrt(N)
    np.testing.assert_allclose(np.cov(zn.T), np.eye(n), atol=10 * se)
    np.testing.assert_allclose(np.cov(a.T), w.action_cov, atol=10 * se * 1.44)
    # averaged over actions the pair is the OU channel: Cov(z, z') = ρ I, and z' − ρz ⟂ z
    np.testing.assert_allclose(z.T @ zn / N, rho * np.eye(n), atol=10 * se)
    # the actions enter through B: regressing z' − ρz on a recovers B
    B_hat = np.linalg.lstsq(a[:, :], zn - rho * z, rcond=None)[0].T
    V = w.action_basis
    np.testing.assert_allclose(B_hat @ V, w.B @ V, atol=0.02)
    assert population_energy_defect("gaussian", "ou_action", rho) < 1e-20


def test_pairs_and_triples_share_their_random_numbers():
    opts = {"action_dim": 3, "action_rank": 2, "action_seed": 4}
    z, a, zn = sample_action_triples(0.7, 500, 4, seed=9, **opts)
    z2, zn2 = sample_pairs("gaussian", "ou_action", 0.7, 500, 4, seed=9, **opts)
    np.testing.assert_array_equal(z, z2)
    np.testing.assert_array_equal(zn, zn2)
    assert a.shape == (500, 3)


def test_a_given_B_is_used_and_checked():
    B = np.array([[0.3, 0.0], [0.0, 0.2], [0.1, 0.1]])
    w = action_world(3, 0.9, B=B, action_dim=2)
    np.testing.assert_array_equal(w.B, B)
    np.testing.assert_allclose(w.noise_cov, 0.19 * np.eye(3) - B @ B.T, atol=1e-15)
    with pytest.raises(ValueError, match=r"B must be a finite \(3, 2\) matrix"):
        action_world(3, 0.9, B=np.ones((2, 2)), action_dim=2)


def test_too_much_action_covariance_is_refused_with_the_reason():
    # full-rank unit actions use the share `action_gain` of 1 − ρ²: scale² · gain >= 1 breaks Λ
    with pytest.raises(ValueError, match=r"not positive definite.*innovation budget 1 − ρ² = 0.19"):
        action_world(3, 0.9, action_dim=2, action_scale=1.5, action_gain=0.5)
    with pytest.raises(ValueError, match="not positive definite"):
        sample_pairs("gaussian", "ou_action", 0.9, 10, 3, action_dim=2, action_gain=1.0)
    # the same scale is fine where the gain leaves room
    action_world(3, 0.9, action_dim=2, action_scale=1.5, action_gain=0.4)
    with pytest.raises(ValueError, match="action_rank must be <= action_dim = 2, got 3"):
        sample_pairs("gaussian", "ou_action", 0.9, 10, 3, action_dim=2, action_rank=3)
    with pytest.raises(ValueError, match="action_scale must be"):
        sample_pairs("gaussian", "ou_action", 0.9, 10, 3, action_scale=0.0)
    with pytest.raises(ValueError, match="not available for law laplace"):
        sample_pairs("laplace", "ou_action", 0.9, 10)


def test_declared_options():
    opts = {o.name: o.default for o in transition_member("ou_action").options}
    assert opts == {"action_dim": 2, "action_rank": None, "action_scale": 1.0, "action_gain": 0.5, "action_seed": 0}
