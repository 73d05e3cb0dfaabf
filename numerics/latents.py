"""Latent laws with unit variance: the worlds of the Gaussian-uniqueness converse (THEORY.md §3).

Every law is built by name through :func:`latent_law` and is standardised to mean zero and
unit variance, so that a linear encoder ``h(z) = z`` already satisfies the LeJEPA moment
constraint and only the *shape* of the law decides whether a linear optimum is feasible.

==================  ========================================  ===============================
name                parameters                                density (before scaling by s)
==================  ========================================  ===============================
``gaussian``        none                                      ``exp(−z²/2)``
``gennorm``         ``alpha > 0`` (shape)                     ``exp(−|z|^α)``; α = 2 Gaussian,
                                                              α = 1 Laplace, α → ∞ uniform
``laplace``         none                                      ``exp(−|z|)``
``uniform``         none                                      ``1`` on ``[−1, 1]``
``logistic``        none                                      ``sech²(z/2)``
``student_t``       ``nu > 2`` (degrees of freedom)           ``(1 + z²/ν)^{−(ν+1)/2}``
``gaussian_mixture````weight`` w ∈ (0, 1), ``separation``     ``w N(μ₁, σ²) + (1 − w) N(μ₂, σ²)``
                    d ≥ 0 with ``w(1 − w)d² < 1``
==================  ========================================  ===============================

The unit-variance scales are ``s = sqrt(Γ(1/α)/Γ(3/α))`` (generalised normal), ``1/sqrt(2)``
(Laplace), ``sqrt(3)`` (uniform on ``[−√3, √3]``), ``sqrt(3)/π`` (logistic) and
``sqrt((ν − 2)/ν)`` (Student-t). The mixture has means ``μ₁ = −(1 − w)d``, ``μ₂ = wd`` (so the
mean is zero and the means are ``d`` apart) and common component variance
``σ² = 1 − w(1 − w)d²`` (so the variance is one); ``d = 0`` is the standard Gaussian.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
from scipy import special, stats

from theory.validate import check_choice, check_int, check_positive

__all__ = ["LATENT_LAWS", "LatentLaw", "as_law", "latent_law"]

LATENT_LAWS = ("gaussian", "gennorm", "laplace", "uniform", "logistic", "student_t", "gaussian_mixture")

_PARAMS: dict[str, dict[str, float]] = {
    "gaussian": {},
    "gennorm": {"alpha": 2.0},
    "laplace": {},
    "uniform": {},
    "logistic": {},
    "student_t": {"nu": 5.0},
    "gaussian_mixture": {"weight": 0.5, "separation": 1.6},
}


class _Mixture:
    """Two-component Gaussian mixture with a common component scale (scipy has no such law)."""

    def __init__(self, weight: float, mu1: float, mu2: float, sigma: float):
        self.w = np.array([weight, 1.0 - weight])
        self.mu = np.array([mu1, mu2])
        self.sigma = sigma

    def _z(self, x):
        return (np.asarray(x, dtype=float)[..., None] - self.mu) / self.sigma

    def pdf(self, x):
        return (self.w * stats.norm.pdf(self._z(x))).sum(-1) / self.sigma

    def logpdf(self, x):
        return special.logsumexp(stats.norm.logpdf(self._z(x)), b=self.w, axis=-1) - math.log(self.sigma)

    def cdf(self, x):
        return (self.w * special.ndtr(self._z(x))).sum(-1)

    def sf(self, x):
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
        return self._invert(u, self.cdf, stats.norm.ppf, True)

    def isf(self, u):
        return self._invert(u, self.sf, stats.norm.isf, False)

    def rvs(self, size, random_state):
        comp = random_state.random(size) >= self.w[0]
        return self.mu[comp.astype(int)] + self.sigma * random_state.standard_normal(size)


def _build(name: str, p: Mapping[str, float]):
    """The standardised distribution object and its scale ``s`` (None for the mixture)."""
    if name == "gaussian":
        return stats.norm(0.0, 1.0), 1.0
    if name == "gennorm":
        a = p["alpha"]
        s = math.exp(0.5 * (special.gammaln(1.0 / a) - special.gammaln(3.0 / a)))
        return stats.gennorm(a, scale=s), s
    if name == "laplace":
        s = 1.0 / math.sqrt(2.0)
        return stats.laplace(scale=s), s
    if name == "uniform":
        s = math.sqrt(3.0)
        return stats.uniform(loc=-s, scale=2 * s), s
    if name == "logistic":
        s = math.sqrt(3.0) / math.pi
        return stats.logistic(scale=s), s
    if name == "student_t":
        nu = p["nu"]
        s = math.sqrt((nu - 2.0) / nu)
        return stats.t(nu, scale=s), s
    w, d = p["weight"], p["separation"]
    return _Mixture(w, -(1.0 - w) * d, w * d, math.sqrt(1.0 - w * (1.0 - w) * d * d)), None


def _validate_params(name: str, given: Mapping[str, Any]) -> dict[str, float]:
    allowed = _PARAMS[name]
    unknown = [k for k in given if k not in allowed]
    if unknown:
        valid = ", ".join(allowed) if allowed else "none"
        raise ValueError(f"law {name!r} has no parameter {unknown[0]!r}; valid parameters: {valid}")
    p = {**allowed, **given}
    if name == "gennorm":
        p["alpha"] = check_positive(p["alpha"], "alpha")
    if name == "student_t":
        nu = check_positive(p["nu"], "nu")
        if nu <= 2.0:
            raise ValueError(f"nu must be > 2 (finite variance), got {p['nu']!r}")
        p["nu"] = nu
    if name == "gaussian_mixture":
        w = check_positive(p["weight"], "weight")
        if not w < 1.0:
            raise ValueError(f"weight must lie in (0, 1), got {p['weight']!r}")
        d = check_positive(p["separation"], "separation", strict=False)
        d_max = 1.0 / math.sqrt(w * (1.0 - w))
        if not d < d_max:
            raise ValueError(
                f"separation must lie in [0, {d_max:.6g}) for weight {w:g} (the component variance "
                f"1 − w(1 − w)d² must stay positive), got {p['separation']!r}"
            )
        p["weight"], p["separation"] = w, d
    return {k: float(v) for k, v in p.items()}


def _as_rng(seed) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
        raise ValueError(f"seed must be an int, a numpy Generator or None, got {seed!r}")
    return np.random.default_rng(seed)


def _as_size(size) -> tuple[int, ...]:
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        return (check_int(int(size), "size", 0),)
    if isinstance(size, tuple) and all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) for s in size):
        return tuple(check_int(int(s), "size", 0) for s in size)
    raise ValueError(f"size must be a non-negative int or a tuple of them, got {size!r}")


def _finite(x, name: str = "z") -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(x)):
        raise ValueError(f"{name} must be finite, got non-finite values")
    return x


@dataclass(frozen=True)
class LatentLaw:
    """A one-dimensional latent law with mean 0 and variance 1 (THEORY.md §3).

    Build it with :func:`latent_law`. Multidimensional latents have independent coordinates,
    each with this law: ``sample((N, n), seed)`` draws them iid per entry.
    """

    name: str
    param_items: tuple[tuple[str, float], ...]
    _dist: Any = field(repr=False, compare=False)
    scale: float | None = field(compare=False)

    @property
    def params(self) -> dict[str, float]:
        return dict(self.param_items)

    @property
    def label(self) -> str:
        """A short human-readable name, e.g. ``gennorm(alpha=4)``."""
        if not self.param_items:
            return self.name
        return f"{self.name}(" + ", ".join(f"{k}={v:g}" for k, v in self.param_items) + ")"

    @property
    def is_gaussian(self) -> bool:
        """True exactly when the law is N(0, 1) (gennorm with α = 2, a mixture with d = 0)."""
        p = self.params
        return (
            self.name == "gaussian"
            or (self.name == "gennorm" and p["alpha"] == 2.0)
            or (self.name == "gaussian_mixture" and p["separation"] == 0.0)
        )

    @property
    def is_symmetric(self) -> bool:
        """True when the law of ``z`` equals the law of ``−z``."""
        p = self.params
        return self.name != "gaussian_mixture" or p["weight"] == 0.5 or p["separation"] == 0.0

    @property
    def support(self) -> tuple[float, float]:
        if self.name == "uniform":
            return (-math.sqrt(3.0), math.sqrt(3.0))
        return (-math.inf, math.inf)

    def sample(self, size, seed=None) -> np.ndarray:
        """Draw ``size`` (an int or a shape tuple) independent values; same seed, same numbers."""
        shape = _as_size(size)
        rng = _as_rng(seed)
        return np.asarray(self._dist.rvs(size=shape, random_state=rng), dtype=float).reshape(shape)

    def pdf(self, z) -> np.ndarray:
        return np.asarray(self._dist.pdf(_finite(z)), dtype=float)

    def logpdf(self, z) -> np.ndarray:
        return np.asarray(self._dist.logpdf(_finite(z)), dtype=float)

    def cdf(self, z) -> np.ndarray:
        return np.asarray(self._dist.cdf(_finite(z)), dtype=float)

    def sf(self, z) -> np.ndarray:
        """Survival function ``1 − F(z)``, accurate in the upper tail."""
        return np.asarray(self._dist.sf(_finite(z)), dtype=float)

    def ppf(self, u) -> np.ndarray:
        return np.asarray(self._dist.ppf(self._prob(u)), dtype=float)

    def isf(self, u) -> np.ndarray:
        """Inverse survival function: ``isf(u) = ppf(1 − u)``, accurate for small ``u``."""
        return np.asarray(self._dist.isf(self._prob(u)), dtype=float)

    @staticmethod
    def _prob(u) -> np.ndarray:
        u = np.asarray(u, dtype=float)
        if not np.all((u >= 0) & (u <= 1)):
            raise ValueError("u must lie in [0, 1]")
        return u

    def score(self, z) -> np.ndarray:
        """The score ``s(z) = (log p)'(z)``.

        At ``z = 0`` the Laplace and the generalised normal with α ≤ 1 have no derivative;
        the symmetric value 0 is returned there. Outside the support of the uniform law the
        score is undefined and returned as ``nan``; inside it is 0.
        """
        z = _finite(z)
        p = self.params
        if self.name == "gaussian":
            return -z
        if self.name in ("gennorm", "laplace"):
            a = p.get("alpha", 1.0)
            s = self.scale
            with np.errstate(divide="ignore", invalid="ignore"):
                out = -a * np.sign(z) * np.abs(z / s) ** (a - 1.0) / s
            return np.where(z == 0, 0.0, out)
        if self.name == "uniform":
            lo, hi = self.support
            return np.where((z >= lo) & (z <= hi), 0.0, np.nan)
        if self.name == "logistic":
            s = self.scale
            return -np.tanh(z / (2 * s)) / s
        if self.name == "student_t":
            nu, s = p["nu"], self.scale
            return -(nu + 1.0) * z / (nu * s * s + z * z)
        m = self._dist
        zz = m._z(z)
        logw = np.log(m.w) + stats.norm.logpdf(zz)
        resp = np.exp(logw - special.logsumexp(logw, axis=-1, keepdims=True))
        return (resp * (-zz / m.sigma)).sum(-1)

    def moment(self, k: int) -> float:
        """The raw moment ``E[z^k]`` (exact formulas; ``inf`` for Student-t when ``k ≥ ν``)."""
        k = check_int(k, "k", 0)
        p = self.params
        if self.name == "gaussian_mixture":
            m = self._dist
            total = 0.0
            for w, mu in zip(m.w, m.mu):
                total += w * sum(
                    math.comb(k, j) * mu ** (k - j) * m.sigma**j * _gauss_moment(j) for j in range(k + 1)
                )
            return float(total)
        if k % 2 == 1:
            if self.name == "student_t" and k >= p["nu"]:
                return math.nan
            return 0.0
        if self.name == "gaussian":
            return _gauss_moment(k)
        if self.name in ("gennorm", "laplace"):
            a = p.get("alpha", 1.0)
            return float(self.scale**k * math.exp(special.gammaln((k + 1) / a) - special.gammaln(1 / a)))
        if self.name == "uniform":
            return float(self.scale**k / (k + 1))
        if self.name == "logistic":
            # E z^{2m} for the standard logistic is 2(1 − 2^{1−2m}) (2m)! ζ(2m)
            if k == 0:
                return 1.0
            return float(self.scale**k * 2 * (1 - 2.0 ** (1 - k)) * math.factorial(k) * special.zeta(k))
        nu = p["nu"]
        if k >= nu:
            return math.inf
        # E|t|^k = ν^{k/2} Γ((k+1)/2) Γ((ν−k)/2) / (sqrt(π) Γ(ν/2))
        return float(
            self.scale**k * nu ** (k / 2)
            * math.exp(special.gammaln((k + 1) / 2) + special.gammaln((nu - k) / 2) - special.gammaln(nu / 2))
            / math.sqrt(math.pi)
        )

    def to_dict(self) -> dict:
        return {"name": self.name, "params": self.params, "label": self.label, "is_gaussian": self.is_gaussian}


def _gauss_moment(k: int) -> float:
    return 0.0 if k % 2 else float(math.prod(range(k - 1, 0, -2)))


def latent_law(name: str, **params) -> LatentLaw:
    """The unit-variance latent law ``name`` with ``params`` (see the module table).

    >>> latent_law("gennorm", alpha=4.0).label
    'gennorm(alpha=4)'

    Raises ``ValueError`` for an unknown name (listing the valid ones), an unknown parameter,
    ``alpha <= 0``, ``nu <= 2``, ``weight`` outside (0, 1) or a ``separation`` too large for
    unit variance.
    """
    check_choice(name, "latent law", LATENT_LAWS)
    p = _validate_params(name, params)
    dist, scale = _build(name, p)
    return LatentLaw(name=name, param_items=tuple(sorted(p.items())), _dist=dist, scale=scale)


def as_law(law) -> LatentLaw:
    """``law`` itself if it is a :class:`LatentLaw`, else the law of that name with default parameters."""
    if isinstance(law, LatentLaw):
        return law
    if isinstance(law, str):
        return latent_law(law)
    raise ValueError(f"law must be a LatentLaw or a law name, got {law!r}")
