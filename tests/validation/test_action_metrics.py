"""Oracle tests of the action-world metrics: inputs whose scores are known in closed form (an exact
rotation with the true B scores gap 0, condition number 1 and angles 0), a second method for the
principal angles (scipy), and the predictions of the optimum."""

import math

import numpy as np
import pytest
from scipy.linalg import subspace_angles
from scipy.stats import ortho_group

from lejepa_verify.numerics.transitions import action_world, sample_action_triples
from lejepa_verify.validation.action_metrics import (action_axis, action_metrics, condition_number, dynamics,
                                                     least_squares_predictor, predict, principal_angles, procrustes,
                                                     state_recovery)


def whitened(N, n, seed):
    """``N × n`` rows with mean exactly 0 and ``zᵀz / N = I`` exactly: population formulas hold on the sample."""
    z = np.random.default_rng(seed).standard_normal((N, n))
    z -= z.mean(0)
    q, _ = np.linalg.qr(z)
    return q * math.sqrt(N)


def test_an_exact_rotation_with_the_true_B_scores_the_optimum():
    n, rho = 4, 0.8
    world = action_world(n, rho, action_dim=2, action_gain=0.6, action_seed=1)
    z, a, zn = sample_action_triples(rho, 4000, n, seed=5, action_dim=2, action_gain=0.6, action_seed=1)
    R = ortho_group.rvs(n, random_state=3)
    h, hn = z @ R.T, zn @ R.T
    m = action_metrics(z, h, a, hn, world.B, rho, P=rho * np.eye(n), C=R @ world.B)
    assert m.r2_lin == pytest.approx(1.0, abs=1e-12)
    assert m.r2_orth == pytest.approx(1.0, abs=1e-12)
    assert abs(m.gap) < 1e-12
    assert m.scale == pytest.approx(1.0, abs=1e-12)
    assert m.cond == pytest.approx(1.0, abs=1e-9)
    assert m.cond_excited == pytest.approx(1.0, abs=1e-9)
    assert m.max_angle < 1e-5 and len(m.angles) == 2
    assert m.norm_ratio == pytest.approx(1.0, abs=1e-12)
    assert m.rho_hat == pytest.approx(rho, abs=1e-12)
    assert m.D_rel < 1e-12
    assert m.implied_cond_excited == pytest.approx(1.0, abs=1e-9) and m.implied_max_angle < 1e-5
    # the residual is the noise itself: its mean square estimates tr Λ (sampling error, 6 standard errors)
    resid = zn - rho * z - a @ world.B.T
    assert m.loss == pytest.approx(float(np.mean(np.sum(resid ** 2, 1))), rel=1e-10)
    assert m.loss_normalised == pytest.approx(n * m.loss / np.sum(np.var(h, axis=0)), rel=1e-12)
    assert m.loss == pytest.approx(predict(world).loss_normalised,
                                   abs=6 * math.sqrt(2 * np.sum(world.noise_cov ** 2) / 4000))


def test_a_scaled_rotation_keeps_the_gap_at_zero_and_shows_the_scale():
    z = whitened(500, 3, 0)
    R = ortho_group.rvs(3, random_state=1)
    s = state_recovery(2.5 * z @ R.T, z)
    assert abs(s.gap) < 1e-12 and s.r2_orth == pytest.approx(1.0, abs=1e-12)
    assert s.scale == pytest.approx(1 / 2.5, rel=1e-12)
    np.testing.assert_allclose(s.Q, R, atol=1e-10)      # h = 2.5 R z: z = 0.4 Rᵀ h


def test_gap_of_a_diagonal_stretch_has_its_closed_form():
    # h = D z on whitened rows: Q = I, c* = Σd/Σd², R²_orth = 1 − Σ(1 − c* d_i)²/n, R²_lin = 1
    d = np.array([2.0, 1.0, 0.5])
    z = whitened(600, 3, 7)
    s = state_recovery(z * d, z)
    c = d.sum() / np.sum(d ** 2)
    assert s.scale == pytest.approx(c, rel=1e-12)
    assert s.r2_lin == pytest.approx(1.0, abs=1e-12)
    assert s.r2_orth == pytest.approx(1 - np.sum((1 - c * d) ** 2) / 3, abs=1e-12)
    assert s.gap == pytest.approx(np.sum((1 - c * d) ** 2) / 3, abs=1e-12)


