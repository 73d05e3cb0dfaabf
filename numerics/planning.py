"""Planning in a learned latent (docs/theory.md §5, the paper's Cor 4.5), in floating point.

A planner sees the world only through a representation ``ẑ = φ(z)``. It identifies linear
dynamics ``ẑ' ≈ Â ẑ + B̂ u`` from random transitions by least squares, solves a finite-horizon
LQR problem with *isotropic* costs in ``ẑ`` (``||ẑ_t − φ(g)||²`` plus ``r ||u_t||²``), and
executes its feedback policy on the true system, where the cost is measured in ``z``.

If ``φ(z) = Qz`` with ``Q ∈ O(n)`` the identified model is exactly ``(Q A Qᵀ, Q B)``, the
isotropic costs are O(n)-invariant, and the plan, its value and its actions coincide with
those of the planner that sees ``z`` (actions agree exactly; the Riccati matrices transform as
``Q P Qᵀ``). A nonlinear representation that is still Gaussian-preserving (the spiral) satisfies
LeJEPA's Gaussian constraint but breaks linear identifiability: its plans incur a higher true
cost. The exact symbolic version of the transformation law is checked in ``theory.planning``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from lejepa_verify.theory.validate import check_int, check_positive

__all__ = ["LinearWorld", "PlanOutcome", "lqr_gains", "plan_and_execute", "identify_linear_dynamics"]


@dataclass(frozen=True)
class LinearWorld:
    """Latent dynamics ``z_{t+1} = A z_t + B u_t`` with a goal ``g`` and isotropic costs.

    Stage cost ``||z_t − g||² + r ||u_t||²``, terminal cost ``w_T ||z_T − g||²``.
    """

    A: np.ndarray
    B: np.ndarray
    goal: np.ndarray
    r: float = 0.1
    terminal_weight: float = 10.0
    horizon: int = 20

    def __post_init__(self) -> None:
        A, B, g = (np.asarray(x, dtype=float) for x in (self.A, self.B, self.goal))
        n = A.shape[0]
        if A.ndim != 2 or A.shape != (n, n):
            raise ValueError(f"A must be a square matrix, got shape {A.shape}")
        if B.ndim != 2 or B.shape[0] != n:
            raise ValueError(f"B must have shape ({n}, k), got {B.shape}")
        if g.shape != (n,):
            raise ValueError(f"goal must have shape ({n},), got {g.shape}")
        for name, x in (("A", A), ("B", B), ("goal", g)):
            if not np.all(np.isfinite(x)):
                raise ValueError(f"{name} holds non-finite values")
        check_positive(self.r, "r")
        check_positive(self.terminal_weight, "terminal_weight")
        check_int(self.horizon, "horizon", 1, 10_000)
        object.__setattr__(self, "A", A)
        object.__setattr__(self, "B", B)
        object.__setattr__(self, "goal", g)

    @property
    def n(self) -> int:
        """State dimension (the number of rows of ``A``)."""
        return self.A.shape[0]

    @classmethod
    def example(cls, n: int = 2, *, seed: int = 0, horizon: int = 20) -> "LinearWorld":
        """A lightly damped rotation with full actuation and a goal at distance about 1.5."""
        n = check_int(n, "n", 1)
        rng = np.random.default_rng(seed)
        S = rng.standard_normal((n, n))
        S = 0.3 * (S - S.T) / 2
        from scipy.linalg import expm

        A = 0.97 * expm(S)
        B = np.eye(n) + 0.2 * rng.standard_normal((n, n))
        g = rng.standard_normal(n)
        g *= 1.5 / np.linalg.norm(g)
        return cls(A=A, B=B, goal=g, horizon=horizon)


def lqr_gains(A, B, Qx, R, Qf, horizon: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Backward Riccati recursion for ``min Σ_t x_tᵀQx x_t + u_tᵀR u_t + x_Tᵀ Qf x_T``.

    ``P_T = Qf``, ``K_t = (R + BᵀP_{t+1}B)⁻¹ BᵀP_{t+1}A``, ``P_t = Qx + AᵀP_{t+1}(A − B K_t)``;
    the optimal action is ``u_t = −K_t x_t`` and the optimal value from ``x_0`` is ``x_0ᵀP_0x_0``.
    Returns ``(P_0..P_T, K_0..K_{T−1})``.

    ``A`` (n, n), ``B`` (n, m), ``Qx`` and ``Qf`` (n, n) symmetric positive semidefinite, ``R``
    (m, m) symmetric positive definite (so that every step has a unique minimiser), all finite;
    ``horizon`` an integer >= 1. Anything else is a ``ValueError`` naming the argument.
    """
    horizon = check_int(horizon, "horizon", 1)
    A = _matrix(A, "A")
    n = A.shape[0]
    if A.shape != (n, n):
        raise ValueError(f"A must be square (n, n), got shape {A.shape}")
    B = _matrix(B, "B")
    if B.shape[0] != n:
        raise ValueError(f"B must have shape ({n}, m) to match A, got {B.shape}")
    m = B.shape[1]
    Qx, Qf = _psd(Qx, "Qx", n, strict=False), _psd(Qf, "Qf", n, strict=False)
    R = _psd(R, "R", m, strict=True)
    P = [None] * (horizon + 1)
    K = [None] * horizon
    P[horizon] = np.asarray(Qf, dtype=float)
    for t in range(horizon - 1, -1, -1):
        Pn = P[t + 1]
        K[t] = np.linalg.solve(R + B.T @ Pn @ B, B.T @ Pn @ A)
        P[t] = Qx + A.T @ Pn @ (A - B @ K[t])
        P[t] = (P[t] + P[t].T) / 2  # keep symmetric against round-off
    return P, K


