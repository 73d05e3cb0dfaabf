"""``langevin``: ``m`` Metropolis-adjusted Langevin (MALA) steps of size τ (docs/theory.md §3).

Proposal ``y = z + τ s(z) + sqrt(2τ) ξ`` accepted with the Metropolis–Hastings ratio, so ``p``
is exactly invariant for any law with a score. τ is calibrated on a pilot run (``pilot_pairs``
pairs drawn with ``pilot_seed``) so that the lag-one correlation is close to ρ;
:func:`numerics.transitions.langevin_kernel` reports the achieved one, never assumed.
"""

from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass

import numpy as np

from lejepa_verify.numerics.transitions.base import Transition, register
from lejepa_verify.theory.options import Option

_TAU_MAX = 0.15  # MALA sub-step size cap: keeps acceptance high so the chain mixes like the diffusion


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


def mala(law, z: np.ndarray, step: float, substeps: int, rng: np.random.Generator):
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
def calibrate(law, rho: float, pilot_pairs: int, seed: int) -> LangevinKernel:
    """The MALA kernel whose pilot lag-one correlation is closest to ``rho`` (arguments already checked)."""
    # Total diffusion time T = −log ρ gives lag-one correlation ρ for the unit Gaussian; other
    # laws differ, so bisect the step on a pilot run with common random numbers.
    t0 = -math.log(rho)
    substeps = max(1, math.ceil(t0 / _TAU_MAX))
    z0 = law.sample(pilot_pairs, seed=seed)

    def corr(step: float):
        z1, acc = mala(law, z0, step, substeps, np.random.default_rng(seed + 1))
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


@register
class Langevin(Transition):
    """Calibrated MALA: exactly invariant for every law, lag-one correlation near ρ."""

    name = "langevin"
    summary = "m MALA steps calibrated to lag-one correlation ρ (exactly invariant for every law)"
    options = (
        Option("pilot_pairs", "int", 4000, "pairs of the pilot run that calibrates the MALA step", low=100, high=10**7),
        Option("pilot_seed", "int", 0, "seed of the pilot run", low=0),
    )

    def step(self, law, rho, z, rng, pilot_pairs=4000, pilot_seed=0):
        kern = calibrate(law, rho, pilot_pairs, pilot_seed)
        return mala(law, z, kern.step, kern.substeps, rng)[0]
