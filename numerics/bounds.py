"""Approximate identifiability from samples: ε, δ, D and the bound of Prop 4.3 (docs/theory.md §4).

For a map ``h`` with ``E h = 0``::

    ε = ||Cov h − I||_F,   δ = L(h) − 2(1 − ρ) tr Cov h,   D = δ / (2ρ(1 − ρ)),
    M = E[h(z) zᵀ] = U Σ Vᵀ,   Q = U Vᵀ (the polar factor),
    E ||h(z) − Q z||² ≤ D + (ε + D)².

Everything here works from samples ``z``, ``h(z)`` and ``h(z')`` (``z'`` drawn from the
transition given ``z``), so **ε and δ are sample estimates**, not the population quantities
of the proposition. Two kinds of number come back:

* **Plug-in values** (``epsilon, delta, D, bound, error``), with bootstrap standard errors and
  percentile intervals. δ̂ can come out slightly negative although δ ≥ 0; ``D`` and the bound use
  ``max(δ̂, 0)`` and the raw δ̂ is reported. The plug-in bound is *not* a confidence bound: δ̂'s
  noise can exceed δ itself, and ε̂ is biased upwards by about ``m/√N``.
* **Confidence limits** at ``level`` (``bound_upper``, ``error_lower``, ``error_upper``), built
  below with their assumptions.

Definitions (``definitions="ours"``, the default, against ``"authors"``, which reproduces
the authors' bound figure, ``paper_numbers.toml`` [bound_figure] notes):

1. covariance divisor: ours ``1/N`` (the moment estimate), theirs ``1/(N − 1)`` (unbiased);
2. δ: ours stored raw (it may be negative; ``D`` clips it), theirs clipped at 0 before it is
   stored;
3. the mean: ours adds ``||E h||²`` to the bound, because ``E||h − Qz||² = E||(h − E h) − Qz||²
   + ||E h||²`` when ``E z = 0``; theirs has no such term (their bound assumes ``E h = 0``).

The confidence limits do not depend on ``definitions``.

``epsilon_sq_unbiased`` removes the plug-in's bias by splitting the samples into two
independent halves with unbiased covariances ``S_1, S_2``: ``E tr((S_1 − I)(S_2 − I)) = ε²``
exactly, averaged over random splits; it can come out negative when ε is small.
``BoundEstimate.epsilon_debiased`` is ``sqrt(max(that, 0))``.

The polar factor is exact (one SVD); for ``m > n`` it is the ``m × n`` matrix with
orthonormal columns closest to ``M``. numpy and scipy only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
from scipy import stats

from lejepa_verify.numerics.twosample import as_samples
from lejepa_verify.theory.validate import check_choice, check_int, check_positive, check_rho

__all__ = [
    "BoundEstimate", "DEFINITIONS", "MIN_SAMPLES", "approximate_identifiability", "bound_value",
    "epsilon_sq_unbiased", "polar_factor", "spectral_gap",
]

DEFINITIONS = ("ours", "authors")
#: groups of the split-sample confidence bounds on ε² and ||E h||²
_GROUPS = 20
#: fewest pairs the confidence limits accept: two per group, so each group has a covariance
MIN_SAMPLES = 2 * _GROUPS
#: inputs beyond this size overflow the second moments (their squares summed over N·m terms)
_MAX_ABS = 1e100


def spectral_gap(rho: float) -> float:
    """``2ρ(1 − ρ)``: the least extra alignment cost of a unit of energy above degree 1 (§2)."""
    check_rho(rho)
    return _gap(float(rho))


def _gap(rho: float) -> float:
    return 2.0 * rho * (1.0 - rho)


def bound_value(epsilon: float, delta: float, rho: float) -> tuple[float, float]:
    """``(D, D + (ε + D)²)`` with ``D = δ / (2ρ(1 − ρ))`` (Prop 4.3); δ and ε must be ``>= 0``.

    The package's one statement of the bound: the plug-in values and the confidence limit of
    :func:`approximate_identifiability` and the analytic families (:mod:`numerics.bound_families`)
    evaluate it through here.
    """
    check_positive(epsilon, "epsilon", strict=False)
    check_positive(delta, "delta", strict=False)
    check_rho(rho)
    return _bound(float(epsilon), float(delta), float(rho))


def _bound(epsilon: float, delta: float, rho: float) -> tuple[float, float]:
    """:func:`bound_value` on values already checked (a path that validated them at its boundary);
    non-finite inputs pass through, for the caller's own overflow message."""
    D = delta / _gap(rho)
    return D, D + (epsilon + D) ** 2


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
    """Sample estimates of the quantities of Prop 4.3, with bootstrap uncertainty and confidence limits.

    ``error`` is ``E||h − Qz||²`` (the Procrustes MSE) measured on the samples with the fitted
    ``Q``; ``bound`` is the plug-in ``D + (ε + D)² (+ ||E h||²)``; ``holds`` compares the two
    point estimates. ``stderr`` and ``interval`` map each of ``epsilon, delta, D, bound, error``
    to its bootstrap standard error and percentile interval at level ``confidence``.

    At ``level``: ``bound_upper`` is an upper confidence bound on the population error
    ``E||h − Qz||²`` (Q the population polar factor), ``[error_lower, error_upper]`` a
    confidence interval for the same population error, and ``epsilon_upper``, ``delta_upper``,
    ``mean_sq_upper`` the one-sided limits ``bound_upper`` is assembled from
    (:func:`approximate_identifiability`). ``definitions`` names the convention of the plug-in
    values (module docstring).
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
    level: float = 0.95
    bound_upper: float = float("nan")
    error_lower: float = float("nan")
    error_upper: float = float("nan")
    epsilon_upper: float = float("nan")
    delta_upper: float = float("nan")
    mean_sq_upper: float = float("nan")
    definitions: str = "ours"

    @property
    def holds_with_margin(self) -> bool:
        """``error`` upper interval end below the ``bound`` lower end (needs a bootstrap)."""
        if not self.interval:
            return self.holds
        return self.interval["error"][1] <= self.interval["bound"][0]

    @property
    def violated(self) -> bool:
        """The measured error's lower limit above ``bound_upper``: evidence against Prop 4.3 at ``level``."""
        return bool(self.error_lower > self.bound_upper)

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
            "level": self.level, "bound_upper": self.bound_upper, "error_lower": self.error_lower,
            "error_upper": self.error_upper, "epsilon_upper": self.epsilon_upper,
            "delta_upper": self.delta_upper, "mean_sq_upper": self.mean_sq_upper,
            "violated": self.violated, "definitions": self.definitions,
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


