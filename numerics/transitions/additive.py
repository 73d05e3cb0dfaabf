"""Stationary additive-noise worlds ``x' = m(x) + σ ε``, ``ε ~ N(0, 1)``, and their transition operator (docs/theory.md §1, §3).

The paper's assumptions (its Sec. 3.1: independence, stationarity, additive noise) describe a
world by a drift ``m`` and a noise independent of the state. :class:`AdditiveNoise` is the base
of the transition members of that form with Gaussian noise: a member gives the drift ``m`` and
the noise ``σ`` in its *raw* coordinate ``x``, the points where ``m`` is not smooth, and where
known the stationary density in closed form; the latent is the standardised
``z = (x − μ)/s`` (``μ``, ``s`` the stationary mean and standard deviation), so that
``z' = (m(μ + s z) + σ ε − μ)/s`` is again additive noise with a nonlinear drift.

:func:`nystrom` discretises the transition operator on composite Gauss–Legendre panels (cut at
the drift's kinks, so every integrand is smooth on every panel): the stationary density is the
fixed point ``p(y) = ∫ p(x) q_σ(y − m(x)) dx``, solved as one linear system with the
normalisation ``∫ p = 1``, and :meth:`DriftOperator.alignment_optimum` gives the LeJEPA optimum
under ``Var h = 1``: the top mean-zero eigenfunction of the symmetrised operator ``(T + T*)/2``
in ``L²(p)`` (``L(h) = 2 − 2⟨h, T h⟩_p`` for a stationary pair), beside the best linear ``h``.
On the OU, flip and ``|x|`` drifts, whose stationary laws are known in closed form, the rule
agrees with them to about 1e-14 in ``L¹`` with 384 nodes.
"""

from __future__ import annotations

import abc
import math
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Callable, ClassVar

import numpy as np
from scipy.linalg import eigh
from scipy.special import ndtr

from lejepa_verify.numerics.transitions.base import Transition

__all__ = ["AdditiveNoise", "AlignmentOptimum", "DriftOperator", "OwnLawDrift", "nystrom"]

_SQRT_2PI = math.sqrt(2.0 * math.pi)


@dataclass(frozen=True)
class AlignmentOptimum:
    """The LeJEPA optimum of one additive-noise world under ``Var h = 1`` (one coordinate).

    ``top`` is the largest correlation ``E[h(x) h(x')]`` over mean-zero unit-variance ``h``
    (the top eigenvalue of ``(T + T*)/2``), ``linear`` the correlation of the best linear ``h``
    (``corr(x, x')``), ``excess = top − linear >= 0``, and ``nonlinearity`` ``1 − R²`` of the
    optimal ``h`` against ``x`` under ``p``. The optimum is linear when both vanish; the
    alignment loss of the optimum is ``2(1 − top)`` against ``2(1 − linear)`` for linear ``h``.
    ``x`` and ``h`` hold the optimal function on the grid (``h`` signed to correlate positively with ``x``).
    """

    top: float
    linear: float
    excess: float
    nonlinearity: float
    x: np.ndarray = field(repr=False)
    h: np.ndarray = field(repr=False)

    def to_dict(self) -> dict:
        """The scalar fields as a dict of plain values, for JSON records and the report."""
        return {"top": self.top, "linear": self.linear, "excess": self.excess, "nonlinearity": self.nonlinearity}


