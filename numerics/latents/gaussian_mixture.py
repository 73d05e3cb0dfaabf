"""Two-component Gaussian mixture ``w N(μ₁, σ²) + (1 − w) N(μ₂, σ²)`` with mean 0, variance 1 (docs/theory.md §3).

Parameters: ``weight`` w ∈ (0, 1) and ``separation`` d >= 0 with ``w(1 − w)d² < 1``. Means
``μ₁ = −(1 − w)d``, ``μ₂ = wd`` (mean zero, ``d`` apart) and the common component variance
``σ² = 1 − w(1 − w)d²`` (variance one); ``d = 0`` is the standard Gaussian. scipy has no such
law, so :class:`Mixture` evaluates it. Score: the responsibilities times the component scores;
moments from the binomial expansion of each component. Spectral class: ``V → ∞`` (Gaussian
tails), a discrete spectrum. Exact AR(1) chain only at ``d = 0`` (the Ornstein–Uhlenbeck
chain); a bimodal mixture is not self-decomposable, so it has no AR(1) innovation law at all.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special, stats

from lejepa_verify.numerics.latents.base import LawFamily, Parameter, register
from lejepa_verify.numerics.latents.gaussian import DISCRETE, GAUSSIAN_CHAIN, gauss_moment


class Mixture:
    """Two-component Gaussian mixture with a common component scale (scipy has no such law)."""

    def __init__(self, weight: float, mu1: float, mu2: float, sigma: float):
        self.w = np.array([weight, 1.0 - weight])
        self.mu = np.array([mu1, mu2])
        self.sigma = sigma

    def _z(self, x):
        return (np.asarray(x, dtype=float)[..., None] - self.mu) / self.sigma

    def pdf(self, x):
        """Mixture density, elementwise."""
        return (self.w * stats.norm.pdf(self._z(x))).sum(-1) / self.sigma

    def logpdf(self, x):
        """Log of the mixture density, elementwise."""
        return special.logsumexp(stats.norm.logpdf(self._z(x)), b=self.w, axis=-1) - math.log(self.sigma)

    def cdf(self, x):
        """Mixture distribution function, elementwise."""
        return (self.w * special.ndtr(self._z(x))).sum(-1)

    def sf(self, x):
        """Mixture survival function ``1 − F``, accurate in the upper tail."""
        return (self.w * special.ndtr(-self._z(x))).sum(-1)

    def _invert(self, u, fn, comp_quantile, increasing: bool):
        # The mixture quantile lies between the component quantiles at the same level, so
        # bisection on that bracket converges for any u in (0, 1) without a search.
        u = np.asarray(u, dtype=float)
        q = comp_quantile(u[..., None]) * self.sigma + self.mu
        lo, hi = q.min(-1), q.max(-1)
        for _ in range(80):
            mid = 0.5 * (lo + hi)
            below = fn(mid) < u if increasing else fn(mid) > u
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
        out = 0.5 * (lo + hi)
        out = np.where(u <= 0, -np.inf if increasing else np.inf, out)
        return np.where(u >= 1, np.inf if increasing else -np.inf, out)

    def ppf(self, u):
        """Mixture quantile function (``F⁻¹`` solved numerically)."""
        return self._invert(u, self.cdf, stats.norm.ppf, True)

    def isf(self, u):
        """Inverse survival function, ``isf(u) = ppf(1 − u)``, accurate for small ``u``."""
        return self._invert(u, self.sf, stats.norm.isf, False)

    def rvs(self, size, random_state):
        """``size`` draws: a component by its weight, then a Gaussian of that component."""
        comp = random_state.random(size) >= self.w[0]
        return self.mu[comp.astype(int)] + self.sigma * random_state.standard_normal(size)


@register
class GaussianMixture(LawFamily):
    """Two Gaussians with a common scale, means ``d`` apart, standardised (``d = 0`` is N(0, 1))."""
    name = "gaussian_mixture"
    summary = "w N(μ₁, σ²) + (1 − w) N(μ₂, σ²), means d apart"
    parameters = (
        Parameter("weight", 0.5, 0.0, 1.0, why="the first component's weight"),
        Parameter("separation", 1.6, 0.0, math.inf, low_open=False, why="the distance d between the means"),
    )

    def check_joint(self, p):
        w, d = p["weight"], p["separation"]
        d_max = 1.0 / math.sqrt(w * (1.0 - w))
        if not d < d_max:
            raise ValueError(
                f"separation must lie in [0, {d_max:.6g}) for weight {w:g} (the component variance "
                f"1 − w(1 − w)d² must stay positive), got {d!r}"
            )

    def build(self, p):
        w, d = p["weight"], p["separation"]
        return Mixture(w, -(1.0 - w) * d, w * d, math.sqrt(1.0 - w * (1.0 - w) * d * d)), None

    def score(self, law, z):
        m = law._dist
        zz = m._z(z)
        logw = np.log(m.w) + stats.norm.logpdf(zz)
        resp = np.exp(logw - special.logsumexp(logw, axis=-1, keepdims=True))
        return (resp * (-zz / m.sigma)).sum(-1)

    def moment(self, law, k):
        m = law._dist
        total = 0.0
        for w, mu in zip(m.w, m.mu):
            total += w * sum(math.comb(k, j) * mu ** (k - j) * m.sigma**j * gauss_moment(j) for j in range(k + 1))
        return float(total)

    def is_gaussian(self, law):
        return law.params["separation"] == 0.0

    def is_symmetric(self, law):
        p = law.params
        return p["weight"] == 0.5 or p["separation"] == 0.0

    def spectral_theory(self, law):
        return DISCRETE

    def ar1_chain(self, law):
        return GAUSSIAN_CHAIN if self.is_gaussian(law) else None
