"""``ou_action``: ``z' = ρz + B a + η`` with actions ``a ~ N(0, Σ_a)`` and balanced noise (docs/theory.md §1).

A world with actions that keeps N(0, I) stationary. Actions of dimension ``action_dim``
(``m``) have covariance ``Σ_a = s² V Vᵀ``, ``V`` an ``m × r`` orthonormal basis of rank
``r = action_rank`` (drawn from ``action_seed``; ``r = m`` gives ``Σ_a = s² I``), ``s =
action_scale``. ``B`` (``n × m``) has unit Gaussian directions as columns (drawn from
``action_seed``), scaled so that unit full-rank actions take the share ``action_gain`` of the
innovation budget along its strongest direction: ``λ_max(B Bᵀ) = action_gain (1 − ρ²)``; or it
is given (:func:`numerics.transitions.action_world`). The noise
``η ~ N(0, Λ)``, ``Λ = (1 − ρ²) I − B Σ_a Bᵀ``, is the one that makes N(0, I) a fixed point of
``Σ ↦ ρ² Σ + B Σ_a Bᵀ + Λ`` (the balance the action-conditioned world of
Sidxah/lejepa-action-identifiability uses); the world is refused, with the reason, where ``Λ``
is not positive definite (too much action covariance along ``B``). With the noise
``(1 − ρ²) I`` instead, the stationary covariance would be ``I + B Σ_a Bᵀ/(1 − ρ²)``.

Averaged over the actions, ``B a + η ~ N(0, (1 − ρ²) I)`` independent of ``z``: the pair
``(z, z')`` has exactly the law of the OU channel (``is_ou_channel``), so an action-free learner
sees the paper's Gaussian world; :func:`numerics.transitions.sample_action_triples` returns the
actions too, for a learner that predicts ``z'`` from ``(z, a)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy.special import ndtr

from lejepa_verify.numerics.transitions.base import Transition, register, standard_normal_law
from lejepa_verify.theory.options import Option

__all__ = ["ActionWorld", "OUAction", "build_world"]


@dataclass(frozen=True)
class ActionWorld:
    """The matrices of one ``ou_action`` world (module docstring); shapes ``n = dim``, ``m = action_dim``.

    ``B`` ``(n, m)``; ``action_basis`` ``V`` ``(m, r)``; ``action_cov`` ``Σ_a = s² V Vᵀ``
    ``(m, m)``; ``noise_cov`` ``Λ`` ``(n, n)`` and its symmetric square root ``noise_root``.
    """

    rho: float
    action_scale: float
    B: np.ndarray = field(repr=False)
    action_basis: np.ndarray = field(repr=False)
    action_cov: np.ndarray = field(repr=False)
    noise_cov: np.ndarray = field(repr=False)
    noise_root: np.ndarray = field(repr=False)

    @property
    def dim(self) -> int:
        """The latent dimension ``n``."""
        return self.B.shape[0]

    @property
    def action_dim(self) -> int:
        """The action dimension ``m``."""
        return self.B.shape[1]

    @property
    def action_rank(self) -> int:
        """The rank ``r`` of the action covariance."""
        return self.action_basis.shape[1]

    def draw(self, z: np.ndarray, rng: np.random.Generator):
        """Actions ``a`` ``(N, m)`` and ``z' = ρz + B a + η`` for the rows of ``z`` ``(N, n)``."""
        a = (rng.standard_normal((len(z), self.action_rank)) * self.action_scale) @ self.action_basis.T
        eta = rng.standard_normal(z.shape) @ self.noise_root.T
        return a, self.rho * z + a @ self.B.T + eta

    def stationary_covariance(self, noise_cov: np.ndarray | None = None) -> np.ndarray:
        """The stationary covariance of the chain, solving ``Σ = ρ² Σ + B Σ_a Bᵀ + Λ`` (scipy's
        discrete Lyapunov solver; ``noise_cov`` replaces ``Λ`` to ask about another noise)."""
        from scipy.linalg import solve_discrete_lyapunov

        lam = self.noise_cov if noise_cov is None else np.asarray(noise_cov, dtype=float)
        q = self.B @ self.action_cov @ self.B.T + lam
        return solve_discrete_lyapunov(self.rho * np.eye(self.dim), 0.5 * (q + q.T))

    def to_dict(self) -> dict:
        """The matrices as nested lists, for JSON records."""
        return {"rho": self.rho, "action_scale": self.action_scale, "B": self.B.tolist(),
                "action_basis": self.action_basis.tolist(), "action_cov": self.action_cov.tolist(),
                "noise_cov": self.noise_cov.tolist()}


