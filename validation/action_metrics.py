"""What an action-conditioned learner recovered, and what the theory predicts for it (docs/guide.md,
"Worlds with actions"; issue 25). numpy only.

The world: ``z' = ρz + Ba + η``, ``a ~ N(0, Σ_a)``, ``Σ_a = s²VVᵀ`` (``V`` an ``action_dim × r``
orthonormal basis, ``r`` the action rank), ``η ~ N(0, Λ)``, ``Λ = (1 − ρ²)I − BΣ_aBᵀ``
(``numerics/transitions/ou_action.py``). The learner: an embedding ``h`` of the latent and a
linear predictor ``h' ≈ P h + C a`` (``validation/objectives/lejepa_action.py``, or the least
squares one of a trained embedding, :func:`least_squares_predictor`). The metrics are those of
Sidxah/lejepa-action-identifiability (``src/metrics.py``, README §4), written from their
definitions:

- **state up to rotation** (:func:`state_recovery`): ``R²_lin`` (``z`` from ``h`` by the best
  affine map, pooled over coordinates) and ``R²_orth`` (``z`` from ``c* Qᵀh`` with ``Q`` the
  orthogonal Procrustes map, ``Q = UWᵀ`` from the SVD ``h̃ᵀz̃ = USWᵀ`` of the centred data, and
  the best scalar ``c* = tr S / ||h̃||²_F``); the **gap** ``R²_lin − R²_orth ≥ 0`` is the part of
  the linear relation a rotation and a scale cannot express.
- **action axis up to rotation** (:func:`action_axis`): the learned effect in true coordinates,
  ``B̂ = QᵀC``, against ``B``: ``L = B̂B⁺`` and its condition number over its top ``action_dim``
  singular values (``cond``, the peer's ``cond_m``: 1 for ``B̂ = sB`` whatever the conditioning
  of ``B``); the same over the excited directions only, ``L_r = (B̂V)(BV)⁺`` over its top ``r``
  (``cond_excited``; equal to ``cond`` when the actions have full rank); the principal angles
  between ``col(B̂V)`` and ``col(BV)`` (:func:`principal_angles`; for full-rank actions the peer's
  angles between ``col(B̂)`` and ``col(B)``); and ``||B̂V||_F / ||BV||_F``.
- **dynamics** (:func:`dynamics`): ``A = QᵀPQ``, ``ρ̂ = tr A / n``,
  ``D_rel = ||A − ρI||_F / (ρ√n)``.
- **the action axis the embedding implies**: for *any* embedding ``h`` of the latent, the best
  linear predictor's action map is ``C* = M B`` on the span of the actions, ``M = E[h zᵀ]`` the
  linear part of ``h`` (``E[a | z'] = Σ_aBᵀz'`` because ``Cov z' = I``, so
  ``E[h(z') aᵀ] = E[h(z') z'ᵀ] BΣ_a = M BΣ_a``; ``M`` is estimated by least squares). Its
  condition number and angles (``implied_*``) are what the predictor would show with infinite
  data: the part of a trained predictor's error that the embedding explains.
- **the normalised predictive loss** ``n·E||h' − Ph − Ca||² / tr Cov h``.

**Predictions** (:func:`predict`): the world is N(0, I)-stationary and, averaged over the
actions, its pair ``(z, z')`` is exactly the OU channel at ρ, so Theorem A (docs/theory.md §2)
applies to the action-free alignment loss; for the predictive loss the same argument holds (the
guide derives it): with ``E h = 0``, ``Cov h = I``, the least predictive loss is ``tr Λ`` and is
reached exactly by ``h = Qz``, ``P = ρI``, ``C = QB`` on the span of the actions. A learner at
that optimum, scaled as ``h = sQz`` (a penalty holds ``s`` near, not at, 1), has gap 0,
``cond_excited = 1``, every angle 0, ``ρ̂ = ρ``, ``D_rel = 0``, norm ratio ``s`` and normalised
loss ``tr Λ``; with actions of rank ``r < action_dim``, ``C`` is not determined off the excited
span (it gets no gradient), and ``cond`` is infinite wherever that part stays at zero (with
``r = 1``, ``cond_excited`` is 1 by definition and the angle is the readout). For *every*
embedding the same argument bounds the normalised loss below by ``n λ_min(Λ)``
(``loss_bound``): ``Cov(h', h)`` in whitened coordinates has eigenvalues in ``[0, ρ]`` and the
action term is at most ``λ_max(BΣ_aBᵀ) tr Cov h``. These are statements about the optimum (and
one inequality); what a finite run reaches is measured.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from lejepa_verify.validation.metrics import r2

#: a singular value below this fraction of the largest counts as zero (condition number ∞)
SINGULAR_FLOOR = 1e-12


def _finite_matrix(x, name: str, ndim: int = 2) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if a.ndim != ndim or 0 in a.shape:
        raise ValueError(f"{name} must be a non-empty {ndim}-D array, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite, got {int(np.sum(~np.isfinite(a)))} non-finite entries")
    return a


@dataclass(frozen=True)
class StateRecovery:
    """``R²_lin``, ``R²_orth``, their gap, the Procrustes map ``Q`` (``m × n``, ``QᵀQ = I``) and the
    scalar ``c*`` (``z ≈ c* Qᵀh``); module docstring."""

    r2_lin: float
    r2_orth: float
    gap: float
    Q: np.ndarray
    scale: float


def procrustes(h: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, float]:
    """The orthogonal Procrustes map ``Q`` (``m × n``, ``QᵀQ = I_n``) minimising ``||h̃Q − z̃||_F`` over
    the centred rows, and the best scalar ``c*`` of ``||z̃ − c h̃Q||_F`` (module docstring)."""
    h = _finite_matrix(h, "h")
    z = _finite_matrix(z, "z")
    if h.shape[0] != z.shape[0] or h.shape[1] < z.shape[1]:
        raise ValueError(f"h must have as many rows as z and at least its {z.shape[1]} columns, "
                         f"got h {h.shape} and z {z.shape}")
    hc, zc = h - h.mean(0), z - z.mean(0)
    U, S, Wt = np.linalg.svd(hc.T @ zc, full_matrices=False)
    return U @ Wt, float(S.sum() / max(np.sum(hc ** 2), 1e-300))


def state_recovery(h, z) -> StateRecovery:
    """``R²_lin``, ``R²_orth`` and the gap of the embedding ``h`` ``(N, m)`` of the latents ``z`` ``(N, n)``."""
    h = _finite_matrix(h, "h")
    z = _finite_matrix(z, "z")
    Q, c = procrustes(h, z)
    hc, zc = h - h.mean(0), z - z.mean(0)
    r2_orth = float(1.0 - np.sum((zc - c * hc @ Q) ** 2) / np.sum(zc ** 2))
    r2_lin = r2(h, z)
    return StateRecovery(r2_lin, r2_orth, r2_lin - r2_orth, Q, c)


def condition_number(L, k: int) -> float:
    """``σ_1(L) / σ_k(L)`` over the top ``k`` singular values; ``inf`` when ``σ_k`` is below
    ``SINGULAR_FLOOR · σ_1`` (a direction the map does not reach)."""
    L = _finite_matrix(L, "L")
    if not isinstance(k, (int, np.integer)) or not 1 <= k <= min(L.shape):
        raise ValueError(f"k must be an integer in [1, {min(L.shape)}] (the singular values of L), got {k!r}")
    s = np.linalg.svd(L, compute_uv=False)
    if s[0] == 0.0 or s[k - 1] < SINGULAR_FLOOR * s[0]:
        return math.inf
    return float(s[0] / s[k - 1])


def principal_angles(X, Y) -> np.ndarray:
    """The principal angles (degrees, ascending) between the column spaces of ``X`` and ``Y`` (same
    number of rows): ``arccos`` of the singular values of ``Q_XᵀQ_Y`` for orthonormal bases (Björck
    and Golub 1973); ``min(rank X, rank Y)`` angles. A zero matrix spans nothing: ``ValueError``."""
    X = _finite_matrix(X, "X")
    Y = _finite_matrix(Y, "Y")
    if X.shape[0] != Y.shape[0]:
        raise ValueError(f"X and Y must have the same number of rows, got {X.shape} and {Y.shape}")
    bases = []
    for name, M in (("X", X), ("Y", Y)):
        U, s, _ = np.linalg.svd(M, full_matrices=False)
        rank = int(np.sum(s > SINGULAR_FLOOR * max(s[0], 0.0))) if s[0] > 0 else 0
        if rank == 0:
            raise ValueError(f"{name} must span at least one direction, got a zero matrix")
        bases.append(U[:, :rank])
    cos = np.clip(np.linalg.svd(bases[0].T @ bases[1], compute_uv=False), -1.0, 1.0)
    return np.sort(np.degrees(np.arccos(cos)))


@dataclass(frozen=True)
class ActionAxis:
    """The learned action effect against ``B`` (module docstring); angles in degrees, ascending."""

    cond: float
    cond_excited: float
    angles: tuple[float, ...]
    max_angle: float
    norm_ratio: float


def action_axis(Q, C, B, basis=None) -> ActionAxis:
    """``B̂ = QᵀC`` against ``B`` (``n × action_dim``): ``Q`` ``(m, n)`` from :func:`procrustes`, ``C``
    ``(m, action_dim)`` the predictor's action map, ``basis`` ``V`` ``(action_dim, r)`` the excited
    directions (``None``: all of them)."""
    Q, C, B = _finite_matrix(Q, "Q"), _finite_matrix(C, "C"), _finite_matrix(B, "B")
    if Q.shape[0] != C.shape[0] or Q.shape[1] != B.shape[0] or C.shape[1] != B.shape[1]:
        raise ValueError(f"shapes must chain as Q (m, n), C (m, action_dim), B (n, action_dim); got Q {Q.shape}, "
                         f"C {C.shape}, B {B.shape}")
    V = np.eye(B.shape[1]) if basis is None else _finite_matrix(basis, "basis")
    if V.shape[0] != B.shape[1] or V.shape[1] > B.shape[1]:
        raise ValueError(f"basis must be (action_dim, r) with r <= action_dim = {B.shape[1]}, got {V.shape}")
    learned = Q.T @ C
    k = min(B.shape)
    cond = condition_number(learned @ np.linalg.pinv(B), k)
    learned_v, true_v = learned @ V, B @ V
    r = min(V.shape[1], B.shape[0])
    cond_excited = condition_number(learned_v @ np.linalg.pinv(true_v), r)
    try:
        angles = tuple(float(t) for t in principal_angles(learned_v, true_v))
    except ValueError:
        angles = (90.0,)    # nothing learned along the excited directions: orthogonal to all of them
    ratio = float(np.linalg.norm(learned_v) / np.linalg.norm(true_v))
    return ActionAxis(cond, cond_excited, angles, max(angles), ratio)


def dynamics(Q, P, rho: float) -> tuple[float, float]:
    """``ρ̂ = tr A / n`` and ``D_rel = ||A − ρI||_F / (ρ√n)`` for ``A = QᵀPQ`` (module docstring)."""
    Q, P = _finite_matrix(Q, "Q"), _finite_matrix(P, "P")
    if P.shape != (Q.shape[0], Q.shape[0]):
        raise ValueError(f"P must be square with the {Q.shape[0]} rows of Q, got {P.shape}")
    if not 0.0 < rho < 1.0:
        raise ValueError(f"rho must lie in (0, 1), got {rho}")
    A = Q.T @ P @ Q
    n = A.shape[0]
    return float(np.trace(A) / n), float(np.linalg.norm(A - rho * np.eye(n)) / (rho * math.sqrt(n)))


def least_squares_predictor(h, a, h_next) -> tuple[np.ndarray, np.ndarray]:
    """The ``P`` ``(m, m)`` and ``C`` ``(m, action_dim)`` of least squares ``h' ≈ P h + C a`` (no
    intercept, as the trained predictor; the minimum-norm solution, so ``C`` is zero off the span of
    the actions)."""
    h, a, h_next = _finite_matrix(h, "h"), _finite_matrix(a, "a"), _finite_matrix(h_next, "h_next")
    if not h.shape[0] == a.shape[0] == h_next.shape[0] or h.shape != h_next.shape:
        raise ValueError(f"h, a and h_next must have the same rows (and h, h_next one shape), got {h.shape}, "
                         f"{a.shape}, {h_next.shape}")
    design = np.hstack((h, a))
    coef, *_ = np.linalg.lstsq(design, h_next, rcond=None)
    m = h.shape[1]
    return coef[:m].T, coef[m:].T


@dataclass(frozen=True)
class ActionMetrics:
    """Every metric of one learner (module docstring); ``loss`` is ``E||h' − P h − C a||²``,
    ``loss_normalised`` is ``n·loss / tr Cov h``, ``implied_*`` describe ``QᵀMB`` (``M`` the linear part of ``h``)."""

    r2_lin: float
    r2_orth: float
    gap: float
    scale: float
    cond: float
    cond_excited: float
    max_angle: float
    angles: tuple[float, ...]
    norm_ratio: float
    rho_hat: float
    D_rel: float
    loss: float
    loss_normalised: float
    implied_cond_excited: float
    implied_max_angle: float

    def to_dict(self) -> dict:
        """The fields as plain values (an infinite condition number as ``"inf"``), for JSON records."""
        from lejepa_verify.theory.claims import json_safe

        return json_safe(asdict(self))


def action_metrics(z, h, a, h_next, B, rho: float, P, C, basis=None) -> ActionMetrics:
    """The metrics of an embedding ``h`` ``(N, m)`` of latents ``z`` ``(N, n)``, its next embedding
    ``h_next``, the actions ``a`` ``(N, action_dim)`` and a predictor ``(P, C)`` (module docstring)."""
    from lejepa_verify.validation.metrics import linear_map

    state = state_recovery(h, z)
    axis = action_axis(state.Q, C, B, basis)
    rho_hat, d_rel = dynamics(state.Q, P, rho)
    z, h, a, h_next = (np.asarray(x, float) for x in (z, h, a, h_next))
    implied = action_axis(state.Q, linear_map(z, h) @ np.asarray(B, float), B, basis)
    loss = float(np.mean(np.sum((h_next - h @ np.asarray(P).T - a @ np.asarray(C).T) ** 2, axis=1)))
    trace_cov = float(np.sum(np.var(h, axis=0)))
    return ActionMetrics(state.r2_lin, state.r2_orth, state.gap, state.scale, axis.cond, axis.cond_excited,
                         axis.max_angle, axis.angles, axis.norm_ratio, rho_hat, d_rel, loss,
                         z.shape[1] * loss / trace_cov, implied.cond_excited, implied.max_angle)


@dataclass(frozen=True)
class ActionPrediction:
    """What the theory predicts for a learner at the optimum, ``h = sQz`` (module docstring);
    ``loss_bound`` is the lower bound of the normalised loss for every embedding."""

    gap: float
    cond: float
    cond_excited: float
    max_angle: float
    norm_ratio: float
    rho_hat: float
    D_rel: float
    loss_normalised: float
    loss_bound: float

    def to_dict(self) -> dict:
        """The fields as plain values, for JSON records."""
        from lejepa_verify.theory.claims import json_safe

        return json_safe(asdict(self))


def predict(world, scale: float = 1.0) -> ActionPrediction:
    """The optimum's metrics in ``world`` (a :class:`numerics.transitions.ActionWorld`) for an embedding
    ``h = scale·Qz`` (``scale`` the learner's ``sqrt(tr Cov h / n)``; 1 at the constraint)."""
    if not (isinstance(scale, (int, float)) and math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a finite number > 0, got {scale!r}")
    full = world.action_rank == world.action_dim
    lam = np.linalg.eigvalsh(world.noise_cov)
    return ActionPrediction(gap=0.0, cond=1.0 if full else math.inf, cond_excited=1.0, max_angle=0.0,
                            norm_ratio=float(scale), rho_hat=world.rho, D_rel=0.0,
                            loss_normalised=float(lam.sum()), loss_bound=world.dim * float(lam[0]))
