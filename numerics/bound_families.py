"""Analytic perturbation families for the bound of Prop 4.3, with population values (docs/theory.md §4).

Each family is a one-parameter path ``a ↦ h_a`` from the exact recovery ``h_0 = Qz`` in the
Gaussian world ``z ~ N(0, I_n)`` with the OU channel at ``ρ``. ``Q`` is a fixed random rotation
(``seed``), ``v_i = He_2(z_i)/√2 = (z_i² − 1)/√2`` the normalised second Hermite polynomial, and
``gap = 2ρ(1 − ρ)``. Every family is a product (coordinatewise or over pairs of coordinates)
followed by ``Q``, so its population values are ``n`` (or ``n/2``) times one- or
two-dimensional integrals, known in closed form or computed to about 1e−14 with an error bar:

* ``degree2``: ``h = sqrt(1 − a²) Qz + a v(z)``. ``Cov h = I`` so ``ε = 0``; the degree-2
  energy ``n a²`` costs ``2(1 − ρ²)`` instead of ``2(1 − ρ)``, so ``δ = 2 n a² ρ(1 − ρ)`` and
  ``D = n a²``; ``M = E[h zᵀ] = sqrt(1 − a²) Q``, so the polar factor is ``Q`` and
  ``E||h − Qz||² = n(1 − sqrt(1 − a²))² + n a²``; bound ``n a² + n² a⁴``.
* ``scale``: ``h = (1 + a) Qz``. ``ε = sqrt(n) |(1 + a)² − 1|``, ``δ = D = 0``,
  ``E||h − Qz||² = n a²``; bound ``n ((1 + a)² − 1)²``.
* ``tanh``: ``h = Q t(z)``, ``t_i = tanh(a z_i)/s`` with ``s² = E tanh²(a z)``. ``ε = 0``;
  with ``c = E[tanh(a z) z]/s`` and ``k = E[tanh(a z) tanh(a z')]/s²``:
  ``E||h − Qz||² = 2n(1 − c)``, ``δ = 2n(ρ − k)``.
* ``radial``: ``h = Q R(z)``, ``R`` rotating each pair ``(z_{2j}, z_{2j+1})`` by the angle
  ``a π r_j``, ``r_j`` the pair's radius (``n = 2``, ``a = 1``: the spiral). Each block preserves
  ``N(0, I_2)``, so ``ε = 0``. With ``r`` Rayleigh, ``C = E r² cos(aπr)``, ``S = E r² sin(aπr)``:
  ``M = Q · diag-blocks((C I + S J)/2)``, whose singular values are all ``sqrt(C² + S²)/2``,
  so ``E||h − Q* z||² = (n/2)(4 − 2 sqrt(C² + S²))``. In polar coordinates the angular
  integral of the OU density is a Bessel function:
  ``P = E[R(z)·R(z')]_block = ∫∫ r² r'² I_1(κ) cos(aπ(r − r')) e^{−(r² + r'²)/(2(1 − ρ²))}
  dr dr' / (1 − ρ²)``, ``κ = ρ r r'/(1 − ρ²)``, and ``δ = (n/2)(4 − 2P − 4(1 − ρ))``.
  Both integrands are smooth on ``[0, ∞)`` (the direct 2D integrand is not: ``||z||`` has a
  kink at the origin, which is why a fixed tensor rule was off in the fourth digit).

``FamilyPoint.uncertainty`` holds an error bar on each value (0 for the exact closed forms;
from the observed convergence of doubling rules, :mod:`numerics.convergence`, for the 1D/2D
integrals). :func:`family_by_quadrature` integrates the map itself in ``n <= 2`` (the error
directly, not through the Pythagorean split that is one of the claims under test) and is the
independent check of these formulas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Mapping, Sequence

import numpy as np
from scipy.special import ive

from lejepa_verify.numerics.alignment import alignment_loss
from lejepa_verify.numerics.bounds import polar_factor, spectral_gap
from lejepa_verify.numerics.convergence import sequence_error
from lejepa_verify.numerics.maps import random_orthogonal
from lejepa_verify.numerics.quadrature import tensor_rule
from lejepa_verify.theory.validate import check_choice, check_int, check_rho

__all__ = ["FAMILIES", "FamilyPoint", "family_map", "perturbation_family", "closed_form", "family_by_quadrature"]

FAMILIES = ("degree2", "scale", "radial", "tanh")
_KEYS = ("epsilon", "delta", "D", "bound", "error")
_MAX_N = 4096
_RADIUS = 12.0  # the Rayleigh tail beyond it is below 1e−30


@dataclass(frozen=True)
class FamilyPoint:
    """Population values of Prop 4.3 for one member ``h_a`` of a family.

    ``error`` is the population ``E||h − Qz||²`` (Q the polar factor of ``E[h zᵀ]``);
    ``uncertainty`` maps each of ``epsilon, delta, D, bound, error`` to a bound on its numerical
    error (the name ``error`` being taken by the recovery error of the paper).
    """

    family: str
    a: float
    n: int
    rho: float
    epsilon: float
    delta: float
    D: float
    bound: float
    error: float
    uncertainty: Mapping[str, float] = field(default_factory=dict)
    method: str = "closed form"

    @property
    def tightness(self) -> float:
        """``error / bound`` (``nan`` when both vanish)."""
        return self.error / self.bound if self.bound > 0 else float("nan")

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        d = {k: getattr(self, k) for k in ("family", "a", "n", "rho", *_KEYS, "method")}
        d["uncertainty"] = dict(self.uncertainty)
        d["tightness"] = self.tightness
        return d


def _check_a(family: str, a) -> float:
    if isinstance(a, (bool, str, bytes)):
        raise ValueError(f"a must be a real number, got {a!r}")
    a = float(a)
    if not np.isfinite(a):
        raise ValueError(f"a must be finite, got {a}")
    if family == "degree2" and not 0.0 <= a <= 1.0:
        raise ValueError(f"a must lie in [0, 1] for family 'degree2', got {a}")
    if family == "scale" and a <= -1.0:
        raise ValueError(f"a must be > -1 for family 'scale' (s = 1 + a > 0), got {a}")
    if family == "tanh" and a <= 0.0:
        raise ValueError(f"a must be > 0 for family 'tanh', got {a}")
    return a


def _check_n(family: str, n) -> int:
    n = check_int(n, "n", 1, _MAX_N)
    if family == "radial" and n % 2:
        raise ValueError(f"n must be even for family 'radial' (rotations of pairs of coordinates), got n = {n}")
    return n


_TANH_STEPS = (0.2, 0.1, 0.05)


def _trapezoid(step: float):
    # the trapezoidal rule on the real line converges like exp(−2π d / step) for an integrand
    # analytic in the strip |Im z| < d; tanh(a z) has its poles at |Im z| = π/(2a), so for the
    # a <= 4 used here this beats Gauss–Hermite, whose nodes do not adapt to nearby poles
    x = np.arange(-_RADIUS, _RADIUS + step / 2, step)
    return x, step * np.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)


@lru_cache(maxsize=256)
def _tanh_moments(a: float):
    """``(s², E[tanh(az) z])`` by the trapezoidal rule on three halving steps, with their errors."""
    vals = []
    for step in _TANH_STEPS:
        x, w = _trapezoid(step)
        t = np.tanh(a * x)
        vals.append((float(w @ t ** 2), float(w @ (t * x))))
    s2 = [v[0] for v in vals]
    c = [v[1] for v in vals]
    npts = len(_trapezoid(_TANH_STEPS[-1])[0])
    return s2[-1], sequence_error(s2, n_points=npts).error, c[-1], sequence_error(c, n_points=npts).error


@lru_cache(maxsize=256)
def _tanh_correlation(a: float, rho: float):
    """``E[tanh(a z) tanh(a z')]`` on the (z, η) trapezoidal grid, with its error."""
    ks = []
    for step in _TANH_STEPS:
        x, w = _trapezoid(step)
        t = np.tanh(a * x)
        tp = np.tanh(a * (rho * x[:, None] + math.sqrt(1.0 - rho * rho) * x[None, :]))
        ks.append(float((w * t) @ tp @ w))
    npts = len(_trapezoid(_TANH_STEPS[-1])[0]) ** 2
    return ks[-1], sequence_error(ks, n_points=npts).error


def _tanh_sd(a: float) -> float:
    return math.sqrt(_tanh_moments(a)[0])


def _radial_block(x: np.ndarray, a: float) -> np.ndarray:
    # rotate each pair (x_{2j}, x_{2j+1}) by a π r_j
    n = x.shape[1]
    p = x.reshape(len(x), n // 2, 2)
    ang = a * math.pi * np.sqrt(np.sum(p * p, axis=2))
    c, s = np.cos(ang), np.sin(ang)
    out = np.stack([c * p[..., 0] - s * p[..., 1], s * p[..., 0] + c * p[..., 1]], axis=2)
    return out.reshape(len(x), n)


def family_map(family: str, a: float, n: int = 2, *, seed: int = 0):
    """The map ``h_a`` of a family (an (N, n) → (N, n) callable) and the rotation ``Q`` it starts from."""
    check_choice(family, "family", FAMILIES)
    a = _check_a(family, a)
    n = _check_n(family, n)
    Q = random_orthogonal(n, seed)
    if family == "degree2":
        c = math.sqrt(1.0 - a * a)
        return (lambda z: c * z @ Q.T + a * (z ** 2 - 1.0) / math.sqrt(2.0)), Q
    if family == "scale":
        return (lambda z: (1.0 + a) * z @ Q.T), Q
    if family == "radial":
        return (lambda z: _radial_block(np.asarray(z, dtype=float), a) @ Q.T), Q
    sd = _tanh_sd(a)
    return (lambda z: np.tanh(a * z) @ Q.T / sd), Q


def closed_form(family: str, a: float, n: int = 2, rho: float = 0.95) -> dict:
    """The exact values for the polynomial families ``degree2`` and ``scale`` (module docstring)."""
    check_choice(family, "family", ("degree2", "scale"))
    a = _check_a(family, a)
    n = _check_n(family, n)
    rho = float(check_rho(rho))
    if family == "degree2":
        D = n * a * a
        return {"epsilon": 0.0, "delta": 2 * n * a * a * rho * (1 - rho), "D": D,
                "bound": D + D * D, "error": n * (1 - math.sqrt(1 - a * a)) ** 2 + n * a * a}
    s = 1.0 + a
    eps = math.sqrt(n) * abs(s * s - 1)
    return {"epsilon": eps, "delta": 0.0, "D": 0.0, "bound": eps * eps, "error": n * (s - 1) ** 2}


def _gauss_legendre(q: int):
    x, w = np.polynomial.legendre.leggauss(q)
    return 0.5 * _RADIUS * (x + 1.0), 0.5 * _RADIUS * w


@lru_cache(maxsize=256)
def _radial_integrals(a: float, rho: float):
    """``(C, S, P)`` of the module docstring with their errors (Gauss–Legendre on [0, 12])."""
    w_ = a * math.pi
    cs = []
    for q in (32, 64, 128):
        r, w = _gauss_legendre(q)
        base = w * r ** 3 * np.exp(-0.5 * r * r)
        cs.append((float(base @ np.cos(w_ * r)), float(base @ np.sin(w_ * r))))
    one = 1.0 - rho * rho
    ps = []
    for q in (50, 100, 200):
        r, w = _gauss_legendre(q)
        R, Rp = np.meshgrid(r, r, indexing="ij")
        kappa = rho * R * Rp / one
        # I_1(κ) e^{−(r² + r'²)/(2(1−ρ²))} = ive(1, κ) e^{−(r − r')²/(2(1−ρ²)) − (1−ρ) r r'/(1−ρ²)}
        f = (R * Rp) ** 2 * ive(1, kappa) * np.exp(-(R * R + Rp * Rp - 2.0 * rho * R * Rp) / (2.0 * one))
        f *= np.cos(w_ * (R - Rp)) / one
        ps.append(float(w @ f @ w))
    C = [v[0] for v in cs]
    S = [v[1] for v in cs]
    return (C[-1], sequence_error(C, n_points=128).error, S[-1], sequence_error(S, n_points=128).error,
            ps[-1], sequence_error(ps, n_points=200 ** 2).error)


def _point(family, a, n, rho, eps, e_eps, delta, e_delta, error, e_error, method) -> FamilyPoint:
    gap = spectral_gap(rho)
    Dv = max(delta, 0.0) / gap
    e_D = e_delta / gap
    bound = Dv + (eps + Dv) ** 2
    # the bound is increasing in ε and D: its error is at most the change at the ends of their bars
    e_bound = (Dv + e_D + (eps + e_eps + Dv + e_D) ** 2) - bound
    unc = {"epsilon": e_eps, "delta": e_delta, "D": e_D, "bound": e_bound, "error": e_error}
    return FamilyPoint(family, float(a), n, rho, eps, delta, Dv, bound, error, unc, method)


def _population(family: str, a: float, n: int, rho: float) -> FamilyPoint:
    if family in ("degree2", "scale"):
        cf = closed_form(family, a, n, rho)
        return FamilyPoint(family, a, n, rho, cf["epsilon"], cf["delta"], cf["D"], cf["bound"], cf["error"],
                           {k: 0.0 for k in _KEYS}, "closed form")
    if family == "tanh":
        s2, e_s2, m1, e_m1 = _tanh_moments(a)
        K, e_K = _tanh_correlation(a, rho)
        sd = math.sqrt(s2)
        c = m1 / sd
        e_c = e_m1 / sd + abs(m1) * e_s2 / (2.0 * s2 * sd)
        k = K / s2
        e_k = e_K / s2 + abs(K) * e_s2 / s2 ** 2
        # the map divides by the computed s, so Cov h = (s²_true / s²) I: ε is the relative error of s²
        return _point(family, a, n, rho, 0.0, math.sqrt(n) * e_s2 / s2, 2 * n * (rho - k), 2 * n * e_k,
                      2 * n * (1 - c), 2 * n * e_c, "1D and 2D trapezoidal rules, error from 3 halving steps")
    C, e_C, S, e_S, P, e_P = _radial_integrals(a, rho)
    amp = math.hypot(C, S)
    e_amp = (abs(C) * e_C + abs(S) * e_S) / amp if amp > 0 else e_C + e_S
    blocks = n // 2
    return _point(family, a, n, rho, 0.0, 0.0, blocks * (4 - 2 * P - 4 * (1 - rho)), 2 * blocks * e_P,
                  blocks * (4 - 2 * amp), 2 * blocks * e_amp,
                  "polar coordinates: 1D and 2D Gauss–Legendre, error from 3 doubling rules")


def perturbation_family(family: str, a_values: Sequence[float], n: int = 2, rho: float = 0.95, *,
                        seed: int = 0) -> list[FamilyPoint]:
    """Population ε, δ, D, the bound and the error ``E||h_a − Q_a z||²`` for each ``a`` (module docstring).

    Any ``n`` up to 4096 (even for ``radial``). The values do not depend on ``seed`` (the
    rotation ``Q`` drops out of every quantity); it is accepted for symmetry with :func:`family_map`.
    """
    check_choice(family, "family", FAMILIES)
    n = _check_n(family, n)
    rho = float(check_rho(rho))
    check_int(seed, "seed", 0)
    return [_population(family, _check_a(family, a), n, rho) for a in a_values]


def family_by_quadrature(family: str, a: float, n: int = 2, rho: float = 0.95, *, seed: int = 0) -> FamilyPoint:
    """The same values integrated from the map itself (``n <= 2``): the independent check.

    Moments by a tensor Gauss–Hermite rule on 3 doubling node counts, the alignment loss by
    :func:`numerics.alignment.alignment_loss` (``auto``), each with its error bar; ``error`` is
    ``E||h − Qz||²`` integrated directly with ``Q`` the polar factor of the integrated ``M``.
    """
    check_choice(family, "family", FAMILIES)
    n = check_int(n, "n", 1, 2)
    rho = float(check_rho(rho))
    h, _ = family_map(family, a, n, seed=seed)
    rows = []
    for q in ((50, 100, 200) if n == 1 else (32, 64, 128)):
        rule = tensor_rule(n, q)
        z, w = rule.points, rule.weights
        hz = h(z)
        mean = w @ hz
        cov = (hz * w[:, None]).T @ hz - np.outer(mean, mean)
        Q = polar_factor((hz * w[:, None]).T @ z)
        rows.append((float(np.linalg.norm(cov - np.eye(n))), float(np.trace(cov)),
                     float(w @ np.sum((hz - z @ Q.T) ** 2, axis=1))))
    eps, tr, err = (list(col) for col in zip(*rows))
    L = alignment_loss(h, n, rho, seed=seed)
    e_tr = sequence_error(tr).error
    delta = L.value - 2 * (1 - rho) * tr[-1]
    return _point(family, float(a), n, rho, eps[-1], sequence_error(eps).error, delta,
                  L.error + 2 * (1 - rho) * e_tr, err[-1], sequence_error(err).error,
                  f"tensor Gauss–Hermite on the map; alignment loss: {L.method}")