@dataclass(frozen=True)
class DriftOperator:
    """The Nyström discretisation of ``x' = m(x) + σ ε`` (module docstring).

    ``nodes``, ``weights``: the composite Gauss–Legendre rule on the panels between ``edges``;
    ``density``: the stationary density at the nodes (``Σ w p = 1``);
    ``kernel[j, i] = q_σ(x_j − m(x_i))``. ``mean``, ``sd``: the stationary mean and standard
    deviation.
    """

    nodes: np.ndarray = field(repr=False)
    weights: np.ndarray = field(repr=False)
    density: np.ndarray = field(repr=False)
    kernel: np.ndarray = field(repr=False)
    drift: Callable[[np.ndarray], np.ndarray] = field(repr=False)
    noise_sd: float
    edges: np.ndarray = field(repr=False)

    @property
    def mean(self) -> float:
        """``∫ x p(x) dx``."""
        return float(self.weights @ (self.density * self.nodes))

    @property
    def sd(self) -> float:
        """The stationary standard deviation."""
        return math.sqrt(float(self.weights @ (self.density * (self.nodes - self.mean) ** 2)))

    def l1_distance(self, pdf: Callable[[np.ndarray], np.ndarray]) -> float:
        """``∫ |p − pdf|`` on the grid (2 × the total-variation distance)."""
        return float(self.weights @ np.abs(self.density - pdf(self.nodes)))

    def gaussian_l1(self) -> float:
        """``∫ |p − N(mean, sd²)|``: zero exactly when the stationary law is Gaussian."""
        mu, s = self.mean, self.sd
        return self.l1_distance(lambda x: np.exp(-0.5 * ((x - mu) / s) ** 2) / (s * _SQRT_2PI))

    def stationarity_residual(self) -> float:
        """``∫ |p − T* p|``: how far the grid density is from its own image (the fixed point's residual)."""
        image = self.kernel @ (self.weights * self.density)
        return float(self.weights @ np.abs(self.density - image))

    def pdf(self, x) -> np.ndarray:
        """The stationary density anywhere, ``∫ p(u) q_σ(x − m(u)) du`` on the grid (Nyström interpolation)."""
        x = np.asarray(x, dtype=float)
        q = np.exp(-0.5 * ((x[..., None] - self.drift(self.nodes)) / self.noise_sd) ** 2) / (self.noise_sd * _SQRT_2PI)
        return q @ (self.weights * self.density)

    def logpdf(self, x) -> np.ndarray:
        """``log`` of :meth:`pdf` by log-sum-exp (finite far in the tails, where the density underflows).

        The grid density is accurate to about 1e-16 in absolute terms, so relative accuracy (of
        the log and of :meth:`score`) is lost where ``p`` falls below about 1e-13.
        """
        return self._log_and_score(x)[0]

    def score(self, x) -> np.ndarray:
        """``(log p)'`` of :meth:`pdf`: the mixture's responsibilities times ``−(x − m(u))/σ²``."""
        return self._log_and_score(x)[1]

    def _log_and_score(self, x):
        x = np.asarray(x, dtype=float)
        flat = x.reshape(-1)
        keep = self.density > 0
        centres = self.drift(self.nodes[keep])
        logw = np.log(self.weights[keep] * self.density[keep]) - math.log(self.noise_sd * _SQRT_2PI)
        logp, score = np.empty_like(flat), np.empty_like(flat)
        for lo in range(0, flat.size, 2048):  # chunks keep the (points × nodes) table small
            d = (flat[lo:lo + 2048, None] - centres[None, :]) / self.noise_sd
            a = logw[None, :] - 0.5 * d * d
            top = a.max(axis=1, keepdims=True)
            e = np.exp(a - top)
            total = e.sum(axis=1)
            logp[lo:lo + 2048] = top[:, 0] + np.log(total)
            score[lo:lo + 2048] = -(e * d).sum(axis=1) / (total * self.noise_sd)
        return logp.reshape(x.shape), score.reshape(x.shape)

    @cached_property
    def _log_panels(self):
        # log p on each panel whose nodes all carry p > 1e-13 max p, as the polynomial through its
        # nodes (Legendre coefficients in the panel's own coordinate); outside that range the
        # grid's absolute error (about 1e-16) would swamp log p
        order = len(self.nodes) // (len(self.edges) - 1)
        t = np.polynomial.legendre.leggauss(order)[0]
        dens = self.density.reshape(-1, order)
        trusted = np.flatnonzero(np.all(dens > 1e-13 * self.density.max(), axis=1))
        lo, hi = int(trusted.min()), int(trusted.max())
        coef = np.linalg.solve(np.polynomial.legendre.legvander(t, order - 1), np.log(dens[lo:hi + 1]).T).T
        return self.edges[lo:hi + 2], coef

    def smooth_logpdf(self, x) -> tuple[np.ndarray, np.ndarray]:
        """``log p`` and its derivative anywhere, cheaply: the polynomial through each panel's nodes
        inside the range where the grid is accurate (``p > 1e-13 max p``), and beyond it the
        parabola with the same value and slope and curvature ``−1/σ²`` (the Gaussian tail that a
        bounded drift leaves: ``p(x) ≈ ∫ p(u) q_σ(x − m(u)) du``)."""
        edges, coef = self._log_panels
        x = np.asarray(x, dtype=float)
        k = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(coef) - 1)
        half = 0.5 * (edges[k + 1] - edges[k])
        t = (x - 0.5 * (edges[k + 1] + edges[k])) / half
        V = np.polynomial.legendre.legvander(t, coef.shape[1] - 1)
        value = np.einsum("...j,...j->...", V, coef[k])
        dV = np.stack([np.polynomial.legendre.Legendre.basis(j).deriv()(t) for j in range(coef.shape[1])], axis=-1)
        slope = np.einsum("...j,...j->...", dV, coef[k]) / half
        inv_var = 1.0 / self.noise_sd ** 2
        for end, side in ((edges[0], x < edges[0]), (edges[-1], x > edges[-1])):
            if np.any(side):
                kk = 0 if end == edges[0] else len(coef) - 1
                te = -1.0 if end == edges[0] else 1.0
                v0 = np.polynomial.legendre.legval(te, coef[kk])
                s0 = np.polynomial.legendre.legval(te, np.polynomial.legendre.legder(coef[kk])) / (
                    0.5 * (edges[kk + 1] - edges[kk]))
                d = x - end
                value = np.where(side, v0 + s0 * d - 0.5 * inv_var * d * d, value)
                slope = np.where(side, s0 - inv_var * d, slope)
        return value, slope

    def alignment_optimum(self) -> AlignmentOptimum:
        """The top mean-zero eigenpair of ``(T + T*)/2`` in ``L²(p)`` and the best linear ``h`` (computed once).

        Nodes where ``p`` is below 1e-14 times its maximum are left out (their mass is below
        1e-13; ``D^{-1/2}`` would overflow there).
        """
        return self._optimum

    @cached_property
    def _optimum(self) -> AlignmentOptimum:
        keep = self.density > 1e-14 * self.density.max()
        x, w, p = self.nodes[keep], self.weights[keep], self.density[keep]
        K = self.kernel[np.ix_(keep, keep)]
        d = w * p
        sd = np.sqrt(d)
        # ⟨f, T g⟩_p = fᵀ D A g with A_ij = q(x_j − m(x_i)) w_j; in g = D^{1/2} f coordinates the
        # symmetric part is (G + Gᵀ)/2 with G_ij = sqrt(d_i/d_j) A_ij
        G = (sd[:, None] / sd[None, :]) * (K.T * w[None, :])
        C = 0.5 * (G + G.T)
        # project out the constant function (u, eigenvalue 1) in O(n²): P C P with P = I − u uᵀ
        u = sd / np.linalg.norm(sd)
        cu = C @ u
        PCP = C - np.outer(u, cu) - np.outer(cu, u) + float(u @ cu) * np.outer(u, u)
        n = len(x)
        vals, vecs = eigh(0.5 * (PCP + PCP.T), subset_by_index=[n - 1, n - 1])
        g = vecs[:, -1]
        xc = x - d @ x
        g_lin = sd * xc
        linear = float(g_lin @ C @ g_lin / (g_lin @ g_lin))
        h = g / sd
        h = h - d @ h
        cov = float(d @ (h * xc))
        r2 = cov * cov / (float(d @ (h * h)) * float(d @ (xc * xc)))
        top = float(vals[-1])
        return AlignmentOptimum(top, linear, top - linear, max(0.0, 1.0 - r2), x, h * np.sign(cov))