def _matrix(M, name: str) -> np.ndarray:
    try:
        M = np.asarray(M, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real matrix, got {M!r}") from None
    if M.ndim != 2:
        raise ValueError(f"{name} must be a 2-D matrix, got shape {M.shape}")
    if not np.all(np.isfinite(M)):
        raise ValueError(f"{name} must be finite, got non-finite entries")
    return M


def _psd(M, name: str, size: int, *, strict: bool) -> np.ndarray:
    """A symmetric (semi)definite ``size × size`` cost matrix (eigenvalues checked to 1e-12 relative)."""
    M = _matrix(M, name)
    if M.shape != (size, size):
        raise ValueError(f"{name} must have shape ({size}, {size}), got {M.shape}")
    scale = max(float(np.abs(M).max()), 1e-300)
    if np.abs(M - M.T).max() > 1e-12 * scale:
        raise ValueError(f"{name} must be symmetric")
    low = float(np.linalg.eigvalsh((M + M.T) / 2).min())
    if (low <= 0.0) if strict else (low < -1e-12 * scale):
        kind = "positive definite" if strict else "positive semidefinite"
        raise ValueError(f"{name} must be {kind}, got smallest eigenvalue {low:.3g}")
    return M


def identify_linear_dynamics(phi: Callable, world: LinearWorld, *, n_samples: int = 4000, seed=None,
                             action_scale: float = 0.5):
    """Least-squares fit ``φ(z') ≈ Â φ(z) + B̂ u + c`` from random states and actions.

    States are drawn from the latent law ``N(0, I)`` (where a learned encoder was trained: far
    outside it a network extrapolates arbitrarily) and actions from ``N(0, action_scale² I)``.
    Returns ``(Â, B̂, c, rmse)``; for ``φ`` linear the fit is exact (``rmse`` at round-off).
    """
    check_positive(action_scale, "action_scale")
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n_samples, world.n))
    u = action_scale * rng.standard_normal((n_samples, world.B.shape[1]))
    z_next = z @ world.A.T + u @ world.B.T
    zh, zh_next = _apply(phi, z, "phi"), _apply(phi, z_next, "phi")
    X = np.hstack([zh, u, np.ones((n_samples, 1))])
    coef, *_ = np.linalg.lstsq(X, zh_next, rcond=None)
    m = zh.shape[1]
    A_hat, B_hat, c = coef[:m].T, coef[m:m + u.shape[1]].T, coef[-1]
    rmse = float(np.sqrt(np.mean((X @ coef - zh_next) ** 2)))
    return A_hat, B_hat, c, rmse


