"""The mixing's fingerprint: how linear the authors' coupling is, with no training (their scaling table).

Their scaling table and its appendix columns print, per ``n``, ``R²(x→z)`` (an affine least-squares
prediction of the latent ``z`` from the observation ``x = g(z)``) and ``R²(z→x)`` (the other way),
mean ± std over the five mixings of seeds 0-4. Both depend on the mixing alone, so we measure them
on their construction (``authors_coupling``, 4 layers, seeded with the run seed) without training.

Both are pooled ``R²`` of a multi-output affine regression, ``1 − Σ residual² / Σ (b − b̄)²``,
computed from the centred second moments: with ``C_ab`` the cross-covariance of the centred
samples, the explained sum of squares is ``tr(C_ba C_aa⁻¹ C_ab)``, so
``R²(a→b) = tr(C_ba C_aa⁻¹ C_ab) / tr(C_bb)``. One pass over the samples gives both directions;
at ``n = 1024`` and 10⁴ points this is a few seconds where ``lstsq`` takes minutes.
(``validation.metrics.r2`` is the same quantity by least squares: the tests compare the two.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from lejepa_verify.theory.validate import check_int

#: what the paper used: seeds 0-4, 10 000 evaluation points (App. H.5), their coupling with 4 layers
SEEDS = (0, 1, 2, 3, 4)
POINTS = 10_000
MIXING = "authors_coupling"
LAYERS = 4


def pooled_r2_both(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """``(R²(a→b), R²(b→a))`` of affine least-squares predictions, from centred second moments
    (module docstring). ``a`` and ``b`` are ``(N, d)`` arrays with ``N > d``."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.ndim != 2 or b.ndim != 2 or len(a) != len(b):
        raise ValueError(f"a and b must be 2-D arrays with the same number of rows, got {a.shape} and {b.shape}")
    if len(a) <= max(a.shape[1], b.shape[1]) + 1:
        raise ValueError(f"need more samples than dimensions + 1, got {len(a)} samples of {a.shape[1]} and "
                         f"{b.shape[1]} dimensions")
    a = a - a.mean(0)
    b = b - b.mean(0)
    caa, cbb, cab = a.T @ a, b.T @ b, a.T @ b

    def explained(c_xx: np.ndarray, c_xy: np.ndarray) -> float:
        # tr(C_yx C_xx⁻¹ C_xy) by a Cholesky solve (C_xx is positive definite for N > d samples of a law with density)
        factor = np.linalg.cholesky(c_xx)
        w = np.linalg.solve(factor, c_xy)
        return float(np.sum(w * w))

    return explained(caa, cab) / float(np.trace(cbb)), explained(cbb, cab.T) / float(np.trace(caa))


@dataclass(frozen=True)
class Fingerprint:
    """``R²(x→z)`` and ``R²(z→x)`` of one mixing family at one ``n``, per seed and their mean and std.

    Attributes
    ----------
    n : int
        Latent dimension.
    seeds : tuple[int, ...]
        The mixings' seeds (their run seeds).
    points : int
        Latent samples per seed.
    r2_xz, r2_zx : tuple[float, ...]
        Per seed.
    """

    n: int
    seeds: tuple
    points: int
    r2_xz: tuple
    r2_zx: tuple
    mixing: str = MIXING

    @property
    def r2_xz_mean(self) -> float:
        """Mean of ``r2_xz`` over the seeds."""
        return float(np.mean(self.r2_xz))

    @property
    def r2_zx_mean(self) -> float:
        """Mean of ``r2_zx`` over the seeds."""
        return float(np.mean(self.r2_zx))

    @property
    def r2_xz_std(self) -> float:
        """Standard deviation (ddof 1) of ``r2_xz`` over the seeds; NaN for one seed."""
        return float(np.std(self.r2_xz, ddof=1)) if len(self.r2_xz) > 1 else math.nan

    @property
    def r2_zx_std(self) -> float:
        """Standard deviation (ddof 1) of ``r2_zx`` over the seeds; NaN for one seed."""
        return float(np.std(self.r2_zx, ddof=1)) if len(self.r2_zx) > 1 else math.nan

    def describe(self) -> str:
        """Where the numbers come from, in one line (the scorecard's "run" of a fingerprint)."""
        return (f"computed, no training: {self.mixing} ({LAYERS} layers) at n = {self.n}, seeds "
                f"{', '.join(map(str, self.seeds))}, {self.points} latent points each")

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"n": self.n, "seeds": list(self.seeds), "points": self.points, "mixing": self.mixing,
                "r2_xz": list(self.r2_xz), "r2_zx": list(self.r2_zx),
                "r2_xz_mean": self.r2_xz_mean, "r2_zx_mean": self.r2_zx_mean}


def fingerprint_both(n: int, seeds: Sequence[int] = SEEDS, points: int = POINTS, mixing: str = MIXING) -> Fingerprint:
    """:class:`Fingerprint` of ``mixing`` at ``n``: for each seed its map ``g`` (seeded as their runs
    are) applied to ``points`` standard normal latents (a generator seeded ``10 000 + seed``)."""
    import torch

    from lejepa_verify.validation.observations import make_observation

    n = check_int(n, "n", lo=1)
    points = check_int(points, "points", lo=n + 2)
    seeds = tuple(check_int(s, "seed", lo=0) for s in seeds)
    if not seeds:
        raise ValueError("seeds must name at least one seed, got none")
    xz, zx = [], []
    for s in seeds:
        g = make_observation(mixing, n, n_layers=LAYERS, seed=s)
        z = torch.randn(points, n, generator=torch.Generator().manual_seed(10_000 + s))
        with torch.no_grad():
            x = g(z)
        a, b = pooled_r2_both(x.double().numpy(), z.double().numpy())
        xz.append(a)
        zx.append(b)
    return Fingerprint(n=n, seeds=seeds, points=points, r2_xz=tuple(xz), r2_zx=tuple(zx), mixing=mixing)


def fingerprint(n: int, seeds: Sequence[int] = SEEDS, points: int = POINTS, mixing: str = MIXING) -> float:
    """``R²(x→z)`` of the mixing alone (``authors_coupling`` by default), mean over ``seeds`` on
    ``points`` latents (the first column of their scaling table)."""
    return fingerprint_both(n, seeds, points, mixing).r2_xz_mean