def _rule(kinks: tuple[float, ...], center: float, half_width: float, panel: float, order: int):
    edges = np.arange(center - half_width, center + half_width + panel / 2, panel)
    inside = [k for k in kinks if edges[0] < k < edges[-1]]
    edges = np.unique(np.concatenate([edges, np.asarray(inside, dtype=float)]))
    edges = edges[np.concatenate([[True], np.diff(edges) > 1e-9 * panel])]
    t, wt = np.polynomial.legendre.leggauss(order)
    half = 0.5 * np.diff(edges)
    mid = 0.5 * (edges[1:] + edges[:-1])
    return (mid[:, None] + half[:, None] * t).ravel(), (half[:, None] * wt).ravel(), edges


def nystrom(drift: Callable[[np.ndarray], np.ndarray], noise_sd: float, kinks: tuple[float, ...] = (), *,
            center: float = 0.0, half_width: float = 12.0, panel: float = 0.5, order: int = 8) -> DriftOperator:
    """The transition operator of ``x' = drift(x) + noise_sd · ε`` on ``center ± half_width``.

    Panels of width ``panel`` (also cut at ``kinks``) with ``order``-point Gauss–Legendre nodes;
    the stationary density solves ``(I − K W + 1 wᵀ) p = 1`` (``K W`` the transition's transpose
    on the grid, ``wᵀ p = 1`` the normalisation). The caller keeps ``panel`` below about the
    noise ``σ`` and ``half_width`` beyond the tails (the defaults suit ``σ >= 0.4`` and laws of
    variance up to about 2; :meth:`AdditiveNoise.operator` sets the panel from ``σ``).
    """
    x, w, edges = _rule(tuple(kinks), center, half_width, panel, order)
    K = np.exp(-0.5 * ((x[:, None] - drift(x)[None, :]) / noise_sd) ** 2) / (noise_sd * _SQRT_2PI)
    n = len(x)
    system = np.eye(n) - K * w[None, :] + np.outer(np.ones(n), w)
    p = np.linalg.solve(system, np.ones(n))
    return DriftOperator(x, w, p, K, drift, float(noise_sd), edges)


