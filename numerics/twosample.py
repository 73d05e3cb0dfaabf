"""Two-sample distances with their noise level: is the law of ``x`` the law of ``y``?

Used to show that a map preserves N(0, I) (docs/theory.md §2), to measure the stationarity defect
of a transition (§3) and the distance of a linear image of a non-Gaussian latent to N(0, I).

The statistic is the energy distance
``E(X, Y) = 2 E||X − Y|| − E||X − X'|| − E||Y − Y'||`` (V-statistic), which is zero exactly
when the two laws agree. Its noise level comes from a permutation null computed on the pooled
sample: the p-value, and the null mean and standard deviation of the statistic.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from scipy.spatial.distance import cdist

from lejepa_verify.theory.validate import check_int

__all__ = ["TwoSampleResult", "as_samples", "energy_distance", "energy_test", "gaussian_energy_test"]

_MAX_POOLED = 12_000  # the pooled distance matrix is (N_x + N_y)² doubles


@dataclass(frozen=True)
class TwoSampleResult:
    """Energy distance between two samples and its permutation null.

    ``excess`` is ``(statistic − null_mean) / null_std``: about N(0, 1)-sized under equal laws,
    large when they differ.
    """

    statistic: float
    p_value: float
    null_mean: float
    null_std: float
    n_x: int
    n_y: int
    permutations: int

    @property
    def excess(self) -> float:
        """``(statistic − null mean) / null std``: the statistic in null standard deviations (inf for a degenerate null)."""
        return (self.statistic - self.null_mean) / self.null_std if self.null_std > 0 else float("inf")

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        d = asdict(self)
        d["excess"] = self.excess
        return d


def as_samples(a, name: str) -> np.ndarray:
    """``a`` as a finite float array of shape (N, d), N >= 2 (a 1D array is one column)."""
    a = np.asarray(a, dtype=float)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2 or a.shape[0] < 2:
        raise ValueError(f"{name} must have shape (N,) or (N, d) with N >= 2, got {np.shape(a)}")
    if not np.all(np.isfinite(a)):
        bad = np.argwhere(~np.isfinite(a))[0][0]
        raise ValueError(f"{name} holds non-finite values (first at row {bad})")
    return a


def _energy_from_distances(d: np.ndarray, ix: np.ndarray, iy: np.ndarray) -> float:
    return float(2 * d[np.ix_(ix, iy)].mean() - d[np.ix_(ix, ix)].mean() - d[np.ix_(iy, iy)].mean())


def energy_distance(x, y) -> float:
    """The energy distance between the samples ``x`` (N, d) and ``y`` (M, d)."""
    x, y = as_samples(x, "x"), as_samples(y, "y")
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"x and y must have the same dimension, got {x.shape[1]} and {y.shape[1]}")
    return float(2 * cdist(x, y).mean() - cdist(x, x).mean() - cdist(y, y).mean())


def energy_test(x, y, *, permutations: int = 200, seed=None) -> TwoSampleResult:
    """Energy distance with a permutation p-value and null mean/std (its noise level)."""
    x, y = as_samples(x, "x"), as_samples(y, "y")
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"x and y must have the same dimension, got {x.shape[1]} and {y.shape[1]}")
    permutations = check_int(permutations, "permutations", 10, 100_000)
    n, m = len(x), len(y)
    if n + m > _MAX_POOLED:
        raise ValueError(f"x and y together must hold at most {_MAX_POOLED} points, got {n + m}")
    pooled = np.vstack([x, y])
    d = cdist(pooled, pooled)
    ix, iy = np.arange(n), np.arange(n, n + m)
    stat = _energy_from_distances(d, ix, iy)
    rng = np.random.default_rng(seed)
    null = np.empty(permutations)
    for k in range(permutations):
        perm = rng.permutation(n + m)
        null[k] = _energy_from_distances(d, perm[:n], perm[n:])
    p = (1 + np.count_nonzero(null >= stat)) / (permutations + 1)
    return TwoSampleResult(stat, float(p), float(null.mean()), float(null.std(ddof=1)), n, m, permutations)


def gaussian_energy_test(x, *, n_reference: int | None = None, permutations: int = 200, seed=None) -> TwoSampleResult:
    """Energy test of the sample ``x`` (N, d) against a fresh N(0, I_d) sample of the same size."""
    x = as_samples(x, "x")
    rng = np.random.default_rng(seed)
    ref = rng.standard_normal((n_reference or len(x), x.shape[1]))
    return energy_test(x, ref, permutations=permutations, seed=rng)
