"""Planning in a rotated latent: finite-horizon LQR is O(n)-equivariant (paper's Cor 4.5, docs/theory.md §5).

The problem: ``x_{t+1} = A x_t + B u_t`` for ``t = 0..T−1``, cost
``Σ_t (x_tᵀ C x_t + u_tᵀ R u_t) + x_Tᵀ F x_T`` (``C`` the state cost, ``F`` the terminal cost).
The backward Riccati recursion, from ``P_T = F``,

    K_t = (R + Bᵀ P_{t+1} B)^{-1} Bᵀ P_{t+1} A,
    P_t = C + Aᵀ P_{t+1} (A − B K_t),

gives the optimal value ``V_t(x) = xᵀ P_t x`` and action ``u_t = −K_t x_t``.

*What "O(n)-invariant" means.* A learned latent ``ẑ = Q z`` describes the same system in rotated
coordinates, so the dynamics are conjugated, ``A' = Q A Qᵀ``, ``B' = Q B``, and a cost written in
the new coordinates is ``C'``, ``F'``. The cost is O(n)-invariant when ``C' = Q C Qᵀ = C`` for every
``Q ∈ O(n)``, i.e. ``C = c I`` (isotropic); then a planner that uses the *same* cost in ``ẑ``
plans exactly as in ``z``: ``P'_t = Q P_t Qᵀ``, ``K'_t = K_t Qᵀ``, so ``V'_t(Qx) = V_t(x)`` and
``u'_t(Qx) = u_t(x)`` (:func:`riccati_equivariance`). Behind it: stage and terminal costs of any
trajectory are preserved by the pushforward ``x ↦ Qx`` (:func:`trajectory_costs`).

Everything runs in exact rational arithmetic, with rational orthogonal matrices from the Cayley
transform. The negative control is an invertible but non-orthogonal ``G`` (a shear): the same
isotropic cost is then not invariant, and values differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import sympy as sp

from lejepa_verify.theory.polymaps import random_cayley_orthogonal, random_rational_matrix
from lejepa_verify.theory.validate import check_choice, check_int

#: Largest state dimension and horizon for the exact recursion (rational entries grow with T).
MAX_STATE_DIM = 6
MAX_HORIZON = 12

TRANSFORMS = ("orthogonal", "shear", "scale")


@dataclass(frozen=True)
class LQRProblem:
    """Exact LQR data: dynamics ``A`` (n×n), ``B`` (n×m), state cost ``C``, control cost ``R``,
    terminal cost ``F``, horizon ``T``."""

    A: sp.Matrix
    B: sp.Matrix
    C: sp.Matrix
    R: sp.Matrix
    F: sp.Matrix
    horizon: int

    def __post_init__(self) -> None:
        n = check_int(self.A.rows, "n", 1, MAX_STATE_DIM)
        check_int(self.horizon, "horizon", 1, MAX_HORIZON)
        m = self.B.cols
        if self.A.shape != (n, n) or self.B.rows != n or m < 1:
            raise ValueError(f"A must be n x n and B n x m, got A {self.A.shape}, B {self.B.shape}")
        for name, M, k in (("C", self.C, n), ("F", self.F, n), ("R", self.R, m)):
            if M.shape != (k, k) or M != M.T:
                raise ValueError(f"{name} must be a symmetric {k}x{k} matrix, got shape {M.shape}")
        if not self.R.is_positive_definite:
            raise ValueError("R must be positive definite (the control cost makes the minimiser unique)")

    @property
    def n(self) -> int:
        """State dimension (the number of rows of ``A``)."""
        return self.A.rows

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {k: str(getattr(self, k).tolist()) for k in ("A", "B", "C", "R", "F")} | {"horizon": self.horizon}


@dataclass(frozen=True)
class RiccatiSolution:
    """``P[t]`` for ``t = 0..T`` and ``K[t]`` for ``t = 0..T−1``."""

    P: tuple
    K: tuple

    def value(self, t: int, x: sp.Matrix) -> sp.Expr:
        """``V_t(x) = xᵀ P_t x``."""
        return (x.T * self.P[t] * x)[0, 0]

    def action(self, t: int, x: sp.Matrix) -> sp.Matrix:
        """``u_t(x) = −K_t x``."""
        return -self.K[t] * x


def riccati(problem: LQRProblem) -> RiccatiSolution:
    """The backward Riccati recursion (module docstring), exact."""
    P = [None] * (problem.horizon + 1)
    K = [None] * problem.horizon
    P[-1] = problem.F
    A, B, C, R = problem.A, problem.B, problem.C, problem.R
    for t in range(problem.horizon - 1, -1, -1):
        BtP = B.T * P[t + 1]
        K[t] = (R + BtP * B).LUsolve(BtP * A)
        P[t] = C + A.T * P[t + 1] * (A - B * K[t])
    return RiccatiSolution(P=tuple(P), K=tuple(K))


def shear(n: int, amount=sp.Rational(1, 2)) -> sp.Matrix:
    """The invertible, non-orthogonal ``I + amount·E_{12}`` (``n ≥ 2``)."""
    n = check_int(n, "n", 2, MAX_STATE_DIM)
    G = sp.eye(n)
    G[0, 1] = sp.Rational(amount)
    return G


def transformed(problem: LQRProblem, G: sp.Matrix, cost: str = "isotropic") -> LQRProblem:
    """The problem in coordinates ``x' = G x``: ``A' = G A G^{-1}``, ``B' = G B``.

    ``cost="isotropic"`` keeps the cost matrices as they are (the planner reuses the same cost
    in the new coordinates; invariant iff ``G C Gᵀ = C`` for orthogonal ``G``),
    ``cost="conjugated"`` moves them with the coordinates, ``C' = G^{-T} C G^{-1}`` (the same
    physical cost; for orthogonal ``G`` this is ``G C Gᵀ``).
    """
    check_choice(cost, "cost", ("isotropic", "conjugated"))
    Gi = G.inv()
    if cost == "isotropic":
        C, F = problem.C, problem.F
    else:
        C, F = Gi.T * problem.C * Gi, Gi.T * problem.F * Gi
    return LQRProblem(A=G * problem.A * Gi, B=G * problem.B, C=C, R=problem.R, F=F, horizon=problem.horizon)


def example_problem(n: int = 3, m: int = 2, horizon: int = 4, seed: int = 0, isotropic: bool = True) -> LQRProblem:
    """A seeded rational LQR problem; ``isotropic`` gives ``C = c I``, ``F = f I``, else random
    positive definite ``C = WᵀW + I``, ``F = VᵀV + I``."""
    n = check_int(n, "n", 1, MAX_STATE_DIM)
    m = check_int(m, "m", 1, MAX_STATE_DIM)
    horizon = check_int(horizon, "horizon", 1, MAX_HORIZON)
    A = random_rational_matrix(n, n, seed)
    B = random_rational_matrix(n, m, seed + 1)
    R = random_rational_matrix(m, m, seed + 2)
    R = R.T * R + sp.eye(m)
    if isotropic:
        C, F = sp.Rational(3, 2) * sp.eye(n), 2 * sp.eye(n)
    else:
        W, V = random_rational_matrix(n, n, seed + 3), random_rational_matrix(n, n, seed + 4)
        C, F = W.T * W + sp.eye(n), V.T * V + sp.eye(n)
    return LQRProblem(A=A, B=B, C=C, R=R, F=F, horizon=horizon)


@dataclass(frozen=True)
class EquivarianceCheck:
    """Differences between the original problem's solution and the transformed one's.

    ``value_gap``: ``max_t |V'_t(Gx) − V_t(x)|`` at the test states; ``action_gap``: largest
    entry of ``u'_t(Gx) − u_t(x)``; ``P_residual``: largest entry of ``Gᵀ P'_t G − P_t``;
    ``K_residual``: of ``K'_t G − K_t`` (both zero iff ``P' = G^{-T} P G^{-1}``, ``K' = K G^{-1}``,
    which for orthogonal ``G`` read ``Q P Qᵀ`` and ``K Qᵀ``). All exact rationals.
    """

    transform: str
    n: int
    horizon: int
    G_orthogonal: bool
    value_gap: sp.Rational
    action_gap: sp.Rational
    P_residual: sp.Rational
    K_residual: sp.Rational

    @property
    def equal(self) -> bool:
        """Whether values, actions, Riccati matrices and gains all transformed exactly."""
        return self.value_gap == 0 and self.action_gap == 0 and self.P_residual == 0 and self.K_residual == 0

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"transform": self.transform, "n": self.n, "horizon": self.horizon,
                "G_orthogonal": self.G_orthogonal, "value_gap": str(self.value_gap),
                "action_gap": str(self.action_gap), "P_residual": str(self.P_residual),
                "K_residual": str(self.K_residual), "equal": self.equal}


def _max_abs(M: sp.Matrix) -> sp.Rational:
    return max((abs(v) for v in M), default=sp.Integer(0))


def _transform_matrix(transform: str, n: int, seed: int) -> sp.Matrix:
    """The change of coordinates ``G``: a seeded Cayley rotation, or (negative controls) the shear or ``2I``."""
    if transform == "orthogonal":
        return random_cayley_orthogonal(n, seed)
    return shear(n) if transform == "shear" else 2 * sp.eye(n)


def riccati_equivariance(problem: LQRProblem, transform: str = "orthogonal", seed: int = 0,
                         cost: str = "isotropic", test_states: Sequence[sp.Matrix] | None = None,
                         gain_law: str = "K G^-1", value_law: str = "G^-T P G^-1") -> EquivarianceCheck:
    """Solve ``problem`` and its image under ``G`` (Cayley orthogonal, a shear or 2I) and compare.

    The residuals test the claimed laws ``K' = K G⁻¹`` and ``P' = G⁻ᵀ P G⁻¹`` (for orthogonal G:
    ``K Qᵀ`` and ``Q P Qᵀ``); ``gain_law="K G"`` and ``value_law="G^T P G"`` are the negative
    controls' wrong laws (``K Q`` and ``Qᵀ P Q``).
    """
    check_choice(transform, "transform", TRANSFORMS)
    check_choice(gain_law, "gain_law", ("K G^-1", "K G"))
    check_choice(value_law, "value_law", ("G^-T P G^-1", "G^T P G"))
    n = problem.n
    G = _transform_matrix(transform, n, seed)
    sol = riccati(problem)
    sol2 = riccati(transformed(problem, G, cost))
    states = list(test_states) if test_states is not None else [
        random_rational_matrix(n, 1, seed + 10 + i) for i in range(3)]
    vgap, agap, pres, kres = sp.Integer(0), sp.Integer(0), sp.Integer(0), sp.Integer(0)
    Gi = G.inv()
    for t in range(problem.horizon + 1):
        claimed_P = Gi.T * sol.P[t] * Gi if value_law == "G^-T P G^-1" else G.T * sol.P[t] * G
        pres = max(pres, _max_abs(sol2.P[t] - claimed_P))
        for x in states:
            vgap = max(vgap, abs(sol2.value(t, G * x) - sol.value(t, x)))
        if t < problem.horizon:
            claimed_K = sol.K[t] * Gi if gain_law == "K G^-1" else sol.K[t] * G
            kres = max(kres, _max_abs(sol2.K[t] - claimed_K))
            for x in states:
                agap = max(agap, _max_abs(sol2.action(t, G * x) - sol.action(t, x)))
    return EquivarianceCheck(transform=transform, n=n, horizon=problem.horizon,
                             G_orthogonal=bool(G.T * G == sp.eye(n)), value_gap=vgap, action_gap=agap,
                             P_residual=pres, K_residual=kres)


@dataclass(frozen=True)
class TrajectoryCosts:
    """Stage and terminal costs of one open-loop control sequence, before and after ``x ↦ Gx``."""

    stage: tuple
    stage_pushed: tuple
    terminal: sp.Rational
    terminal_pushed: sp.Rational

    @property
    def stage_equal(self) -> bool:
        """Whether every stage cost is unchanged by the push-forward."""
        return self.stage == self.stage_pushed

    @property
    def terminal_equal(self) -> bool:
        """Whether the terminal cost is unchanged by the push-forward."""
        return self.terminal == self.terminal_pushed

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"stage": [str(v) for v in self.stage], "stage_pushed": [str(v) for v in self.stage_pushed],
                "terminal": str(self.terminal), "terminal_pushed": str(self.terminal_pushed),
                "stage_equal": self.stage_equal, "terminal_equal": self.terminal_equal}


def trajectory_costs(problem: LQRProblem, controls: Sequence[sp.Matrix], x0: sp.Matrix,
                     transform: str = "orthogonal", seed: int = 0, pushforward: str = "G A G^-1") -> TrajectoryCosts:
    """Roll out ``controls`` from ``x0`` in the original problem and, from ``G x0``, in the
    transformed one (same isotropic costs); the trajectory is pushed forward, ``x'_t = G x_t``,
    and stage/terminal costs agree exactly when ``G`` is orthogonal and the costs isotropic.
    ``pushforward="G^-1 A G"`` moves the dynamics the wrong way round (a negative control)."""
    check_choice(transform, "transform", TRANSFORMS)
    check_choice(pushforward, "pushforward", ("G A G^-1", "G^-1 A G"))
    if len(controls) != problem.horizon:
        raise ValueError(f"controls must hold horizon={problem.horizon} vectors, got {len(controls)}")
    n = problem.n
    G = _transform_matrix(transform, n, seed)
    other = transformed(problem, G, "isotropic")
    if pushforward == "G^-1 A G":
        other = LQRProblem(A=G.inv() * problem.A * G, B=other.B, C=other.C, R=other.R, F=other.F,
                           horizon=problem.horizon)

    def roll(p: LQRProblem, x: sp.Matrix):
        stage = []
        for u in controls:
            stage.append((x.T * p.C * x + u.T * p.R * u)[0, 0])
            x = p.A * x + p.B * u
        return tuple(stage), (x.T * p.F * x)[0, 0]

    s1, f1 = roll(problem, x0)
    s2, f2 = roll(other, G * x0)
    return TrajectoryCosts(stage=s1, stage_pushed=s2, terminal=f1, terminal_pushed=f2)


def isotropic_cost_invariant(C: sp.Matrix, seeds: Sequence[int] = (0, 1, 2)) -> bool:
    """``Q C Qᵀ = C`` for the Cayley orthogonal matrices of ``seeds`` (true for ``C = c I``)."""
    n = check_int(sp.Matrix(C).rows, "n", 1, MAX_STATE_DIM)
    rotations = (random_cayley_orthogonal(n, s) for s in seeds)
    return all(Q * C * Q.T == C for Q in rotations)