def _estimates(rho: float, mean, cov, cross, align, hh, raw_cross, zz, *, cov_scale: float = 1.0,
               authors: bool = False) -> dict:
    cov = cov * cov_scale
    epsilon = float(np.linalg.norm(cov - np.eye(cov.shape[0])))
    trace = float(np.trace(cov))
    delta = align - 2.0 * (1.0 - rho) * trace
    if authors:
        delta = max(delta, 0.0)
    D, bound = _bound(epsilon, max(delta, 0.0), rho)
    mean_sq = float(mean @ mean)
    bound = bound + (0.0 if authors else mean_sq)
    Q = polar_factor(cross)
    error = hh - 2.0 * float(np.sum(Q * raw_cross)) + float(np.sum((Q @ zz) * Q))
    return {"epsilon": epsilon, "delta": delta, "D": D, "bound": bound, "error": error,
            "mean_sq_norm": mean_sq, "alignment": align, "trace_cov": trace, "Q": Q}


def _pairwise_upper(gram: np.ndarray, alpha: float) -> float:
    """One-sided upper limit on ``||θ||²`` from ``K`` independent unbiased estimates ``A_k`` of ``θ``.

    ``gram[j, k] = <A_j, A_k>``; ``U = Σ_{j≠k} G_jk / (K(K − 1))`` is unbiased for ``||θ||²``;
    its standard error is the leave-one-group-out jackknife, and the limit is
    ``U + t_{K−1}(1 − α) · se``.
    """
    K = gram.shape[0]
    U, se = _pairwise_u(gram)
    return float(U + stats.t.ppf(1.0 - alpha, K - 1) * se)