class AdditiveNoise(Transition):
    """A transition ``z' = (m(μ + s z) + σ ε − μ)/s`` from a raw drift ``m`` and noise ``σ`` (module docstring).

    Hooks: :meth:`drift` (required), :meth:`noise_sd` (``sqrt(1 − ρ²)`` by default),
    :meth:`kinks`, :meth:`location_scale` (from the grid by default), :meth:`closed_form_pdf`.
    ``linear_drift`` says whether ``m`` is affine (the OU channel).
    """

    linear_drift: ClassVar[bool] = False

    @abc.abstractmethod
    def drift(self, x: np.ndarray, rho: float, **options) -> np.ndarray:
        """``m(x)`` in the raw coordinate."""

    def noise_sd(self, rho: float, **options) -> float:
        """The noise standard deviation ``σ`` in the raw coordinate."""
        return math.sqrt(1.0 - rho * rho)

    def kinks(self, rho: float, **options) -> tuple[float, ...]:
        """Raw points where ``m`` is not smooth (panel edges of the grid)."""
        return ()

    def closed_form_pdf(self, x: np.ndarray, rho: float, **options):
        """The raw stationary density in closed form, or ``None`` where only the grid gives it."""
        return None

    def location_scale(self, rho: float, **options) -> tuple[float, float]:
        """``(μ, s)``: mean and standard deviation of the raw stationary law (from the grid by default)."""
        op = self.operator(rho, **options)
        return op.mean, op.sd

    def operator(self, rho: float, *, panel: float | None = None, **options) -> DriftOperator:
        """The Nyström operator of this world at ``rho`` (cached); panels of width ``min(0.5, 0.6σ)``
        unless ``panel`` is given (the kernel ``q_σ`` must be resolved: 8 nodes per ``0.6σ`` reach
        about 1e-14)."""
        if panel is None:
            panel = min(0.5, 0.6 * self.noise_sd(rho, **options))
        return _operator(self, float(rho), float(panel), tuple(sorted(options.items())))

    def step(self, law, rho, z, rng, **options):
        mu, s = self.location_scale(rho, **options)
        x = mu + s * z
        return (self.drift(x, rho, **options) + self.noise_sd(rho, **options) * rng.standard_normal(z.shape) - mu) / s

    def conditional_cdf(self, law, rho, t, z, **options):
        mu, s = self.location_scale(rho, **options)
        m = self.drift(np.array([mu + s * float(z)]), rho, **options)[0]
        return ndtr((mu + s * np.asarray(t, dtype=float) - m) / self.noise_sd(rho, **options))

    def next_cdf(self, law, rho, t, zq, wq, **options):
        mu, s = self.location_scale(rho, **options)
        sigma = self.noise_sd(rho, **options)
        m = self.drift(mu + s * zq, rho, **options)
        return ndtr((mu + s * t[:, None] - m[None, :]) / sigma) @ wq