def test_procrustes_of_a_wider_embedding_is_semi_orthogonal():
    z = whitened(400, 2, 2)
    U = ortho_group.rvs(4, random_state=0)[:, :2]       # 4 × 2 isometric embedding
    Q, c = procrustes(z @ U.T, z)
    np.testing.assert_allclose(Q, U, atol=1e-10)
    assert c == pytest.approx(1.0, abs=1e-12)


def test_condition_number_is_the_ratio_of_the_singular_values_of_the_action_map():
    # B = βU with orthonormal U: L = B̂B⁺ = U G Uᵀ for B̂ = βUG, whose singular values are G's
    U = ortho_group.rvs(5, random_state=4)[:, :2]
    B = 0.3 * U
    G = np.array([[3.0, 0.0], [0.0, 1.5]]) @ ortho_group.rvs(2, random_state=2)
    axis = action_axis(np.eye(5), B @ G, B)
    assert axis.cond == pytest.approx(2.0, rel=1e-10)
    assert axis.cond_excited == pytest.approx(2.0, rel=1e-10)
    assert condition_number(np.diag([4.0, 2.0, 1.0]), 3) == pytest.approx(4.0)
    assert condition_number(np.diag([4.0, 2.0, 0.0]), 3) == math.inf


def test_an_exactly_scaled_action_map_scores_one_whatever_the_conditioning_of_B():
    B = np.array([[1.0, 0.0], [0.0, 1e-3], [0.0, 0.0]])       # condition number 1000
    Q = ortho_group.rvs(3, random_state=5)
    axis = action_axis(Q, Q @ (0.7 * B), B)
    assert axis.cond == pytest.approx(1.0, abs=1e-8)
    assert axis.max_angle < 1e-5
    assert axis.norm_ratio == pytest.approx(0.7, rel=1e-12)


def test_rank_one_actions_leave_the_unexcited_direction_unidentified():
    world = action_world(4, 0.7, action_dim=2, action_rank=1, action_scale=1.0, action_seed=3)
    V = world.action_basis
    learned = world.B @ V @ V.T                    # right on the excited direction, zero off it
    axis = action_axis(np.eye(4), learned, world.B, V)
    assert axis.cond == math.inf                    # the prediction for rank < action_dim
    assert axis.cond_excited == pytest.approx(1.0, abs=1e-9)
    assert axis.angles == pytest.approx((0.0,), abs=1e-5)
    pred = predict(world)
    assert pred.cond == math.inf and pred.cond_excited == 1.0


def test_principal_angles_agree_with_scipy_and_a_known_angle():
    theta = 0.4
    X = np.array([[1.0], [0.0], [0.0]])
    Y = np.array([[math.cos(theta)], [math.sin(theta)], [0.0]])
    assert principal_angles(X, Y) == pytest.approx([math.degrees(theta)], rel=1e-12)
    rng = np.random.default_rng(0)
    for _ in range(5):
        A, B = rng.standard_normal((6, 2)), rng.standard_normal((6, 3))
        np.testing.assert_allclose(principal_angles(A, B), np.sort(np.degrees(subspace_angles(A, B))), atol=1e-8)
    with pytest.raises(ValueError, match="X must span"):
        principal_angles(np.zeros((3, 1)), Y)


def test_dynamics_of_a_known_transition_matrix():
    Q = ortho_group.rvs(3, random_state=9)
    A = np.diag([0.9, 0.8, 0.7])
    rho_hat, d_rel = dynamics(Q, Q @ A @ Q.T, 0.8)
    assert rho_hat == pytest.approx(0.8, abs=1e-12)
    assert d_rel == pytest.approx(math.sqrt(0.02) / (0.8 * math.sqrt(3)), rel=1e-10)


def test_least_squares_recovers_a_noise_free_predictor_exactly():
    rng = np.random.default_rng(1)
    h, a = rng.standard_normal((300, 3)), rng.standard_normal((300, 2))
    P0, C0 = rng.standard_normal((3, 3)), rng.standard_normal((3, 2))
    P, C = least_squares_predictor(h, a, h @ P0.T + a @ C0.T)
    np.testing.assert_allclose(P, P0, atol=1e-10)
    np.testing.assert_allclose(C, C0, atol=1e-10)


