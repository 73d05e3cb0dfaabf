"""Cor 4.5: the exact Riccati recursion against brute-force minimisation and a numpy recursion."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from lejepa_verify.theory.planning import (
    LQRProblem,
    example_problem,
    isotropic_cost_invariant,
    riccati,
    riccati_equivariance,
    shear,
    trajectory_costs,
    transformed,
)
from lejepa_verify.theory.polymaps import random_rational_matrix


def _np(M):
    return np.array(M, dtype=float)


def test_riccati_value_equals_brute_force_minimum():
    """V_0(x0) = min over stacked controls of the total cost, a quadratic solved by least squares."""
    p = example_problem(n=2, m=1, horizon=3, seed=7, isotropic=False)
    A, B, C, Rm, F = map(_np, (p.A, p.B, p.C, p.R, p.F))
    x0 = np.array([1.0, -2.0])
    T, n, m = p.horizon, 2, 1
    # x_t = A^t x0 + G_t U, cost = sum_t x_t' C x_t + u_t' R u_t + x_T' F x_T
    blocks = []
    for t in range(T + 1):
        G = np.zeros((n, T * m))
        for s in range(t):
            G[:, s * m:(s + 1) * m] = np.linalg.matrix_power(A, t - 1 - s) @ B
        blocks.append((np.linalg.matrix_power(A, t) @ x0, G))
    H = np.kron(np.eye(T), Rm)
    g = np.zeros(T * m)
    c0 = 0.0
    for t, (a, G) in enumerate(blocks):
        W = F if t == T else C
        H += G.T @ W @ G
        g += G.T @ W @ a
        c0 += a @ W @ a
    U = np.linalg.solve(H, -g)
    brute = c0 + 2 * g @ U + U @ H @ U
    sol = riccati(p)
    exact = float(sol.value(0, sp.Matrix([1, -2])))
    assert exact == pytest.approx(brute, rel=1e-10)
    assert np.allclose(_np(sol.action(0, sp.Matrix([1, -2]))).ravel(), U[:m], rtol=1e-9)


def _np_riccati(A, B, C, Rm, F, T):
    P, Ks, Ps = F, [], [F]
    for _ in range(T):
        K = np.linalg.solve(Rm + B.T @ P @ B, B.T @ P @ A)
        P = C + A.T @ P @ (A - B @ K)
        Ks.append(K)
        Ps.append(P)
    return Ps[::-1], Ks[::-1]


@given(n=st.integers(1, 5), m=st.integers(1, 3), T=st.integers(1, 8), seed=st.integers(0, 10_000))
@settings(max_examples=30)
def test_numeric_equivariance_with_random_orthogonal(n, m, T, seed):
    rng = np.random.default_rng(seed)
    A, B = rng.normal(size=(n, n)), rng.normal(size=(n, m))
    Rm = np.eye(m) + 0.1 * np.diag(rng.random(m))
    C, F = 1.5 * np.eye(n), 2.0 * np.eye(n)
    Q, _ = np.linalg.qr(rng.normal(size=(n, n)))
    P, K = _np_riccati(A, B, C, Rm, F, T)
    P2, K2 = _np_riccati(Q @ A @ Q.T, Q @ B, C, Rm, F, T)
    for t in range(T + 1):
        scale = 1 + np.abs(P[t]).max()
        assert np.allclose(P2[t], Q @ P[t] @ Q.T, atol=1e-8 * scale)
    for t in range(T):
        assert np.allclose(K2[t], K[t] @ Q.T, atol=1e-8 * (1 + np.abs(K[t]).max()))


def test_exact_equivariance_and_shear_control():
    p = example_problem(3, 2, 4, 0)
    assert riccati_equivariance(p).equal
    r = riccati_equivariance(p, "shear")
    assert not r.equal and not r.G_orthogonal and r.value_gap > 0


def test_exact_matches_numpy_recursion():
    p = example_problem(3, 2, 4, 3, isotropic=False)
    sol = riccati(p)
    P, K = _np_riccati(*map(_np, (p.A, p.B, p.C, p.R, p.F)), p.horizon)
    for t in range(p.horizon):
        assert np.allclose(_np(sol.P[t]), P[t], rtol=1e-10)
        assert np.allclose(_np(sol.K[t]), K[t], rtol=1e-10, atol=1e-12)


def test_conjugated_cost_is_a_change_of_variables_for_any_invertible_map():
    p = example_problem(3, 2, 3, 1, isotropic=False)
    assert riccati_equivariance(p, "shear", cost="conjugated").equal
    assert not riccati_equivariance(p, "orthogonal", cost="isotropic").equal  # non-isotropic cost reused


def test_trajectory_pushforward_and_shear():
    p = example_problem(2, 1, 4, 2)
    us = [random_rational_matrix(1, 1, 30 + t) for t in range(4)]
    x0 = sp.Matrix([1, sp.Rational(1, 2)])
    r = trajectory_costs(p, us, x0)
    assert r.stage_equal and r.terminal_equal
    r = trajectory_costs(p, us, x0, "shear")
    assert not r.stage_equal and not r.terminal_equal


def test_isotropic_invariance():
    assert isotropic_cost_invariant(sp.Rational(5, 2) * sp.eye(3))
    assert not isotropic_cost_invariant(sp.diag(1, 2, 3))


def test_transformed_dynamics_are_conjugated():
    p = example_problem(2, 1, 2, 0)
    G = shear(2)
    q = transformed(p, G)
    assert q.A == G * p.A * G.inv() and q.B == G * p.B and q.C == p.C


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: example_problem(n=0), "n must be in"),
        (lambda: example_problem(n=7), "n must be in"),
        (lambda: example_problem(horizon=0), "horizon must be in"),
        (lambda: shear(1), "n must be in"),
        (lambda: riccati_equivariance(example_problem(2, 1, 2, 0), "reflection"), "unknown transform"),
        (lambda: transformed(example_problem(2, 1, 2, 0), sp.eye(2), "scaled"), "unknown cost"),
        (lambda: LQRProblem(sp.eye(2), sp.ones(2, 1), sp.eye(2), sp.Matrix([[-1]]), sp.eye(2), 2),
         "R must be positive definite"),
        (lambda: LQRProblem(sp.eye(2), sp.ones(2, 1), sp.Matrix([[1, 1], [0, 1]]), sp.eye(1), sp.eye(2), 2),
         "C must be a symmetric"),
        (lambda: trajectory_costs(example_problem(2, 1, 2, 0), [sp.Matrix([1])], sp.Matrix([1, 1])),
         "controls must hold"),
    ],
)
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