def _pairwise_u(gram: np.ndarray) -> tuple[float, float]:
    """``U`` of :func:`_pairwise_upper` and its jackknife standard error."""
    K = gram.shape[0]
    off = gram.sum() - np.trace(gram)
    U = off / (K * (K - 1))
    row = gram.sum(axis=1) - np.diag(gram)                      # Σ_{k≠j} G_jk
    loo = (off - 2.0 * row) / ((K - 1) * (K - 2))               # U without group j
    se = math.sqrt((K - 1) / K * float(np.sum((loo - loo.mean()) ** 2)))
    return float(U), se


def _group_gram(hz: np.ndarray, groups: list[np.ndarray]):
    """Gram matrices of the group estimates ``S_k − I`` (unbiased covariances) and of the group means."""
    m = hz.shape[1]
    K = len(groups)
    means = np.stack([hz[g].mean(axis=0) for g in groups])       # (K, m)
    gram_mean = means @ means.T
    covs = np.empty((K, m, m))
    for k, g in enumerate(groups):
        x = hz[g] - means[k]
        covs[k] = x.T @ x / (len(g) - 1)
        covs[k].flat[:: m + 1] -= 1.0
    flat = covs.reshape(K, -1)
    return flat @ flat.T, gram_mean


def _procrustes_terms(z, hz, Q):
    """Per-row ``||h_i − Q z_i||²``."""
    return np.sum((hz - z @ Q.T) ** 2, axis=1)