def test_least_squares_on_rank_one_actions_leaves_the_unexcited_direction_at_zero():
    rng = np.random.default_rng(2)
    v = np.array([[0.6], [0.8]])
    h, a = rng.standard_normal((300, 3)), rng.standard_normal((300, 1)) @ v.T
    C0 = rng.standard_normal((3, 2))
    _, C = least_squares_predictor(h, a, 0.5 * h + a @ C0.T)
    np.testing.assert_allclose(C @ v, C0 @ v, atol=1e-10)
    np.testing.assert_allclose(C @ np.array([[0.8], [-0.6]]), 0.0, atol=1e-10)


def test_the_embedding_implies_its_linear_part_applied_to_B():
    # h = Dz with D = diag(2, 1, 0.5) and B along e1, e2: QᵀMB = DB, whose map on col(B) is diag(2, 1)
    z = whitened(800, 3, 4)
    B = 0.3 * np.eye(3)[:, :2]
    a = np.random.default_rng(0).standard_normal((800, 2))
    D = np.diag([2.0, 1.0, 0.5])
    m = action_metrics(z, z @ D, a, z @ D, B, 0.9, P=np.eye(3), C=D @ B)
    assert m.implied_cond_excited == pytest.approx(2.0, rel=1e-9)
    assert m.implied_max_angle < 1e-5
    assert m.cond_excited == pytest.approx(2.0, rel=1e-9)


def test_the_normalised_loss_of_an_anisotropic_embedding_stays_above_the_bound():
    # h = Dz concentrated on Λ's least-noisy eigenvector: P = ρI, C = DB leave Dη, loss tr(DΛD) in
    # population; normalised by tr Cov h / n it approaches, and stays above, n λ_min(Λ)
    n, rho, opts = 3, 0.7, dict(action_dim=2, action_gain=0.9, action_seed=0)
    world = action_world(n, rho, **opts)
    vals, vecs = np.linalg.eigh(world.noise_cov)
    D = vecs @ np.diag([1.0, 0.05, 0.05]) @ vecs.T
    z, a, zn = sample_action_triples(rho, 200_000, n, seed=1, **opts)
    m = action_metrics(z, z @ D, a, zn @ D, world.B, rho, P=rho * np.eye(n), C=D @ world.B)
    population = np.trace(D @ world.noise_cov @ D)
    assert m.loss == pytest.approx(population, rel=6 * math.sqrt(2 / 200_000))
    p = predict(world)
    assert p.loss_bound == pytest.approx(n * vals[0], rel=1e-12)
    assert p.loss_bound <= m.loss_normalised < p.loss_normalised
    assert m.loss_normalised == pytest.approx(n * population / np.trace(D @ D), rel=0.01)


def test_predictions_of_the_optimum_and_bad_input():
    world = action_world(3, 0.9, action_dim=2, action_gain=0.5)
    p = predict(world, scale=0.5)
    assert p.gap == 0.0 and p.cond == 1.0 and p.max_angle == 0.0 and p.rho_hat == 0.9 and p.norm_ratio == 0.5
    # tr Λ = n(1 − ρ²) − tr(BΣ_aBᵀ), whatever the scale
    expected = 3 * (1 - 0.81) - np.trace(world.B @ world.action_cov @ world.B.T)
    assert p.loss_normalised == pytest.approx(expected, rel=1e-12)
    assert p.loss_bound == pytest.approx(3 * (1 - 0.81 - np.linalg.eigvalsh(world.B @ world.B.T).max()), rel=1e-9)
    with pytest.raises(ValueError, match="scale must be"):
        predict(world, scale=0.0)
    with pytest.raises(ValueError, match="h must be finite"):
        state_recovery(np.array([[np.nan, 0.0], [1.0, 1.0]]), np.ones((2, 2)))
    with pytest.raises(ValueError, match="shapes must chain"):
        action_axis(np.eye(3), np.ones((3, 2)), np.ones((4, 2)))
    with pytest.raises(ValueError, match="k must be"):
        condition_number(np.eye(2), 3)
    with pytest.raises(ValueError, match="rho must lie"):
        dynamics(np.eye(2), np.eye(2), 1.0)