def build_world(dim: int, rho: float, action_dim: int, action_rank: int | None, action_scale: float,
                action_gain: float, action_seed: int, B: np.ndarray | None = None) -> ActionWorld:
    """The world of validated arguments; ``ValueError`` where ``Λ`` is not positive definite."""
    rank = action_dim if action_rank is None else action_rank
    if rank > action_dim:
        raise ValueError(f"action_rank must be <= action_dim = {action_dim}, got {action_rank}")
    rng = np.random.default_rng(action_seed)
    directions = rng.standard_normal((dim, action_dim))
    directions /= np.linalg.norm(directions, axis=0)
    basis = np.eye(action_dim)
    if rank < action_dim:
        basis = np.linalg.qr(rng.standard_normal((action_dim, rank)))[0]
    budget = 1.0 - rho * rho
    if B is None:
        B = directions * math.sqrt(action_gain * budget / np.linalg.eigvalsh(directions @ directions.T).max())
    cov_a = action_scale ** 2 * (basis @ basis.T)
    pushed = B @ cov_a @ B.T
    lam = budget * np.eye(dim) - pushed
    lam = 0.5 * (lam + lam.T)
    vals, vecs = np.linalg.eigh(lam)
    if vals.min() <= 1e-12 * budget:
        raise ValueError(
            f"ou_action: the balanced noise covariance Λ = (1 − ρ²) I − B Σ_a Bᵀ is not positive definite "
            f"(smallest eigenvalue {vals.min():.3g} at rho = {rho:g}): the actions' covariance along B "
            f"(largest eigenvalue of B Σ_a Bᵀ {np.linalg.eigvalsh(pushed).max():.3g}) must stay below the "
            f"innovation budget 1 − ρ² = {budget:.3g}; lower action_scale or action_gain")
    root = (vecs * np.sqrt(vals)) @ vecs.T
    return ActionWorld(float(rho), float(action_scale), B, basis, cov_a, lam, root)


@lru_cache(maxsize=64)
def _cached_world(dim: int, rho: float, items: tuple) -> ActionWorld:
    return build_world(dim, rho, **dict(items))


@register
class OUAction(Transition):
    """The Gaussian world with actions and balanced noise."""

    name = "ou_action"
    summary = "ρz + B a + η, a ~ N(0, Σ_a), η ~ N(0, (1 − ρ²)I − B Σ_a Bᵀ): N(0, I) stationary, with actions"
    options = (
        Option("action_dim", "int", 2, "dimension m of the actions a", low=1, high=4096),
        Option("action_rank", "int", None, "rank r of the action covariance (none: full rank m)", low=1,
               nullable=True),
        Option("action_scale", "float", 1.0, "standard deviation of the actions along their directions",
               low=0.0, low_open=True),
        Option("action_gain", "float", 0.5, "share of the innovation budget 1 − ρ² that unit full-rank actions "
               "take along B's strongest direction", low=0.0, low_open=True),
        Option("action_seed", "int", 0, "seed of B's directions and of the action basis", low=0),
    )

    def available(self, law):
        return law.is_gaussian

    def unavailable_reason(self, law):
        return f" (its balanced noise keeps N(0, I) only, and a {law.name} law is not Gaussian)"

    def check(self, law, rho, action_rank=None, action_dim=2, **options):
        if action_rank is not None and action_rank > action_dim:
            raise ValueError(f"action_rank must be <= action_dim = {action_dim}, got {action_rank}")

    def check_dim(self, law, rho, dim, **options):
        self.world(dim, rho, **options)

    def world(self, dim: int, rho: float, **options) -> ActionWorld:
        """The (cached) world of ``dim`` latent dimensions at ``rho`` with validated options."""
        return _cached_world(int(dim), float(rho), tuple(sorted(options.items())))

    def step(self, law, rho, z, rng, **options):
        flat = z.reshape(-1, z.shape[-1])
        return self.world(z.shape[-1], rho, **options).draw(flat, rng)[1].reshape(z.shape)

    def conditional_cdf(self, law, rho, t, z, **options):
        # one coordinate, the actions averaged out: N(ρz, 1 − ρ²)
        return ndtr((np.asarray(t, dtype=float) - rho * z) / math.sqrt(1.0 - rho * rho))

    def next_cdf(self, law, rho, t, zq, wq, **options):
        # each coordinate of B a + η is N(0, 1 − ρ²): the OU channel's one-step law
        c = math.sqrt(1.0 - rho * rho)
        return ndtr((t[:, None] - rho * zq[None, :]) / c) @ wq

    def is_ou_channel(self, law):
        return True

    def world_law(self, rho, **options):
        return standard_normal_law()
