"""Planning in a learned latent (docs/theory.md §5) against independent references."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.linalg import solve_discrete_are
from scipy.stats import ortho_group

from lejepa_verify.numerics.planning import LinearWorld, lqr_gains, plan_and_execute


def _spiral(z):
    r = np.linalg.norm(z, axis=1)
    c, s = np.cos(np.pi * r), np.sin(np.pi * r)
    return np.stack([c * z[:, 0] - s * z[:, 1], s * z[:, 0] + c * z[:, 1]], axis=1)


def test_long_horizon_riccati_converges_to_scipy_dare():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((3, 3)) * 0.5
    B = rng.standard_normal((3, 2))
    Qx, R = np.eye(3), 0.5 * np.eye(2)
    P, K = lqr_gains(A, B, Qx, R, Qx, 400)
    np.testing.assert_allclose(P[0], solve_discrete_are(A, B, Qx, R), rtol=1e-9)


def test_closed_loop_cost_equals_planned_value_in_the_true_latent():
    w = LinearWorld.example(3, seed=2)
    out = plan_and_execute(w, np.array([0.3, -1.0, 0.5]))
    assert out.true_cost == pytest.approx(out.planned_value, rel=1e-10)


@settings(max_examples=15)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 4))
def test_rotated_latent_gives_the_same_plan(seed, n):
    w = LinearWorld.example(n, seed=seed)
    Q = ortho_group.rvs(n, random_state=seed) if n > 1 else np.array([[-1.0]])
    x0 = np.random.default_rng(seed).standard_normal(n)
    base = plan_and_execute(w, x0)
    rot = plan_and_execute(w, x0, lambda z: z @ Q.T, seed=seed)
    assert rot.true_cost == pytest.approx(base.true_cost, rel=1e-8)
    assert rot.planned_value == pytest.approx(base.planned_value, rel=1e-8)
    np.testing.assert_allclose(rot.actions, base.actions, atol=1e-8)
    assert rot.model_rmse < 1e-8


def test_spiral_representation_costs_more_and_a_shear_does_too():
    w = LinearWorld.example(2, seed=0)
    x0 = np.array([1.0, -0.5])
    base = plan_and_execute(w, x0)
    spiral = plan_and_execute(w, x0, _spiral, seed=0)
    assert spiral.true_cost > 1.5 * base.true_cost
    # a linear but non-orthogonal representation: the model is exact, the isotropic cost is not
    S = np.array([[1.0, 0.9], [0.0, 1.0]])
    shear = plan_and_execute(w, x0, lambda z: z @ S.T, seed=0)
    assert shear.model_rmse < 1e-8 and shear.true_cost > base.true_cost * (1 + 1e-3)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="A must be"):
        LinearWorld(A=np.ones((2, 3)), B=np.eye(2), goal=np.zeros(2))
    with pytest.raises(ValueError, match="goal"):
        LinearWorld(A=np.eye(2), B=np.eye(2), goal=np.zeros(3))
    with pytest.raises(ValueError, match="r must"):
        LinearWorld(A=np.eye(2), B=np.eye(2), goal=np.zeros(2), r=-1)
    w = LinearWorld.example(2)
    with pytest.raises(ValueError, match="x0"):
        plan_and_execute(w, np.array([np.nan, 0.0]))
    with pytest.raises(ValueError, match="phi returned non-finite"):
        plan_and_execute(w, np.zeros(2), lambda z: z * np.nan)


def test_lqr_gains_refuses_what_the_riccati_recursion_cannot_use():
    A, B, Q, R = np.eye(2), np.array([[1.0], [0.5]]), np.eye(2), np.eye(1)
    P, K = lqr_gains(A, B, Q, R, Q, 1)
    # one step by hand: K = (R + BᵀB)⁻¹BᵀA, P₀ = Q + Aᵀ(A − BK)
    K_ref = np.linalg.solve(R + B.T @ B, B.T @ A)
    np.testing.assert_allclose(K[0], K_ref, rtol=1e-14)
    np.testing.assert_allclose(P[0], Q + A.T @ (A - B @ K_ref), rtol=1e-14)
    bad = [
        (dict(horizon=0), "horizon must be >= 1"), (dict(horizon=-1), "horizon must be >= 1"),
        (dict(horizon=2.0), "horizon must be an integer"),
        (dict(A=np.full((2, 2), np.nan)), "A must be finite"), (dict(A=np.ones((2, 3))), "A must be square"),
        (dict(B=np.ones((3, 1))), r"B must have shape \(2, m\)"), (dict(R=np.zeros((1, 1))), "R must be positive definite"),
        (dict(Qx=np.array([[1.0, 2.0], [0.0, 1.0]])), "Qx must be symmetric"),
        (dict(Qf=-np.eye(2)), "Qf must be positive semidefinite"), (dict(R=np.eye(2)), r"R must have shape \(1, 1\)"),
        (dict(A="eye"), "A must be a real matrix"),
    ]
    for change, msg in bad:
        args = dict(A=A, B=B, Qx=Q, R=R, Qf=Q, horizon=3) | change
        with pytest.raises(ValueError, match=msg):
            lqr_gains(**args)
