"""Transitions ``z → z'`` for each latent law, and how far each is from stationary (docs/theory.md §3).

=============  ===========================================================================
name           the pair ``(z, z')``, with ``z ~ p`` drawn exactly
=============  ===========================================================================
``ou``         ``z' = ρz + sqrt(1 − ρ²) η``, ``η ~ N(0, 1)``: only for the Gaussian law, where
               it is the stationary, time-reversible Ornstein–Uhlenbeck (Mehler) channel.
``authors``    ``z' = ρz + sqrt(1 − ρ²) η`` with ``η`` from the *same* unit-variance family
               (the authors' ablation). Variance one and lag-one correlation ρ, but the law of
               ``z'`` differs from ``p`` unless ``p`` is Gaussian: excess kurtosis scales by
               ``ρ⁴ + (1 − ρ²)²`` (cumulants of independent sums add).
``ar1``        exact stationary AR(1) chains ``z' = ρz + ε`` with ``ε`` independent of ``z``:
               Gaussian (= ``ou``); Laplace, ``ε = 0`` with probability ρ², else Laplace of
               the same scale (the characteristic functions satisfy
               ``φ(t)/φ(ρt) = ρ² + (1 − ρ²)/(1 + b²t²)``); uniform on ``[−a, a]`` with
               ``ρ = 1/k``, ``ε`` uniform on the ``k`` points ``a(−1 + (2j + 1)/k)`` (a
               uniform is the sum of the uniform on ``[−a/k, a/k]`` and those centres).
               The other families have no AR(1) innovation law in closed form here (the
               mixture, being bimodal, is not self-decomposable at all), so ``ar1`` refuses them.
``langevin``   ``m`` Metropolis-adjusted Langevin (MALA) steps of size τ: proposal
               ``y = z + τ s(z) + sqrt(2τ) ξ`` accepted with the Metropolis–Hastings ratio, so
               ``p`` is exactly invariant for any law. τ is calibrated on a pilot run so that
               the lag-one correlation is close to ρ; :func:`langevin_kernel` reports it.
=============  ===========================================================================

Coordinates of multidimensional latents are independent, each moved by the same 1-D kernel.
Which transitions a law has, and its exact chain, are declared by the law itself
(``law.available_transitions``, ``law.ar1_chain``, ``law.default_transition``: ``ou`` for a
Gaussian law, ``authors`` otherwise); this module never looks at a law's name.
"""

from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass

import numpy as np

from lejepa_verify.numerics.latents import LatentLaw, as_law, as_rng
from lejepa_verify.numerics.twosample import TwoSampleResult, energy_test
from lejepa_verify.theory.validate import check_choice, check_int, check_rho

__all__ = [
    "TRANSITIONS",
    "LangevinKernel",
    "StationarityDefect",
    "available_transitions",
    "default_transition",
    "langevin_kernel",
    "population_energy_defect",
    "sample_pairs",
    "stationarity_defect",
]

TRANSITIONS = ("ou", "authors", "ar1", "langevin")

_TAU_MAX = 0.15  # MALA sub-step size cap: keeps acceptance high so the chain mixes like the diffusion


def available_transitions(law) -> tuple[str, ...]:
    """The transitions that exist for ``law``, as the law declares them (``law.available_transitions``).

    ``ou`` only for a Gaussian law, ``ar1`` only where the law has an exact chain
    (``law.ar1_chain``); ``authors`` and ``langevin`` for every law. A custom law
    (``latent_law("custom", logpdf=...)``) has ``authors`` (innovations drawn by its inverse CDF)
    and ``langevin`` (its logpdf and score).
    """
    return as_law(law).available_transitions


def default_transition(law) -> str:
    """The law's natural transition: ``ou`` for a Gaussian law, ``authors`` for every other one."""
    return as_law(law).default_transition


def _check_transition(law: LatentLaw, transition: str, rho: float) -> None:
    check_choice(transition, "transition", TRANSITIONS)
    have = available_transitions(law)
    if transition not in have:
        chain = "ou (it is not Gaussian)" if transition == "ou" else "exact ar1 chain"
        why = f" (a {law.name} law{' with these parameters' if law.family.parameters else ''} has no {chain})"
        raise ValueError(
            f"transition {transition!r} is not available for law {law.label}{why}; available: {', '.join(have)}"
        )
    if transition == "ar1":
        law.ar1_chain.check_rho(rho)


@dataclass(frozen=True)
class LangevinKernel:
    """A calibrated MALA kernel: ``substeps`` steps of size ``step`` make one transition.

    ``pilot_corr`` is the lag-one correlation measured on the pilot run (``pilot_pairs``
    pairs, fixed seed) and ``acceptance`` the mean Metropolis acceptance rate there.
    """

    law: str
    target_rho: float
    step: float
    substeps: int
    pilot_corr: float
    acceptance: float
    pilot_pairs: int

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return asdict(self)


