"""Approximate identifiability from samples: ε, δ, D and the bound of Prop 4.3 (THEORY.md §4).

For a map ``h`` with ``E h = 0``::

    ε = ||Cov h − I||_F,   δ = L(h) − 2(1 − ρ) tr Cov h,   D = δ / (2ρ(1 − ρ)),
    M = E[h(z) zᵀ] = U Σ Vᵀ,   Q = U Vᵀ (the polar factor),
    E ||h(z) − Q z||² ≤ D + (ε + D)².

Everything here works from samples ``z``, ``h(z)`` and ``h(z')`` (``z'`` drawn from the
transition given ``z``), so **ε and δ are sample estimates**, not the population quantities
of the proposition: δ̂ can even come out slightly negative although δ ≥ 0. ``D`` and the bound
use ``max(δ̂, 0)``; the raw δ̂ is reported as well. The uncertainty of every estimate comes
from a nonparametric bootstrap over the pairs (standard errors and percentile intervals).

If ``E h ≠ 0`` the error is measured on ``h`` itself and the bound gets ``||E h||²`` added:
``E||h − Qz||² = E||(h − E h) − Qz||² + ||E h||²`` because ``E z = 0``.

The plug-in ε is biased upwards by the sampling noise of the covariance: for an exact rotation
of a Gaussian ``E ε̂² ≈ m(m + 1)/N`` (``m = 64, N = 4096``: ε̂ ≈ 1.0 although ε = 0).
``epsilon_sq_unbiased`` removes that bias by splitting the samples into two independent halves
with unbiased covariances ``S_1, S_2``: ``E tr((S_1 − I)(S_2 − I)) = ||Cov h − I||_F² = ε²``
exactly, averaged over random splits; it can come out negative when ε is small.
``BoundEstimate.epsilon_debiased`` is ``sqrt(max(that, 0))``; the bound keeps the plug-in ε.

The polar factor is exact (one SVD); for ``m > n`` it is the ``m × n`` matrix with
orthonormal columns closest to ``M``. numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np

from lejepa_verify.numerics.twosample import as_samples
from lejepa_verify.theory.validate import check_int, check_positive, check_rho

__all__ = [
    "BoundEstimate", "approximate_identifiability", "bound_value", "epsilon_sq_unbiased", "polar_factor",
    "spectral_gap",
]


def spectral_gap(rho: float) -> float:
    """``2ρ(1 − ρ)``: the least extra alignment cost of a unit of energy above degree 1 (§2)."""
    check_rho(rho)
    return 2.0 * float(rho) * (1.0 - float(rho))


def bound_value(epsilon: float, delta: float, rho: float) -> tuple[float, float]:
    """``(D, D + (ε + D)²)`` with ``D = δ / (2ρ(1 − ρ))`` (Prop 4.3); δ and ε must be ``>= 0``."""
    check_positive(epsilon, "epsilon", strict=False)
    check_positive(delta, "delta", strict=False)
    D = float(delta) / spectral_gap(rho)
    return D, D + (float(epsilon) + D) ** 2


def polar_factor(M: np.ndarray) -> np.ndarray:
    """The orthogonal (orthonormal-column) polar factor ``Q = U Vᵀ`` of ``M = U Σ Vᵀ``."""
    M = np.asarray(M, dtype=float)
    if M.ndim != 2 or M.shape[0] < M.shape[1]:
        raise ValueError(f"M must be an m × n matrix with m >= n, got shape {M.shape}")
    if not np.all(np.isfinite(M)):
        raise ValueError("M must be finite, got NaN or inf entries")
    U, _, Vt = np.linalg.svd(M, full_matrices=False)
    return U @ Vt


def epsilon_sq_unbiased(h, *, n_splits: int = 16, seed: int | None = 0) -> float:
    """Unbiased estimate of ``ε² = ||Cov h − I||_F²`` from i.i.d. rows of ``h`` (N, m), N >= 4.

    Each split draws two disjoint random halves with unbiased (``N_k − 1``) covariances
    ``S_1, S_2``; being independent, ``E tr((S_1 − I)(S_2 − I)) = tr((Cov h − I)²)``. The
    result is the mean over ``n_splits`` splits (still unbiased, less variance than one).
    """
    h = as_samples(h, "h")
    N, m = h.shape
    if N < 4:
        raise ValueError(f"h must have at least 4 rows for two halves with a covariance each, got {N}")
    n_splits = check_int(n_splits, "n_splits", 1)
    rng = np.random.default_rng(seed)
    eye = np.eye(m)
    total = 0.0
    for _ in range(n_splits):
        perm = rng.permutation(N)
        a, b = h[perm[: N // 2]], h[perm[N // 2: 2 * (N // 2)]]
        S1 = np.cov(a, rowvar=False, ddof=1).reshape(m, m) - eye
        S2 = np.cov(b, rowvar=False, ddof=1).reshape(m, m) - eye
        total += float(np.sum(S1 * S2))                       # tr(S1 S2) for symmetric matrices
    return total / n_splits


@dataclass(frozen=True)
class BoundEstimate:
    """Sample estimates of the quantities of Prop 4.3, with bootstrap uncertainty.

    ``error`` is ``E||h − Qz||²`` (the Procrustes MSE) measured on the samples; ``bound`` is
    ``D + (ε + D)² + ||E h||²``; ``holds`` compares the two point estimates. ``stderr`` and
    ``interval`` map each of ``epsilon, delta, D, bound, error`` to its bootstrap standard
    error and percentile interval at level ``confidence``. ``epsilon_sq_unbiased`` and
    ``epsilon_debiased`` are the split-sample estimates of ε² and ε (module docstring).
    """

    rho: float
    n_samples: int
    epsilon: float
    delta: float
    D: float
    bound: float
    error: float
    mean_sq_norm: float
    alignment: float
    trace_cov: float
    Q: tuple
    holds: bool
    confidence: float
    n_bootstrap: int
    stderr: Mapping[str, float] = field(default_factory=dict)
    interval: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    epsilon_sq_unbiased: float = float("nan")
    epsilon_debiased: float = float("nan")

    @property
    def holds_with_margin(self) -> bool:
        """``error`` upper interval end below the ``bound`` lower end (needs a bootstrap)."""
        if not self.interval:
            return self.holds
        return self.interval["error"][1] <= self.interval["bound"][0]

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        out = {
            "rho": self.rho, "n_samples": self.n_samples, "epsilon": self.epsilon, "delta": self.delta,
            "D": self.D, "bound": self.bound, "error": self.error, "mean_sq_norm": self.mean_sq_norm,
            "alignment": self.alignment, "trace_cov": self.trace_cov,
            "Q": [list(row) for row in self.Q], "holds": bool(self.holds),
            "confidence": self.confidence, "n_bootstrap": self.n_bootstrap,
            "stderr": dict(self.stderr), "interval": {k: list(v) for k, v in self.interval.items()},
            "epsilon_sq_unbiased": self.epsilon_sq_unbiased, "epsilon_debiased": self.epsilon_debiased,
        }
        return out


def _moments(w: np.ndarray, z, hz, hz_next):
    """Weighted sufficient statistics for weights ``w`` (N,) summing to 1 (one resample)."""
    mean = w @ hz                                                    # (m,)
    hw = hz * w[:, None]
    second = hw.T @ hz                                               # E[h hᵀ]
    cov = second - np.outer(mean, mean)
    raw_cross = hw.T @ z                                             # E[h zᵀ]
    # M = E[(h − E h) zᵀ] = E[h zᵀ] − E h E[z]ᵀ: the same in the population, less noise here
    cross = raw_cross - np.outer(mean, w @ z)
    align = float(w @ np.sum((hz - hz_next) ** 2, axis=1))
    zz = (z * w[:, None]).T @ z
    # E||h − Qz||² expands in the moments: E||h||² − 2 tr(Qᵀ E[h zᵀ]) + tr(Q E[z zᵀ] Qᵀ)
    return mean, cov, cross, align, float(np.trace(second)), raw_cross, zz


def _estimates(rho: float, mean, cov, cross, align, hh, raw_cross, zz) -> dict:
    epsilon = float(np.linalg.norm(cov - np.eye(cov.shape[0])))
    trace = float(np.trace(cov))
    delta = align - 2.0 * (1.0 - rho) * trace
    D = max(delta, 0.0) / (2.0 * rho * (1.0 - rho))
    mean_sq = float(mean @ mean)
    bound = D + (epsilon + D) ** 2 + mean_sq
    Q = polar_factor(cross)
    error = hh - 2.0 * float(np.sum(Q * raw_cross)) + float(np.sum((Q @ zz) * Q))
    return {"epsilon": epsilon, "delta": delta, "D": D, "bound": bound, "error": error,
            "mean_sq_norm": mean_sq, "alignment": align, "trace_cov": trace, "Q": Q}


def approximate_identifiability(
    z,
    hz,
    hz_next,
    rho: float,
    *,
    n_bootstrap: int = 200,
    confidence: float = 0.95,
    seed: int | None = 0,
) -> BoundEstimate:
    """Estimate ε, δ, D, the bound and the Procrustes error from paired samples (THEORY.md §4).

    Parameters
    ----------
    z : (N, n) latents, drawn from the latent law (population mean 0, covariance I).
    hz : (N, m) the map at ``z``, ``m >= n``.
    hz_next : (N, m) the map at ``z'``, the transition of each row of ``z``.
    rho : the transition's correlation, in (0, 1).
    n_bootstrap : resamples of the N pairs for standard errors and intervals (0: none).
    confidence : level of the percentile intervals, in (0, 1).
    seed : seed of the bootstrap resampling.
    """
    check_rho(rho)
    rho = float(rho)
    z = as_samples(z, "z")
    hz = as_samples(hz, "hz")
    hz_next = as_samples(hz_next, "hz_next")
    N, n = z.shape
    if hz.shape[0] != N or hz_next.shape != hz.shape:
        raise ValueError(f"hz and hz_next must both have shape ({N}, m), got {hz.shape} and {hz_next.shape}")
    if hz.shape[1] < n:
        raise ValueError(f"hz must have at least n = {n} columns (m >= n), got {hz.shape[1]}")
    n_bootstrap = check_int(n_bootstrap, "n_bootstrap", 0)
    check_rho(confidence, "confidence")

    full = _estimates(rho, *_moments(np.full(N, 1.0 / N), z, hz, hz_next))
    stderr: dict[str, float] = {}
    interval: dict[str, tuple[float, float]] = {}
    if n_bootstrap:
        rng = np.random.default_rng(seed)
        keys = ("epsilon", "delta", "D", "bound", "error")
        draws = {k: [] for k in keys}
        # a resample is a multinomial weighting of the N pairs: no copies of the data
        for _ in range(n_bootstrap):
            w = rng.multinomial(N, np.full(N, 1.0 / N)).astype(float) / N
            est = _estimates(rho, *_moments(w, z, hz, hz_next))
            for key in keys:
                draws[key].append(est[key])
        lo_q, hi_q = (1.0 - confidence) / 2.0, 1.0 - (1.0 - confidence) / 2.0
        for key in keys:
            d = np.asarray(draws[key])
            stderr[key] = float(np.std(d, ddof=1))
            interval[key] = (float(np.quantile(d, lo_q)), float(np.quantile(d, hi_q)))

    value = {k: float(v) for k, v in full.items() if k != "Q"}
    # centred on the sample mean: ε concerns Cov h, the mean enters the bound separately
    eps_sq = epsilon_sq_unbiased(hz, seed=seed) if N >= 4 else float("nan")
    Q = full["Q"]
    return BoundEstimate(
        rho=rho,
        n_samples=N,
        epsilon=value["epsilon"],
        delta=value["delta"],
        D=value["D"],
        bound=value["bound"],
        error=value["error"],
        mean_sq_norm=value["mean_sq_norm"],
        alignment=value["alignment"],
        trace_cov=value["trace_cov"],
        Q=tuple(tuple(float(x) for x in row) for row in Q),
        holds=bool(value["error"] <= value["bound"]),
        confidence=float(confidence),
        n_bootstrap=n_bootstrap,
        stderr=stderr,
        interval=interval,
        epsilon_sq_unbiased=eps_sq,
        epsilon_debiased=float(np.sqrt(max(eps_sq, 0.0))) if np.isfinite(eps_sq) else float("nan"),
    )
