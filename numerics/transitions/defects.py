"""How far a transition is from leaving its law invariant (docs/theory.md §3).

The population energy distance between ``p`` and the law of ``z'`` by quadrature, and the
sampled two-sample test with its kurtosis sizes, for a transition member whose arguments the
public functions of :mod:`numerics.transitions` have already checked.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from lejepa_verify.numerics.latents import as_rng
from lejepa_verify.numerics.twosample import TwoSampleResult, energy_test

__all__ = ["StationarityDefect", "normal_nodes", "population_energy", "quantile_coupling", "stationarity"]


def normal_nodes(n_panels: int = 160, order: int = 6, y_max: float = 8.5):
    """Composite Gauss–Legendre nodes and weights for ``E g(y)``, ``y ~ N(0, 1)``, on ±y_max.

    Composite panels (rather than Gauss–Hermite) keep the rule accurate for integrands with
    kinks, such as the CDF of a uniform innovation.
    """
    x, w = np.polynomial.legendre.leggauss(order)
    edges = np.linspace(-y_max, y_max, n_panels + 1)
    half = 0.5 * np.diff(edges)
    mid = 0.5 * (edges[1:] + edges[:-1])
    y = (mid[:, None] + half[:, None] * x).ravel()
    wy = (half[:, None] * w).ravel() * np.exp(-0.5 * y * y) / math.sqrt(2 * math.pi)
    return y, wy


def quantile_coupling(law, y) -> np.ndarray:
    """``F⁻¹(Φ(y))``, computed through the upper tail for ``y > 0`` so that it stays accurate."""
    from scipy.special import ndtr

    y = np.asarray(y, dtype=float)
    lower = law.ppf(ndtr(np.minimum(y, 0.0)))
    upper = law.isf(ndtr(-np.maximum(y, 0.0)))
    return np.where(y <= 0, lower, upper)


def population_energy(member, law, rho: float, n_grid: int, options: dict) -> float | None:
    """``2 ∫ (F(t) − F'(t))² dt`` (see :func:`numerics.transitions.population_energy_defect`)."""
    y, wy = normal_nodes()
    zq = quantile_coupling(law, y)
    edge = float(np.abs(zq).max())
    # z' = ρz + ε stays within (ρ + sqrt(1 − ρ²)) times the quadrature range of z
    t_max = (rho + math.sqrt(1 - rho * rho)) * edge
    # an asinh-spaced grid: fine in the bulk, still reaching heavy tails
    v = np.linspace(-math.asinh(t_max), math.asinh(t_max), n_grid)
    t = np.sinh(v)
    next_cdf = member.next_cdf(law, rho, t, zq, wy, **options)
    if next_cdf is None:
        return None
    diff = law.cdf(t) - next_cdf
    return float(2.0 * np.trapezoid(diff * diff, t))


def _excess_kurtosis(law) -> float:
    m4 = law.moment(4)
    return m4 - 3.0 if math.isfinite(m4) else math.inf


@dataclass(frozen=True)
class StationarityDefect:
    """Is the law of ``z'`` the law of ``z``? (docs/theory.md §3)

    ``energy`` is the energy two-sample test between ``z`` from one half of the pairs and
    ``z'`` from the other half (independent samples, so the permutation null is exact); its
    ``p_value`` and ``excess`` (statistic over the null's noise level) size the defect.
    ``excess_kurtosis`` is the population value under ``p`` and ``excess_kurtosis_next`` the
    population value of the law of ``z'`` under this transition: a closed-form size of the
    defect for the authors' channel, equal to ``excess_kurtosis`` for the stationary ones.
    ``population_energy`` is :func:`numerics.transitions.population_energy_defect` (``None``
    for ``langevin``): the quantity whose sample estimate ``energy.statistic`` is, free of
    sampling noise.
    """

    law: str
    transition: str
    rho: float
    n_pairs: int
    energy: TwoSampleResult
    lag_one_corr: float
    excess_kurtosis: float
    excess_kurtosis_next: float
    population_energy: float | None
    sample_kurtosis: float
    sample_kurtosis_next: float

    @property
    def p_value(self) -> float:
        """Permutation p-value of the energy test (pairs' marginals against the law)."""
        return self.energy.p_value

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        d = asdict(self)
        d["energy"] = self.energy.to_dict()
        return d


def stationarity(member, law, rho: float, n_pairs: int, permutations: int, seed: int,
                 options: dict) -> StationarityDefect:
    """:class:`StationarityDefect` from 1-D pairs (see :func:`numerics.transitions.stationarity_defect`)."""
    z, zn = member.sample(law, rho, n_pairs, 1, as_rng(seed), **options)
    z, zn = z[:, 0], zn[:, 0]
    half = n_pairs // 2
    test = energy_test(z[:half], zn[half:], permutations=permutations, seed=seed + 1)
    kurt = _excess_kurtosis(law)
    kurt_next = member.next_excess_kurtosis(law, rho, kurt, **options)

    def sample_kurt(x):
        x = x - x.mean()
        return float((x**4).mean() / (x**2).mean() ** 2 - 3.0)

    return StationarityDefect(
        law=law.label, transition=member.name, rho=rho, n_pairs=n_pairs, energy=test,
        lag_one_corr=float(np.corrcoef(z, zn)[0, 1]), excess_kurtosis=kurt, excess_kurtosis_next=kurt_next,
        population_energy=population_energy(member, law, rho, 3001, options),
        sample_kurtosis=sample_kurt(z), sample_kurtosis_next=sample_kurt(zn),
    )