@lru_cache(maxsize=64)
def _operator(member: AdditiveNoise, rho: float, panel: float, items: tuple) -> DriftOperator:
    options = dict(items)
    return nystrom(lambda x: member.drift(x, rho, **options), member.noise_sd(rho, **options),
                   member.kinks(rho, **options), panel=panel)


class OwnLawDrift(AdditiveNoise):
    """An additive-noise world whose stationary law is its own, not a registered latent law.

    :meth:`world_law` builds that law once per ``ρ`` and options, standardised, as a custom
    :class:`~lejepa_verify.numerics.latents.LatentLaw` from :meth:`raw_logpdf` (the closed form
    where a member has one, else the Nyström density of the grid); the transition is available
    exactly for the laws it built, and at a given ``ρ`` it accepts only its own.
    """

    def raw_logpdf(self, x: np.ndarray, rho: float, **options) -> np.ndarray:
        """``log`` of the raw stationary density (the grid's, :meth:`DriftOperator.smooth_logpdf`,
        unless a member has a closed form)."""
        return self.operator(rho, **options).smooth_logpdf(x)[0]

    def raw_score(self, x: np.ndarray, rho: float, **options) -> np.ndarray:
        """``(log p)'`` of the raw stationary density."""
        return self.operator(rho, **options).smooth_logpdf(x)[1]

    def world_law(self, rho, **options):
        return _world_law(self, float(rho), tuple(sorted(options.items())))

    def available(self, law):
        return any(law is built for built in _BUILT.get(self.name, ()))

    def unavailable_reason(self, law):
        return (f" (it moves its own stationary law: draw z from stationary_law({self.name!r}, rho), "
                f"not from a {law.name} law)")

    def check(self, law, rho, **options):
        own = self.world_law(rho, **options)
        if law is not own:
            raise ValueError(f"transition {self.name!r} at rho = {rho:g} moves its own stationary law "
                             f"{own.label}; draw z from stationary_law({self.name!r}, {rho:g}) with the same "
                             f"options, got law {law.label}")

    def stationary_law(self, law, rho, **options):
        # exact only where the stationary density is known in closed form
        return law if self.closed_form_pdf(np.zeros(1), rho, **options) is not None else None


_BUILT: dict[str, list] = {}


@lru_cache(maxsize=64)
def _world_law(member: OwnLawDrift, rho: float, items: tuple):
    from lejepa_verify.numerics.latents import latent_law

    options = dict(items)
    label = ", ".join([f"rho={rho:g}"] + [f"{k}={v:g}" for k, v in items])
    law = latent_law("custom", logpdf=lambda x: member.raw_logpdf(x, rho, **options),
                     score=lambda x: member.raw_score(x, rho, **options), label=f"{member.name}({label})")
    _BUILT.setdefault(member.name, []).append(law)
    return law
