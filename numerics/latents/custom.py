"""Custom laws: a user's unnormalised log-density, normalised and standardised numerically (docs/theory.md §3).

**Custom laws.** ``latent_law("custom", logpdf=f, support=(lo, hi), score=g, label="...")``
takes an unnormalised log-density ``f`` of the user's variable ``x`` (vectorised over numpy
arrays, or scalar-only, then wrapped with ``np.vectorize``; ``-inf`` where the density is zero),
an optional support (default the real line; ``±inf`` allowed), an optional score ``g = f'``
and a display label. It finds the mode ``x₀`` (probe grid, then bounded Brent) and a width
``w`` (where ``f`` drops by 2), lays cells between knots ``x₀ + w sinh(v)`` (``v`` spaced 0.02,
reaching ``w·1e15`` on an infinite side), halves the cell next to a finite end up to 200 times
(integrable endpoint singularities; a non-zero end is only resolved to ~1000 ulp, costing
e.g. 1e-7 of mass for the arcsine law at its end 1), splits cells in which ``f`` changes by more
than 2, and integrates with 8-point Gauss–Legendre in every cell. From that table:
``Z = ∫ e^f``, ``μ = E x``, ``σ² = Var x``, and the law is that of ``z = (x − μ)/σ``:
``p(z) = σ e^{f(μ + σz)}/Z``. ``cdf``/``sf`` add the table's cumulative mass and a Gauss–Legendre
integral from the nearest knot; ``ppf``/``isf`` locate the cell in the cumulative table and
solve there by safeguarded Newton (``|F(x) − u| <= 1e-14 u``); ``sample`` is ``ppf`` of seeded
uniforms; ``score`` is ``σ g(μ + σz)``, else a five-point central difference of ``f``; ``moment``
sums the table. Measured against scipy (tests): pdf, cdf, sf, ppf within 1e-11 relative for
Gaussian, Laplace, logistic and Student-t (ppf down to ``u = 1e-250`` for the Gaussian).
Refused with ``ValueError``: a ``logpdf`` that is not callable or returns ``nan`` (or ``+inf``
inside the support), a density that does not normalise (zero everywhere, or more than 1e-6 of
the mass in the outer quarter of the table / the innermost cells at a finite end), an infinite
variance (Cauchy, Student-t with ν <= 2; tails close to ``|x|^{-3}`` may also be refused), a
support with ``lo >= hi``. A custom law is never ``is_gaussian`` and equals only itself.

Its spectral class has no family theory (``spectral_theory`` is ``None``): the Sturm–Liouville
module gives a numerical diagnosis, said so in its ``reason``. No ``ou`` and no exact ``ar1``
chain; its natural transition is ``authors`` (innovations drawn by its inverse CDF).
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np

from lejepa_verify.numerics.latents.base import LatentLaw, LawFamily, register

CUSTOM_LAW = "custom"
_CUSTOM_KEYS = ("logpdf", "support", "score", "label")
_GL_X, _GL_W = np.polynomial.legendre.leggauss(8)
_V_STEP = 0.02  # spacing of the sinh grid in v: cells of width ≈ 0.02 w in the bulk
_REACH = 1e15  # an infinite side of the table reaches w·1e15 from the mode
_TAIL_TOL = 1e-6  # the outer part of the table may hold at most this share of an integral
_GEOMETRIC_LEVELS = 200  # halvings of the cell next to a finite end (endpoint singularities)


def _vectorised(fn):
    """Call ``fn`` on arrays; a function that only takes scalars is wrapped with ``np.vectorize``."""
    probe = np.array([0.25, 0.5])
    try:
        out = np.asarray(fn(probe), dtype=float)
        if out.shape == probe.shape:
            return lambda x: np.asarray(fn(x), dtype=float)
    except (TypeError, ValueError):
        pass
    vec = np.vectorize(lambda t: float(fn(float(t))), otypes=[float])
    return lambda x: np.asarray(vec(x), dtype=float).reshape(np.shape(x))


class _Custom:
    """Tables and methods of a custom law (see :func:`latent_law`, name ``"custom"``).

    Works in the user's coordinate ``x`` and exposes the standardised ``z = (x − μ)/σ``. The
    table: cells between knots ``x₀ + w sinh(v)`` (``v`` spaced ``_V_STEP``, ``x₀`` the mode,
    ``w`` its width), halved ``_GEOMETRIC_LEVELS`` times towards a finite end, with 8-point
    Gauss–Legendre nodes in every cell.
    """

    def __init__(self, logpdf, score, lo: float, hi: float, label: str | None):
        self.lo, self.hi, self.label = lo, hi, label
        self._f = _vectorised(logpdf)
        self._g = None if score is None else _vectorised(score)
        x0, w = self._locate()
        self.x0, self.w = x0, w
        knots, geo_lo, geo_hi = self._knots(x0, w)
        knots, xn, ln = self._refine(knots)
        a, b = knots[:-1], knots[1:]
        half = 0.5 * (b - a)
        vmid = np.arcsinh((0.5 * (a + b) - x0) / w)
        v_out = 0.75 * math.asinh(_REACH)
        # the outer quarter (in v) of an infinite side, and the 10 innermost geometric cells at a
        # finite end: where a non-integrable density or an infinite variance shows itself
        outer_lo = (vmid < -v_out) if not math.isfinite(lo) else np.zeros(a.size, bool)
        outer_hi = (vmid > v_out) if not math.isfinite(hi) else np.zeros(a.size, bool)
        inner_lo = (b <= lo + geo_lo) if math.isfinite(lo) else np.zeros(a.size, bool)
        inner_hi = (a >= hi - geo_hi) if math.isfinite(hi) else np.zeros(a.size, bool)
        self._c = float(ln.max())
        dens = np.exp(ln - self._c) * (half[:, None] * _GL_W)
        cell = dens.sum(axis=1)
        total = float(cell.sum())
        if not (math.isfinite(total) and total > 0.0):
            raise ValueError(f"logpdf does not normalise: the integral of exp(logpdf) is {total!r}")
        for cells, where in ((outer_lo, f"below x = {a[outer_lo].max() if outer_lo.any() else lo:.3g}"),
                             (outer_hi, f"above x = {b[outer_hi].min() if outer_hi.any() else hi:.3g}"),
                             (inner_lo, f"next to the end {lo:g}"), (inner_hi, f"next to the end {hi:g}")):
            share = float(cell[cells].sum()) / total
            if share > _TAIL_TOL:
                raise ValueError(
                    f"logpdf does not normalise: its integral keeps growing as the domain grows "
                    f"({share:.2g} of the mass lies {where}); exp(logpdf) must be integrable"
                )
        self.log_norm = self._c + math.log(total)
        prob = dens / total
        d = xn - x0
        m1 = float(np.sum(prob * d))
        dev2 = prob * (d - m1) ** 2
        var = float(dev2.sum())
        tail_var = float(dev2[outer_lo | outer_hi].sum())
        if not (math.isfinite(var) and var > 0.0) or tail_var > _TAIL_TOL * var:
            raise ValueError(
                "logpdf has infinite variance (tails as heavy as a Cauchy or a Student-t with nu <= 2; "
                f"{tail_var / var if var > 0 else math.nan:.2g} of the second moment lies beyond "
                f"|z − mode| = {w * math.sinh(0.75 * math.asinh(_REACH)):.3g}): a unit-variance law needs a finite variance"
            )
        self.mean, self.sd = x0 + m1, math.sqrt(var)
        self.knots = knots
        self._zn, self._pn = (xn - self.mean) / self.sd, prob
        self._outer = outer_lo | outer_hi
        mass = prob.sum(axis=1)
        self._cdf = np.concatenate([[0.0], np.cumsum(mass)])
        self._sf = np.concatenate([np.cumsum(mass[::-1])[::-1], [0.0]])
        zk = (knots - self.mean) / self.sd
        self.symmetric = bool(np.max(np.abs(self.cdf(zk) - self.sf(-zk))) <= 1e-9)

    # -- the user's density, in the user's coordinate ------------------------------------------

    def _logpdf_x(self, x, strict: bool = False) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        inside = (x > self.lo) & (x < self.hi)
        ends = (x == self.lo) | (x == self.hi)
        out = np.full(x.shape, -np.inf)
        keep = inside | ends
        if keep.any():
            val = self._f(x[keep])
            bad = np.isnan(val) | ((val == np.inf) & inside[keep])
            if bad.any():
                at = x[keep][bad][0]
                raise ValueError(
                    f"logpdf must return finite values or -inf (zero density) inside the support "
                    f"({self.lo:g}, {self.hi:g}), got {val[bad][0]!r} at z = {at:.6g}"
                )
            out[keep] = val
        return out

    def _locate(self) -> tuple[float, float]:
        """The mode ``x₀`` (probe grid, then bounded Brent) and a width ``w`` (where log p drops by 2)."""
        from scipy.optimize import minimize_scalar

        lo, hi = self.lo, self.hi
        s = np.logspace(-9, 9, 2000)
        if math.isfinite(lo) and math.isfinite(hi):
            t = np.concatenate([np.logspace(-12, math.log10(0.5), 600), np.linspace(0.0, 0.5, 2001)[1:]])
            g = np.concatenate([lo + (hi - lo) * t, hi - (hi - lo) * t])
        elif math.isfinite(lo):
            g = lo + s
        elif math.isfinite(hi):
            g = hi - s
        else:
            g = np.concatenate([-s, [0.0], s])
        g = np.unique(g[(g > lo) & (g < hi)])
        lg = self._logpdf_x(g, strict=True)
        if not np.any(lg > -np.inf):
            raise ValueError("logpdf does not normalise: it is -inf (zero density) at every probe point of the support")
        k = int(np.argmax(lg))
        x0, m = float(g[k]), float(lg[k])
        a, b = float(g[max(k - 1, 0)]), float(g[min(k + 1, g.size - 1)])
        if a < b:
            def neg(t):
                v = float(self._logpdf_x(np.array([t]))[0])
                return -v if math.isfinite(v) else 1e300
            res = minimize_scalar(neg, bounds=(a, b), method="bounded", options={"xatol": 1e-12 * (b - a)})
            if -res.fun > m:
                x0, m = float(res.x), float(-res.fun)
        steps = np.logspace(-12, 12, 481)
        widths = []
        for sign, end in ((1.0, hi), (-1.0, lo)):
            pts = x0 + sign * steps
            ok = (pts > lo) & (pts < hi)
            drop = np.nonzero(self._logpdf_x(pts[ok]) < m - 2.0)[0]
            if drop.size:
                widths.append(float(steps[ok][drop[0]]))
            else:
                widths.append(abs(end - x0) if math.isfinite(end) else float(steps[-1]))
        return x0, 0.5 * max(widths)

    def _knots(self, x0: float, w: float):
        lo, hi = self.lo, self.hi
        v_max = math.asinh(_REACH)
        v_lo = math.asinh((lo - x0) / w) if math.isfinite(lo) else -v_max
        v_hi = math.asinh((hi - x0) / w) if math.isfinite(hi) else v_max
        n_lo, n_hi = max(1, math.ceil(-v_lo / _V_STEP)), max(1, math.ceil(v_hi / _V_STEP))
        v = np.concatenate([np.linspace(v_lo, 0.0, n_lo + 1), np.linspace(0.0, v_hi, n_hi + 1)[1:]])
        x = x0 + w * np.sinh(v)
        if math.isfinite(lo):
            x[0] = lo
        if math.isfinite(hi):
            x[-1] = hi
        x = np.unique(x)
        geo_lo = geo_hi = 0.0  # distance from a finite end covered by its 10 innermost geometric cells
        if math.isfinite(lo):
            d = (x[1] - lo) * 0.5 ** np.arange(1, _GEOMETRIC_LEVELS + 1)
            # stop where a cell's quadrature nodes could round onto the end itself
            d = d[d > max(1e-300, 1e3 * np.spacing(abs(lo)))]
            geo_lo = float(d[-11]) if d.size >= 20 else 0.0
            x = np.concatenate([[lo], lo + d[::-1], x[1:]])
        if math.isfinite(hi):
            d = (hi - x[-2]) * 0.5 ** np.arange(1, _GEOMETRIC_LEVELS + 1)
            d = d[d > max(1e-300, 1e3 * np.spacing(abs(hi)))]
            geo_hi = float(d[-11]) if d.size >= 20 else 0.0
            x = np.concatenate([x[:-1], hi - d, [hi]])
        return np.unique(x), geo_lo, geo_hi

    def _refine(self, knots: np.ndarray, rounds: int = 8):
        """Split cells (into 4) where log p changes by more than 2 across the cell's nodes.

        The sinh grid widens cells in the tails; a light tail (Gaussian at 30σ) would otherwise
        vary too fast for 8 nodes. Cells below ``e^{-700}`` of the maximum are left alone:
        their mass is below what double precision can carry relative to the bulk.
        """
        for r in range(rounds + 1):
            a, b = knots[:-1], knots[1:]
            xn = (0.5 * (a + b))[:, None] + (0.5 * (b - a))[:, None] * _GL_X
            ln = self._logpdf_x(xn, strict=True)
            if not np.any(ln > -np.inf):
                raise ValueError("logpdf does not normalise: it is -inf (zero density) everywhere on the support")
            top = ln.max(axis=1)
            fin = np.where(np.isfinite(ln), ln, np.inf).min(axis=1)
            partial_zero = np.isinf(ln).any(axis=1) & np.isfinite(top)
            bad = ((top - fin > 2.0) | partial_zero) & (top > ln.max() - 700.0)
            if r == rounds or not bad.any():
                return knots, xn, ln
            extra = (a[bad, None] + (b - a)[bad, None] * np.array([0.25, 0.5, 0.75])).ravel()
            knots = np.unique(np.concatenate([knots, extra]))

    # -- the standardised law --------------------------------------------------------------------

    def _x(self, z) -> np.ndarray:
        return self.mean + self.sd * np.asarray(z, dtype=float)

    def logpdf(self, z):
        return math.log(self.sd) - self.log_norm + self._logpdf_x(self._x(z))

    def pdf(self, z):
        return np.exp(self.logpdf(z))

    def _partial(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """``∫_a^b p_x`` (8-point Gauss–Legendre; a and b in one cell of the table)."""
        half = 0.5 * (b - a)
        xn = (0.5 * (a + b))[..., None] + half[..., None] * _GL_X
        with np.errstate(invalid="ignore"):
            out = half * (np.exp(self._logpdf_x(xn) - self.log_norm) @ _GL_W)
        return np.where(half == 0, 0.0, out)  # an empty interval, even at a singular end

    def _cell(self, x: np.ndarray) -> np.ndarray:
        return np.clip(np.searchsorted(self.knots, x, side="right") - 1, 0, self.knots.size - 2)

    def cdf(self, z):
        x = self._x(z)
        k = self._cell(x)
        xc = np.clip(x, self.knots[0], self.knots[-1])
        return np.clip(self._cdf[k] + self._partial(self.knots[k], xc), 0.0, 1.0)

    def sf(self, z):
        x = self._x(z)
        k = self._cell(x)
        xc = np.clip(x, self.knots[0], self.knots[-1])
        return np.clip(self._sf[k + 1] + self._partial(xc, self.knots[k + 1]), 0.0, 1.0)

    def _invert(self, q, upper: bool):
        """Solve ``F(x) = q`` (or ``S(x) = q``): find the cell from the table, then safeguarded Newton."""
        q = np.asarray(q, dtype=float)
        table = self._sf[::-1] if upper else self._cdf
        j = np.clip(np.searchsorted(table, q, side="right") - 1, 0, table.size - 2)
        k = (self.knots.size - 2 - j) if upper else j
        a, b = self.knots[k], self.knots[k + 1]
        lo, hi = a.copy(), b.copy()
        base = table[j]
        frac = np.clip((q - base) / np.maximum(table[j + 1] - base, 1e-300), 0.0, 1.0)
        x = b - frac * (b - a) if upper else a + frac * (b - a)
        tol = 1e-14 * q + 1e-300
        for _ in range(60):
            if upper:
                g = base + self._partial(x, b) - q  # decreasing in x
            else:
                g = base + self._partial(a, x) - q  # increasing in x
            conv = (np.abs(g) <= tol) | (hi - lo <= 2 * np.spacing(np.abs(x)))
            if conv.all():
                break
            right = (g < 0) != upper  # the root lies to the right of x
            lo, hi = np.where(right, x, lo), np.where(right, hi, x)
            p = np.exp(self._logpdf_x(x) - self.log_norm)
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                nxt = x + g / p if upper else x - g / p
            bisect = ~np.isfinite(nxt) | (nxt < lo) | (nxt > hi)
            x = np.where(conv, x, np.where(bisect, 0.5 * (lo + hi), nxt))
        return x

    def ppf(self, u):
        u = np.asarray(u, dtype=float)
        x = np.where(u <= 0.5, self._invert(np.minimum(u, 0.5), False), self._invert(np.minimum(1.0 - u, 0.5), True))
        z = (x - self.mean) / self.sd
        z = np.where(u <= 0, (self.lo - self.mean) / self.sd, z)
        return np.where(u >= 1, (self.hi - self.mean) / self.sd, z)

    def isf(self, q):
        q = np.asarray(q, dtype=float)
        x = np.where(q <= 0.5, self._invert(np.minimum(q, 0.5), True), self._invert(np.minimum(1.0 - q, 0.5), False))
        z = (x - self.mean) / self.sd
        z = np.where(q <= 0, (self.hi - self.mean) / self.sd, z)
        return np.where(q >= 1, (self.lo - self.mean) / self.sd, z)

    def rvs(self, size, random_state):
        return self.ppf(random_state.random(size))

    def score(self, z):
        x = self._x(z)
        inside = (x > self.lo) & (x < self.hi)
        if self._g is not None:
            out = np.full(x.shape, np.nan)
            out[inside] = self.sd * self._g(x[inside])
            return out
        # five-point central difference; the step shrinks near a finite end so the stencil stays inside
        h = 1e-3 * (self.w + 1e-2 * np.abs(x - self.x0))
        with np.errstate(invalid="ignore"):
            h = np.minimum(h, np.minimum(x - self.lo, self.hi - x) / 2.5)
        h = np.where(inside & (h > 0), h, np.nan)
        xs = np.where(np.isfinite(h), x, self.x0)
        hs = np.where(np.isfinite(h), h, self.w)
        f = self._logpdf_x
        with np.errstate(invalid="ignore"):
            d = (-f(xs + 2 * hs) + 8 * f(xs + hs) - 8 * f(xs - hs) + f(xs - 2 * hs)) / (12 * hs)
        return np.where(np.isfinite(h), self.sd * d, np.nan)

    def moment(self, k: int) -> float:
        if k == 0:
            return 1.0
        terms = self._pn * self._zn**k
        total = float(terms.sum())
        tail = float(np.abs(terms[self._outer]).sum())
        if tail > _TAIL_TOL * max(float(np.abs(terms).sum()), 1e-300):
            return math.inf if k % 2 == 0 else math.nan
        return total


@register
class Custom(LawFamily):
    """``latent_law("custom", logpdf=f, support=(lo, hi), score=g, label="...")`` (module docstring)."""

    name = CUSTOM_LAW
    summary = "a user's unnormalised log-density, normalised numerically"

    def make(self, params: Mapping[str, Any]) -> LatentLaw:
        unknown = [k for k in params if k not in _CUSTOM_KEYS]
        if unknown:
            raise ValueError(f"law 'custom' has no parameter {unknown[0]!r}; valid parameters: {', '.join(_CUSTOM_KEYS)}")
        if "logpdf" not in params:
            raise ValueError("law 'custom' needs logpdf=<callable>: an unnormalised log-density of one real variable")
        logpdf, score = params["logpdf"], params.get("score")
        if not callable(logpdf):
            raise ValueError(f"logpdf must be callable (an unnormalised log-density), got {logpdf!r}")
        if score is not None and not callable(score):
            raise ValueError(f"score must be callable or None, got {score!r}")
        support = params.get("support", (-math.inf, math.inf))
        try:
            lo, hi = (float(s) for s in support)
        except (TypeError, ValueError):
            raise ValueError(f"support must be a pair (lo, hi) of real numbers (±inf allowed), got {support!r}") from None
        if math.isnan(lo) or math.isnan(hi) or not lo < hi or lo == math.inf or hi == -math.inf:
            raise ValueError(f"support must be (lo, hi) with lo < hi, got {support!r}")
        label = params.get("label")
        if label is not None and not isinstance(label, str):
            raise ValueError(f"label must be a string or None, got {label!r}")
        dist = _Custom(logpdf, score, lo, hi, label)
        items = (("mean", dist.mean), ("sd", dist.sd))
        return LatentLaw(name=CUSTOM_LAW, param_items=items, _dist=dist, scale=None, _identity=dist, family=self)

    def build(self, p):
        raise ValueError("law 'custom' is built from logpdf=<callable> by latent_law('custom', logpdf=...)")

    def label(self, law):
        return f"custom({law._dist.label})" if law._dist.label else "custom"

    def support(self, law):
        d = law._dist
        return ((d.lo - d.mean) / d.sd, (d.hi - d.mean) / d.sd)

    def is_symmetric(self, law):
        """Decided numerically: ``|F(z) − S(−z)| <= 1e-9`` at every knot of the table."""
        return law._dist.symmetric

    def score(self, law, z):
        """Its ``score`` callable scaled to ``z``, else a five-point central difference of ``logpdf``
        (``nan`` outside the open support; at a kink, the mean of the one-sided slopes)."""
        return law._dist.score(z)

    def moment(self, law, k):
        """Sums the quadrature table; ``inf`` (even k) or ``nan`` (odd k) when more than 1e-6 of the
        integrand's absolute mass lies in the outer quarter of the table (a divergent moment)."""
        return law._dist.moment(k)

    def describe(self, law):
        d = law._dist
        return {"custom": {"label": d.label, "support_x": [d.lo, d.hi], "log_normaliser": d.log_norm,
                           "mean_x": d.mean, "sd_x": d.sd, "score": "given" if d._g is not None else "numerical"}}
