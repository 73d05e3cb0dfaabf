"""Planning from images by nearest-neighbour retrieval (the paper's Reacher procedure, THEORY.md §5).

Given a representation ``r`` of a bank of frames (``r_i = f(x_i)`` for an encoder, or the true
latent ``z_i``), a plan from start frame ``s`` to goal frame ``g`` is the straight line
``r_k = r_s + (k/K)(r_g − r_s)``, ``k = 0..K``, in the representation, each step decoded to the
bank frame nearest to ``r_k`` (Euclidean). Its cost is the length of the decoded path measured
in the true latent, relative to the oracle's straight line there:

    cost = Σ_k ||z_{i_{k+1}} − z_{i_k}|| / ||z_g − z_s||,   i_0 = s, i_K = g.

A representation that is a rotation (or any similarity) of ``z`` retrieves exactly the frames
the true latent retrieves (Cor 4.5: distances and straight lines are preserved), so its cost is
that of the true latent, about 1 up to the bank's spacing; a nonlinear one bends the path and
costs more.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lejepa_verify.theory.validate import check_int


@dataclass(frozen=True)
class RetrievalPlans:
    """Plans between ``pairs`` (``(P, 2)`` bank indices): ``costs`` ``(P,)`` and the retrieved
    indices ``paths`` ``(P, K + 1)``; ``median`` and ``quartiles`` of the costs."""

    costs: np.ndarray
    paths: np.ndarray
    pairs: np.ndarray

    @property
    def median(self) -> float:
        return float(np.median(self.costs))

    @property
    def quartiles(self) -> tuple[float, float]:
        return float(np.quantile(self.costs, 0.25)), float(np.quantile(self.costs, 0.75))

    def to_dict(self) -> dict:
        return {"costs": self.costs.tolist(), "median": self.median, "quartiles": list(self.quartiles),
                "n_pairs": int(len(self.costs)), "steps": int(self.paths.shape[1] - 1)}


def _finite_2d(a, name: str) -> np.ndarray:
    arr = np.asarray(a, dtype=float)
    if arr.ndim != 2 or len(arr) < 2:
        raise ValueError(f"{name} must be an array of shape (N, d) with N >= 2, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got NaN or inf")
    return arr


def start_goal_pairs(n_bank: int, n_pairs: int = 30, *, seed: int = 0) -> np.ndarray:
    """``n_pairs`` distinct (start, goal) bank indices, drawn uniformly with ``start ≠ goal``."""
    n_bank = check_int(n_bank, "n_bank", 2)
    n_pairs = check_int(n_pairs, "n_pairs", 1)
    rng = np.random.default_rng(check_int(seed, "seed", 0))
    s = rng.integers(0, n_bank, n_pairs)
    g = (s + rng.integers(1, n_bank, n_pairs)) % n_bank
    return np.stack((s, g), axis=1)


def plan_by_retrieval(representation, latent, pairs, *, steps: int = 20) -> RetrievalPlans:
    """Straight-line plans in ``representation`` ``(N, d)`` decoded by retrieval, costed in
    ``latent`` ``(N, n)`` (module docstring); ``pairs`` ``(P, 2)`` start and goal indices."""
    rep = _finite_2d(representation, "representation")
    z = _finite_2d(latent, "latent")
    if len(rep) != len(z):
        raise ValueError(f"representation and latent must have the same number of frames, got {len(rep)} and {len(z)}")
    steps = check_int(steps, "steps", 1)
    pairs = np.asarray(pairs)
    if pairs.ndim != 2 or pairs.shape[1] != 2 or not np.issubdtype(pairs.dtype, np.integer):
        raise ValueError(f"pairs must be an integer array of shape (P, 2), got {pairs.dtype} {pairs.shape}")
    if pairs.min() < 0 or pairs.max() >= len(z):
        raise ValueError(f"pairs must index the bank of {len(z)} frames, got indices in [{pairs.min()}, {pairs.max()}]")
    sq = (rep ** 2).sum(1)
    t = np.linspace(0.0, 1.0, steps + 1)
    paths, costs = [], []
    for s, g in pairs:
        oracle = float(np.linalg.norm(z[g] - z[s]))
        if oracle == 0.0:
            raise ValueError(f"start {s} and goal {g} have the same latent; the cost is undefined")
        line = rep[s][None, :] + t[:, None] * (rep[g] - rep[s])[None, :]
        d2 = sq[None, :] - 2.0 * line @ rep.T
        idx = np.argmin(d2, axis=1)
        idx[0], idx[-1] = s, g
        paths.append(idx)
        costs.append(float(np.linalg.norm(np.diff(z[idx], axis=0), axis=1).sum()) / oracle)
    return RetrievalPlans(np.asarray(costs), np.asarray(paths), pairs)