def _confidence(rho: float, z, hz, hz_next, level: float, seed) -> dict:
    """The confidence limits of :func:`approximate_identifiability` (see its docstring)."""
    N, n = z.shape
    rng = np.random.default_rng(None if seed is None else [int(seed), 12])
    perm = rng.permutation(N)
    alpha = (1.0 - level) / 3.0                                   # Bonferroni over ε², δ, ||E h||²
    groups = np.array_split(perm, _GROUPS)
    gram_cov, gram_mean = _group_gram(hz, groups)
    eps_sq_up = _pairwise_upper(gram_cov, alpha)
    mean_sq_up = max(_pairwise_upper(gram_mean, alpha), 0.0)
    eps_up = math.sqrt(max(eps_sq_up, 0.0))
    # δ = E||h − h'||² − (1 − ρ)(E||h − Eh||² + E||h' − Eh'||²), h' having the law of h
    # (stationary pairs); the per-row terms are i.i.d. up to the O(1/N) effect of the means
    corr = N / (N - 1.0)
    t_rows = (np.sum((hz - hz_next) ** 2, axis=1)
              - (1.0 - rho) * corr * (np.sum((hz - hz.mean(axis=0)) ** 2, axis=1)
                                      + np.sum((hz_next - hz_next.mean(axis=0)) ** 2, axis=1)))
    t_hi = stats.t.ppf(1.0 - alpha, N - 1)
    delta_up = float(t_rows.mean() + t_hi * t_rows.std(ddof=1) / math.sqrt(N))
    bound_upper = _bound(eps_up, max(delta_up, 0.0), rho)[1] + mean_sq_up
    # measured error: the in-sample fit is optimistic (its Q minimises the sample error), a
    # cross-fitted Q (fitted on one half, evaluated on the other) pessimistic in expectation
    two = stats.t.ppf(0.5 + level / 2.0, N - 1)
    fit = polar_factor(hz.T @ z)
    e_in = _procrustes_terms(z, hz, fit)
    a, b = perm[: N // 2], perm[N // 2:]
    qa, qb = polar_factor(hz[a].T @ z[a]), polar_factor(hz[b].T @ z[b])
    e_out = np.concatenate([_procrustes_terms(z[b], hz[b], qa), _procrustes_terms(z[a], hz[a], qb)])
    error_lower = float(e_in.mean() - two * e_in.std(ddof=1) / math.sqrt(N))
    error_upper = float(e_out.mean() + two * e_out.std(ddof=1) / math.sqrt(N))
    return {"epsilon_sq_unbiased": _pairwise_u(gram_cov)[0], "bound_upper": float(bound_upper), "error_lower": max(error_lower, 0.0), "error_upper": error_upper,
            "epsilon_upper": eps_up, "delta_upper": delta_up, "mean_sq_upper": mean_sq_up}


def _check_array(a: np.ndarray, name: str) -> np.ndarray:
    if a.shape[1] == 0:
        raise ValueError(f"{name} must have at least one column, got shape {a.shape}")
    big = float(np.abs(a).max())
    if big > _MAX_ABS:
        raise ValueError(f"{name} holds values up to {big:.3g}; at most {_MAX_ABS:.0e} in absolute value are "
                         "allowed (their second moments would overflow)")
    return a


def approximate_identifiability(
    z,
    hz,
    hz_next,
    rho: float,
    level: float = 0.95,
    *,
    n_bootstrap: int = 200,
    confidence: float | None = None,
    seed: int | None = 0,
    definitions: str = "ours",
) -> BoundEstimate:
    """Estimate ε, δ, D, the bound and the Procrustes error from paired samples (docs/theory.md §4).

    Parameters
    ----------
    z : (N, n) latents, drawn from the latent law (population mean 0, covariance I).
    hz : (N, m) the map at ``z``, ``m >= n``.
    hz_next : (N, m) the map at ``z'``, the transition of each row of ``z``.
    rho : the transition's correlation, in (0, 1).
    level : confidence level of ``bound_upper`` and ``[error_lower, error_upper]``, in (0, 1).
    n_bootstrap : resamples of the N pairs for the plug-in values' standard errors and
        percentile intervals (0: none).
    confidence : level of those percentile intervals (default: ``level``).
    seed : seed of the bootstrap, of the random groups and of the cross-fitting split.
    definitions : ``"ours"`` or ``"authors"``: the convention of the plug-in values (module
        docstring); the confidence limits are the same under both.

    The confidence limits
    ---------------------
    Assumptions: the N pairs ``(z_i, z'_i)`` are i.i.d., ``z'`` has the law of ``z``
    (a stationary transition), ``h`` has finite fourth moments (the central limit theorem
    for the row averages below), and Prop 4.3 holds for the population (Gaussian latents and the
    OU channel). With ``α = (1 − level)/3``:

    * ``ε`` (debiased): the rows are split into ``K = 20`` random groups with unbiased
      covariances ``S_k``; ``U = Σ_{j≠k} tr((S_j − I)(S_k − I)) / (K(K − 1))`` is unbiased for
      ``ε²``, its jackknife standard error over groups gives the one-sided limit
      ``ε²_U = U + t_{K−1}(1 − α) se`` and ``ε_U = sqrt(max(ε²_U, 0))``.
    * ``δ`` (one-sided): ``δ`` is the mean of the i.i.d. row terms
      ``||h_i − h'_i||² − (1 − ρ)(||h_i − h̄||² + ||h'_i − h̄'||²) N/(N − 1)``;
      ``δ_U = mean + t_{N−1}(1 − α) sd/√N`` and ``D_U = max(δ_U, 0) / (2ρ(1 − ρ))``.
    * ``||E h||²``: the same group construction on the group means, limit ``m_U``.
    * ``bound_upper = D_U + (ε_U + D_U)² + m_U``. The bound is increasing in ``ε``, ``D`` and
      ``||E h||²``, so with probability ``>= level`` (Bonferroni over the three limits) it is at
      least the population bound, which is at least the population error by Prop 4.3. No
      correction for the estimated ``Q`` is needed here: none of ``ε, δ, E h`` involves ``Q``.
    * The estimated ``Q`` enters the measured error. The in-sample Procrustes error uses the
      ``Q̂`` that minimises the sample error, so its mean is at most the population error: the
      lower limit is ``mean − t sd/√N``. Cross-fitting (``Q̂`` fitted on one random half and
      evaluated on the other, both ways) has a mean at least the population error: the upper
      limit is ``mean + t sd/√N``; ``t = t_{N−1}((1 + level)/2)``. Together ``[error_lower,
      error_upper]`` covers ``E||h − Qz||²`` with probability ``>= level`` (asymptotically).

    A run with ``error_lower > bound_upper`` (``BoundEstimate.violated``) contradicts Prop 4.3 at
    the stated level.
    """
    check_rho(rho)
    rho = float(rho)
    check_rho(level, "level")
    level = float(level)
    confidence = level if confidence is None else float(check_rho(confidence, "confidence"))
    check_choice(definitions, "definitions", DEFINITIONS)
    z = _check_array(as_samples(z, "z"), "z")
    hz = _check_array(as_samples(hz, "hz"), "hz")
    hz_next = _check_array(as_samples(hz_next, "hz_next"), "hz_next")
    N, n = z.shape
    if hz.shape[0] != N or hz_next.shape != hz.shape:
        raise ValueError(f"hz and hz_next must both have shape ({N}, m), got {hz.shape} and {hz_next.shape}")
    if hz.shape[1] < n:
        raise ValueError(f"hz must have at least n = {n} columns (m >= n), got {hz.shape[1]}")
    if N < MIN_SAMPLES:
        raise ValueError(f"z, hz and hz_next must hold at least {MIN_SAMPLES} pairs for the confidence limits "
                         f"({_GROUPS} groups of two), got N = {N}")
    n_bootstrap = check_int(n_bootstrap, "n_bootstrap", 0)
    authors = definitions == "authors"
    cov_scale = N / (N - 1.0) if authors else 1.0

    full = _estimates(rho, *_moments(np.full(N, 1.0 / N), z, hz, hz_next), cov_scale=cov_scale, authors=authors)
    stderr: dict[str, float] = {}
    interval: dict[str, tuple[float, float]] = {}
    if n_bootstrap:
        rng = np.random.default_rng(seed)
        keys = ("epsilon", "delta", "D", "bound", "error")
        draws = {k: [] for k in keys}
        # a resample is a multinomial weighting of the N pairs: no copies of the data
        for _ in range(n_bootstrap):
            w = rng.multinomial(N, np.full(N, 1.0 / N)).astype(float) / N
            est = _estimates(rho, *_moments(w, z, hz, hz_next), cov_scale=cov_scale, authors=authors)
            for key in keys:
                draws[key].append(est[key])
        lo_q, hi_q = (1.0 - confidence) / 2.0, 1.0 - (1.0 - confidence) / 2.0
        for key in keys:
            d = np.asarray(draws[key])
            stderr[key] = float(np.std(d, ddof=1))
            interval[key] = (float(np.quantile(d, lo_q)), float(np.quantile(d, hi_q)))

    value = {k: float(v) for k, v in full.items() if k != "Q"}
    limits = _confidence(rho, z, hz, hz_next, level, seed)
    if not all(math.isfinite(v) for v in (*value.values(), *limits.values())):
        raise ValueError("hz and hz_next are too large for finite second moments (an estimate overflowed)")
    # the groups' U-statistic is unbiased for ε² like epsilon_sq_unbiased (it uses all pairs of
    # rows from different groups) and costs one covariance pass instead of 2 × 16
    eps_sq = limits["epsilon_sq_unbiased"]
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
        epsilon_debiased=float(np.sqrt(max(eps_sq, 0.0))),
        level=level,
        definitions=definitions,
        **limits,
    )