def _mala(law: LatentLaw, z: np.ndarray, step: float, substeps: int, rng: np.random.Generator):
    """Run ``substeps`` MALA steps from ``z``; returns the end point and the acceptance rate."""
    z = np.array(z, dtype=float)
    logp, s = law.logpdf(z), law.score(z)
    accepted = 0
    noise = math.sqrt(2.0 * step)
    for _ in range(substeps):
        y = z + step * s + noise * rng.standard_normal(z.shape)
        u = rng.random(z.shape)
        logp_y = law.logpdf(y)
        inside = np.isfinite(logp_y)
        # the score is only defined where p > 0; a proposal outside the support is rejected
        s_y = np.where(inside, law.score(np.where(inside, y, z)), 0.0)
        log_fwd = -((y - z - step * s) ** 2) / (4 * step)
        log_bwd = -((z - y - step * s_y) ** 2) / (4 * step)
        with np.errstate(invalid="ignore"):
            log_a = np.where(inside, logp_y - logp + log_bwd - log_fwd, -np.inf)
        acc = np.log(u) < log_a
        z = np.where(acc, y, z)
        logp = np.where(acc, logp_y, logp)
        s = np.where(acc, s_y, s)
        accepted += int(acc.sum())
    return z, accepted / (z.size * substeps)


@functools.lru_cache(maxsize=64)
def _calibrate(law: LatentLaw, rho: float, pilot_pairs: int, seed: int) -> LangevinKernel:
    # Total diffusion time T = −log ρ gives lag-one correlation ρ for the unit Gaussian; other
    # laws differ, so bisect the step on a pilot run with common random numbers.
    t0 = -math.log(rho)
    substeps = max(1, math.ceil(t0 / _TAU_MAX))
    z0 = law.sample(pilot_pairs, seed=seed)

    def corr(step: float):
        z1, acc = _mala(law, z0, step, substeps, np.random.default_rng(seed + 1))
        return float(np.corrcoef(z0, z1)[0, 1]), acc

    lo, hi = 1e-3 * t0 / substeps, 8.0 * t0 / substeps
    c_hi, _ = corr(hi)
    for _ in range(4):
        if c_hi < rho:
            break
        hi *= 2.0
        c_hi, _ = corr(hi)
    for _ in range(22):
        mid = math.sqrt(lo * hi)
        c, _ = corr(mid)
        if c > rho:
            lo = mid
        else:
            hi = mid
    step = math.sqrt(lo * hi)
    c, acc = corr(step)
    return LangevinKernel(law.label, rho, step, substeps, c, acc, pilot_pairs)


def langevin_kernel(law, rho: float, *, pilot_pairs: int = 4000, seed: int = 0) -> LangevinKernel:
    """Calibrate the MALA kernel for ``law`` so that its lag-one correlation is near ``rho``.

    The achieved correlation is reported (``pilot_corr``), never assumed; exact invariance of
    ``p`` does not depend on the calibration.
    """
    law = as_law(law)
    rho = float(check_rho(rho))
    pilot_pairs = check_int(pilot_pairs, "pilot_pairs", 100, 10**7)
    seed = check_int(seed, "seed", 0)
    return _calibrate(law, rho, pilot_pairs, seed)


def _one_step(law: LatentLaw, transition: str, rho: float, z: np.ndarray, rng: np.random.Generator):
    c = math.sqrt(1.0 - rho * rho)
    if transition == "ou":
        return rho * z + c * rng.standard_normal(z.shape)
    if transition == "authors":
        return rho * z + c * law.sample(z.shape, seed=rng)
    if transition == "ar1":
        return law.ar1_chain.step(law, rho, z, rng)
    kern = _calibrate(law, rho, 4000, 0)
    return _mala(law, z, kern.step, kern.substeps, rng)[0]


def sample_pairs(law, transition: str, rho: float, n_pairs: int, dim: int = 1, seed=None):
    """Draw ``n_pairs`` pairs ``(z, z')`` of shape ``(n_pairs, dim)`` from ``transition``.

    ``z`` is drawn exactly from the law (coordinates independent); ``z'`` from the transition
    named in the module table. Raises ``ValueError`` for ``rho`` outside (0, 1), a transition
    the law does not have (listing those it has), or ``rho`` not ``1/k`` for the uniform chain.
    """
    law = as_law(law)
    rho = float(check_rho(rho))
    _check_transition(law, transition, rho)
    n_pairs = check_int(n_pairs, "n_pairs", 1)
    dim = check_int(dim, "dim", 1)
    rng = as_rng(seed)
    z = law.sample((n_pairs, dim), seed=rng)
    return z, _one_step(law, transition, rho, z, rng)