def _apply(phi: Callable, z: np.ndarray, name: str) -> np.ndarray:
    out = np.asarray(phi(z), dtype=float)
    if out.ndim != 2 or out.shape[0] != z.shape[0]:
        raise ValueError(f"{name} must map (N, n) arrays to (N, m) arrays, got shape {out.shape}")
    if not np.all(np.isfinite(out)):
        raise ValueError(f"{name} returned non-finite values")
    return out


@dataclass(frozen=True)
class PlanOutcome:
    """What a planner working in a representation achieved on the true system."""

    true_cost: float
    planned_value: float
    actions: np.ndarray = field(repr=False)
    states: np.ndarray = field(repr=False)
    model_rmse: float = 0.0

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {
            "true_cost": self.true_cost,
            "planned_value": self.planned_value,
            "model_rmse": self.model_rmse,
            "actions": self.actions.tolist(),
            "states": self.states.tolist(),
        }


def plan_and_execute(world: LinearWorld, x0, phi: Callable | None = None, *, n_samples: int = 4000, seed=None) -> PlanOutcome:
    """Plan with isotropic LQR costs in the representation ``φ`` and execute on the true system.

    ``phi=None`` plans in the true latent with the true model. The goal is given to the planner
    as ``φ(g)``; the tracking cost is written as an LQR problem on the augmented state
    ``[ẑ; 1]``. The policy is closed-loop: at each step the planner observes ``φ(z_t)``.
    """
    x0 = np.asarray(x0, dtype=float)
    if x0.shape != (world.n,) or not np.all(np.isfinite(x0)):
        raise ValueError(f"x0 must be a finite vector of shape ({world.n},), got shape {x0.shape}")
    if phi is None:
        A_hat, B_hat, c, rmse = world.A, world.B, np.zeros(world.n), 0.0
        phi_fn = lambda z: z  # noqa: E731
    else:
        A_hat, B_hat, c, rmse = identify_linear_dynamics(phi, world, n_samples=n_samples, seed=seed)
        phi_fn = phi
    m, k = A_hat.shape[0], B_hat.shape[1]
    g_hat = _apply(phi_fn, world.goal[None, :], "phi")[0]

    # augmented state s = [ẑ; 1]: affine model and tracking cost become a plain LQR problem
    Aa = np.block([[A_hat, c[:, None]], [np.zeros((1, m)), np.ones((1, 1))]])
    Ba = np.vstack([B_hat, np.zeros((1, k))])
    E = np.hstack([np.eye(m), -g_hat[:, None]])  # E s = ẑ − ĝ
    Qx = E.T @ E
    Qf = world.terminal_weight * Qx
    R = world.r * np.eye(k)
    P, K = lqr_gains(Aa, Ba, Qx, R, Qf, world.horizon)

    z = x0.copy()
    s0 = np.append(_apply(phi_fn, z[None, :], "phi")[0], 1.0)
    planned_value = float(s0 @ P[0] @ s0)
    states, actions, cost = [z.copy()], [], 0.0
    for t in range(world.horizon):
        s = np.append(_apply(phi_fn, z[None, :], "phi")[0], 1.0)
        u = -K[t] @ s
        cost += float(np.sum((z - world.goal) ** 2) + world.r * np.sum(u ** 2))
        z = world.A @ z + world.B @ u
        states.append(z.copy())
        actions.append(u)
    cost += float(world.terminal_weight * np.sum((z - world.goal) ** 2))
    return PlanOutcome(true_cost=cost, planned_value=planned_value, actions=np.array(actions),
                       states=np.array(states), model_rmse=rmse)