def _normal_nodes(n_panels: int = 160, order: int = 6, y_max: float = 8.5):
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


def quantile_coupling(law: LatentLaw, y) -> np.ndarray:
    """``F⁻¹(Φ(y))``, computed through the upper tail for ``y > 0`` so that it stays accurate."""
    from scipy.special import ndtr

    y = np.asarray(y, dtype=float)
    lower = law.ppf(ndtr(np.minimum(y, 0.0)))
    upper = law.isf(ndtr(-np.maximum(y, 0.0)))
    return np.where(y <= 0, lower, upper)


def _next_cdf(law: LatentLaw, transition: str, rho: float, t: np.ndarray, zq: np.ndarray, wq: np.ndarray):
    """The CDF of ``z'`` at ``t``: ``E_z F_ε(t − ρz)`` with the innovation CDF ``F_ε``."""
    from scipy.special import ndtr

    c = math.sqrt(1.0 - rho * rho)
    shifted = t[:, None] - rho * zq[None, :]
    if transition == "ou":
        return ndtr(shifted / c) @ wq
    if transition == "authors":
        return law.cdf(shifted / c) @ wq
    return law.ar1_chain.next_cdf(law, rho, t, zq, wq)


def population_energy_defect(law, transition: str, rho: float, *, n_grid: int = 3001) -> float | None:
    """The population energy distance ``2 ∫ (F(t) − F'(t))² dt`` between ``p`` and the law of ``z'``.

    ``F'(t) = E_z F_ε(t − ρz)`` is integrated by quadrature over ``z = F⁻¹(Φ(y))`` (composite
    Gauss–Legendre in ``y``) and the outer integral by the trapezoid rule on a grid that covers
    the support of ``z'``. Zero (to quadrature accuracy, about 1e-9) for a stationary chain.
    Returns ``None`` for ``langevin``, whose one-step law has no closed form: its defect is only
    measured by sampling.
    """
    law = as_law(law)
    rho = float(check_rho(rho))
    _check_transition(law, transition, rho)
    n_grid = check_int(n_grid, "n_grid", 101)
    if transition == "langevin":
        return None
    y, wy = _normal_nodes()
    zq = quantile_coupling(law, y)
    edge = float(np.abs(zq).max())
    # z' = ρz + ε stays within (ρ + sqrt(1 − ρ²)) times the quadrature range of z
    t_max = (rho + math.sqrt(1 - rho * rho)) * edge
    # an asinh-spaced grid: fine in the bulk, still reaching heavy tails
    v = np.linspace(-math.asinh(t_max), math.asinh(t_max), n_grid)
    t = np.sinh(v)
    diff = law.cdf(t) - _next_cdf(law, transition, rho, t, zq, wy)
    return float(2.0 * np.trapezoid(diff * diff, t))


def _excess_kurtosis(law: LatentLaw) -> float:
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
    ``population_energy`` is :func:`population_energy_defect` (``None`` for ``langevin``): the
    quantity whose sample estimate ``energy.statistic`` is, free of sampling noise.
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


def stationarity_defect(law, transition: str, rho: float, *, n_pairs: int = 3000, permutations: int = 200,
                        seed: int = 0) -> StationarityDefect:
    """Measure the stationarity defect of ``transition`` for ``law`` (1-D pairs)."""
    law = as_law(law)
    rho = float(check_rho(rho))
    n_pairs = check_int(n_pairs, "n_pairs", 20, 12_000)
    z, zn = sample_pairs(law, transition, rho, n_pairs, 1, seed=seed)
    z, zn = z[:, 0], zn[:, 0]
    half = n_pairs // 2
    test = energy_test(z[:half], zn[half:], permutations=permutations, seed=seed + 1)
    kurt = _excess_kurtosis(law)
    kurt_next = kurt * (rho**4 + (1 - rho * rho) ** 2) if transition == "authors" else kurt

    def sample_kurt(x):
        x = x - x.mean()
        return float((x**4).mean() / (x**2).mean() ** 2 - 3.0)

    return StationarityDefect(
        law=law.label, transition=transition, rho=rho, n_pairs=n_pairs, energy=test,
        lag_one_corr=float(np.corrcoef(z, zn)[0, 1]), excess_kurtosis=kurt, excess_kurtosis_next=kurt_next,
        population_energy=population_energy_defect(law, transition, rho), sample_kurtosis=sample_kurt(z), sample_kurtosis_next=sample_kurt(zn),
    )
