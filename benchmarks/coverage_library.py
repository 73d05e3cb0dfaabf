"""Maps with alignment losses known in closed form or from an independent computation.

Used by ``bench_coverage.py`` and ``tests/numerics/test_coverage.py``. Every truth is
``L(h) = E||h(z) − h(z')||² = 2 Σ_i (E h_i² − E[h_i(z) h_i(z')])`` under the OU channel at ρ,
computed outside :func:`numerics.alignment.alignment_loss`:

* Gaussian identities: Sheppard's arcsine law ``E sign(z) sign(z') = 2 arcsin(ρ)/π``; the
  arc-cosine kernel ``E relu(z) relu(z') = (sqrt(1 − ρ²) + ρ(π − arccos ρ))/(2π)``;
  ``E|z||z'| = 2(sqrt(1 − ρ²) + ρ arcsin ρ)/π``; the MGF ``E e^{b(z + z')} = e^{b²(1 + ρ)}``;
  the characteristic function for sin and cos; Mehler ``E He_j(z) He_k(z') = δ_jk k! ρ^k``.
* Invariances: ``L(f ∘ Q) = L(f)`` for a rotation Q (the law of (z, z') is rotation invariant),
  and a coordinatewise map in ``n`` dimensions has ``n`` times the 1D loss.
* The piecewise reflection in coordinates ``u = a·z``, ``v = b·z`` is ``(s(v) u, v)`` with
  ``s = −1`` on ``v > 0``: ``E[h·h'] = ρ + ρ · 2 arcsin(ρ)/π`` (u and v independent).
* Hermite energies (for the spectrum's coverage, ``Case.profile``): a coordinatewise map of a
  rotation, ``h_i(z) = f(q_i · z)`` with unit rows ``q_i``, has ``E_{i,d} = c_d²`` where
  ``c_d = E[f(z) He_d(z)] / sqrt(d!)`` are the 1D coefficients of ``f``: since
  ``∫_t^∞ He_k φ = He_{k−1}(t) φ(t)``, the ramp has ``c_0 = φ(0)``, ``c_1 = 1/2`` and
  ``c_k = φ(0) He_{k−2}(0) / sqrt(k!)`` for ``k >= 2``; ``|z| = 2 relu(z) − z``, leaky ReLU
  ``a z + (1 − a) relu(z)``, ``sign`` has ``c_k = 2 φ(0) He_{k−1}(0) / sqrt(k!)`` (odd k), the
  step ``1{z > t}`` has ``c_0 = Φ(−t)``, ``c_k = φ(t) He_{k−1}(t) / sqrt(k!)``, and
  ``e^{bz}``, ``sin(bz)``, ``cos(bz)`` have ``e^{±b²/2} b^k / sqrt(k!)`` times 1, ``sin(kπ/2)``,
  ``cos(kπ/2)``.
* Independent quadrature where no closed form exists: scipy's adaptive ``quad`` split at the
  jumps (threshold step, circle shift), and the polar-coordinate Bessel integral of
  :mod:`numerics.bound_families` for the radial rotations (a different integrand from the
  direct 2n-dim one).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np
from scipy import integrate, special

from lejepa_verify.numerics.maps import make_map, random_orthogonal


@dataclass(frozen=True)
class Profile:
    """A map whose outputs are ``copies`` unit-direction copies of a 1D ``f``: its Hermite energies."""

    coefficient: Callable  # k -> c_k = E[f(z) He_k(z)] / sqrt(k!)
    second: float          # E f(z)²
    copies: int            # number of outputs m

    def energies(self, max_degree: int):
        """``(Σ_i E_{i,d} for d = 0..D, Σ_i residual_i)`` in closed form."""
        e = np.array([self.copies * self.coefficient(k) ** 2 for k in range(max_degree + 1)])
        return e, self.copies * self.second - float(e.sum())


@dataclass(frozen=True)
class Case:
    name: str
    dim: int
    kind: str              # smooth | kinked | discontinuous
    h: Callable
    truth: Callable        # rho -> L(h)
    profile: Profile | None = None  # Hermite energies in closed form, where known


def _phi(x):
    return math.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)


def _sign_l(r):
    return 2 - 4 * math.asin(r) / math.pi


def _relu_l(r):
    return 2 * (0.5 - (math.sqrt(1 - r * r) + r * (math.pi - math.acos(r))) / (2 * math.pi))


def _abs_l(r):
    return 2 * (1 - 2 * (math.sqrt(1 - r * r) + r * math.asin(r)) / math.pi)


def _exp_l(b):
    return lambda r: 2 * (math.exp(2 * b * b) - math.exp(b * b * (1 + r)))


def _sin_l(b):
    return lambda r: (1 - math.exp(-2 * b * b)) - math.exp(-b * b * (1 - r)) + math.exp(-b * b * (1 + r))


def _cos_l(b):
    return lambda r: (1 + math.exp(-2 * b * b)) - math.exp(-b * b * (1 - r)) - math.exp(-b * b * (1 + r))


def _herme_l(coef):
    # p = Σ c_k He_k: L = 2 Σ_k c_k² k! (1 − ρ^k) (Mehler)
    c = np.polynomial.hermite_e.poly2herme(coef)
    return lambda r: float(sum(2 * ck * ck * math.factorial(k) * (1 - r ** k) for k, ck in enumerate(c)))


@lru_cache(maxsize=64)
def _step_l(t, r):
    # h = 1{z > t}: E h² = Φ(−t), E h h' = ∫_t^∞ φ(x) Φ((ρx − t)/s) dx
    s = math.sqrt(1 - r * r)
    both = integrate.quad(lambda x: _phi(x) * special.ndtr((r * x - t) / s), t, np.inf, epsabs=1e-13, epsrel=1e-12)[0]
    return 2 * (special.ndtr(-t) - both)


def _circle(c):
    return lambda y: special.ndtri(np.mod(special.ndtr(y) + c, 1.0))


@lru_cache(maxsize=64)
def _circle_l(c, r):
    # E h(z) h(z') = ∫ φ(x) h(x) G(x) dx, G(x) = E h(ρx + sη); h jumps at y* = Φ⁻¹(1 − c)
    s = math.sqrt(1 - r * r)
    h = _circle(c)
    ystar = float(special.ndtri(1 - c))

    def G(x):
        f = lambda y: float(h(y)) * _phi((y - r * x) / s) / s  # noqa: E731
        lo = integrate.quad(f, -np.inf, ystar, epsabs=1e-13, epsrel=1e-12, limit=200)[0]
        return lo + integrate.quad(f, ystar, np.inf, epsabs=1e-13, epsrel=1e-12, limit=200)[0]

    g = lambda x: _phi(x) * float(h(x)) * G(x)  # noqa: E731
    cross = (integrate.quad(g, -12, ystar, epsabs=1e-12, epsrel=1e-11, limit=200)[0]
             + integrate.quad(g, ystar, 12, epsabs=1e-12, epsrel=1e-11, limit=200)[0])
    return 2 * (1 - cross)


@lru_cache(maxsize=64)
def _radial_l(turns, r):
    from lejepa_verify.numerics.bound_families import _radial_integrals

    return 4 - 2 * _radial_integrals(float(turns), float(r))[4]


@lru_cache(maxsize=64)
def _tanh_l(b, r):
    from lejepa_verify.numerics.bound_families import _tanh_correlation, _tanh_moments

    return 2 * (_tanh_moments(float(b))[0] - _tanh_correlation(float(b), float(r))[0])


def _he0(k):
    # He_k(0): 0 for odd k, (−1)^{k/2} (k − 1)!! for even k
    return 0.0 if k % 2 else (-1) ** (k // 2) * float(math.prod(range(k - 1, 0, -2)))


def _relu_c(k):
    if k == 0:
        return 1 / math.sqrt(2 * math.pi)
    if k == 1:
        return 0.5
    return _he0(k - 2) / math.sqrt(2 * math.pi) / math.sqrt(math.factorial(k))


def _abs_c(k):
    return 0.0 if k == 1 else 2 * _relu_c(k)


def _leaky_c(a):
    return lambda k: a + (1 - a) * 0.5 if k == 1 else (1 - a) * _relu_c(k)


def _sign_c(k):
    return 0.0 if k % 2 == 0 else 2 * _he0(k - 1) / math.sqrt(2 * math.pi) / math.sqrt(math.factorial(k))


def _step_c(t):
    def c(k):
        if k == 0:
            return float(special.ndtr(-t))
        he = np.polynomial.hermite_e.hermeval(t, [0] * (k - 1) + [1])
        return _phi(t) * float(he) / math.sqrt(math.factorial(k))
    return c


def _exp_c(b):
    return lambda k: math.exp(b * b / 2) * b ** k / math.sqrt(math.factorial(k))


def _sin_c(b):
    return lambda k: math.exp(-b * b / 2) * b ** k * (0, 1, 0, -1)[k % 4] / math.sqrt(math.factorial(k))


def _cos_c(b):
    return lambda k: math.exp(-b * b / 2) * b ** k * (1, 0, -1, 0)[k % 4] / math.sqrt(math.factorial(k))


def _herme_c(coef):
    c = np.polynomial.hermite_e.poly2herme(coef)
    return lambda k: float(c[k]) * math.sqrt(math.factorial(k)) if k < len(c) else 0.0


def _leaky_l(a):
    # h = a z + b relu(z), b = 1 − a: E h h' = a²ρ + abρ + b² k(ρ) (E z relu(z') = ρ/2)
    b = 1 - a

    def loss(r):
        kr = (math.sqrt(1 - r * r) + r * (math.pi - math.acos(r))) / (2 * math.pi)
        return 2 * (a * a + a * b + b * b / 2 - a * a * r - a * b * r - b * b * kr)
    return loss


def _leaky_second(a):
    return a * a + a * (1 - a) + (1 - a) ** 2 / 2


def _rotated(f, n, seed):
    Q = random_orthogonal(n, seed)
    return lambda z: f(z @ Q.T)


def _reflection_l(r):
    return 4 - 2 * r - 2 * r * 2 * math.asin(r) / math.pi


def cases() -> list[Case]:
    relu = lambda z: np.maximum(z, 0.0)  # noqa: E731
    leaky = lambda z: np.where(z > 0, z, 0.1 * z)  # noqa: E731
    step = lambda z: (z > 0.5).astype(float)  # noqa: E731
    P = Profile
    reflect = make_map("piecewise_reflection", 2, seed=3)
    out = [
        # 1D
        Case("sign", 1, "discontinuous", np.sign, _sign_l, P(_sign_c, 1.0, 1)),
        Case("relu", 1, "kinked", relu, _relu_l, P(_relu_c, 0.5, 1)),
        Case("abs", 1, "kinked", np.abs, _abs_l, P(_abs_c, 1.0, 1)),
        Case("step(z > 0.5)", 1, "discontinuous", step, lambda r: _step_l(0.5, r), P(_step_c(0.5), float(special.ndtr(-0.5)), 1)),
        Case("circle shift 0.3", 1, "discontinuous", _circle(0.3), lambda r: _circle_l(0.3, r)),
        Case("exp(z/2)", 1, "smooth", lambda z: np.exp(z / 2), _exp_l(0.5), P(_exp_c(0.5), math.exp(0.5), 1)),
        Case("sin(z)", 1, "smooth", np.sin, _sin_l(1.0), P(_sin_c(1.0), (1 - math.exp(-2)) / 2, 1)),
        Case("cos(2z)", 1, "smooth", lambda z: np.cos(2 * z), _cos_l(2.0), P(_cos_c(2.0), (1 + math.exp(-8)) / 2, 1)),
        Case("z^3 + z^2", 1, "smooth", lambda z: z ** 3 + z ** 2, _herme_l([0, 0, 1, 1]), P(_herme_c([0, 0, 1, 1]), 18.0, 1)),
        Case("He_5/sqrt(5!)", 1, "smooth", lambda z: np.polynomial.hermite_e.hermeval(z, [0] * 5 + [1]) / math.sqrt(120),
             lambda r: 2 * (1 - r ** 5)),
        Case("tanh(z)", 1, "smooth", np.tanh, lambda r: _tanh_l(1.0, r)),
        Case("tanh(3z)", 1, "smooth", lambda z: np.tanh(3 * z), lambda r: _tanh_l(3.0, r)),
        # 2D
        Case("sign∘Q (2D)", 2, "discontinuous", _rotated(np.sign, 2, 1), lambda r: 2 * _sign_l(r), P(_sign_c, 1.0, 2)),
        Case("relu∘Q (2D)", 2, "kinked", _rotated(relu, 2, 2), lambda r: 2 * _relu_l(r), P(_relu_c, 0.5, 2)),
        Case("piecewise reflection (2D)", 2, "discontinuous", reflect, _reflection_l),
        Case("spiral (2D)", 2, "kinked", make_map("spiral"), lambda r: _radial_l(1.0, r)),
        Case("radial rotation 0.3 turns (2D)", 2, "kinked", make_map("radial_rotation", 2, turns=0.3),
             lambda r: _radial_l(0.3, r)),
        Case("sin(z1) cos(z2) (2D)", 2, "smooth", lambda z: np.sin(z[:, 0]) * np.cos(z[:, 1]),
             lambda r: 2 * ((1 - math.exp(-2)) / 2 * (1 + math.exp(-2)) / 2
                            - (math.exp(-(1 - r)) - math.exp(-(1 + r))) / 2 * (math.exp(-(1 - r)) + math.exp(-(1 + r))) / 2)),
        Case("z1 z2 (2D)", 2, "smooth", lambda z: z[:, 0] * z[:, 1], lambda r: 2 * (1 - r * r)),
        Case("banana (2D)", 2, "smooth", make_map("banana"), lambda r: 4 * (1 - r) + 4 * (1 - r * r)),
        Case("exp∘Q (2D)", 2, "smooth", _rotated(lambda z: np.exp(z / 2), 2, 5), lambda r: 2 * _exp_l(0.5)(r), P(_exp_c(0.5), math.exp(0.5), 2)),
        # n >= 4
        Case("sign∘Q (4D)", 4, "discontinuous", _rotated(np.sign, 4, 6), lambda r: 4 * _sign_l(r), P(_sign_c, 1.0, 4)),
        Case("sin∘Q (4D)", 4, "smooth", _rotated(np.sin, 4, 7), lambda r: 4 * _sin_l(1.0)(r), P(_sin_c(1.0), (1 - math.exp(-2)) / 2, 4)),
        Case("relu (6D)", 6, "kinked", relu, lambda r: 6 * _relu_l(r), P(_relu_c, 0.5, 6)),
        Case("exp∘Q (8D)", 8, "smooth", _rotated(lambda z: np.exp(z / 2), 8, 8), lambda r: 8 * _exp_l(0.5)(r), P(_exp_c(0.5), math.exp(0.5), 8)),
        Case("circle shift 0.3 (4D)", 4, "discontinuous", _circle(0.3), lambda r: 4 * _circle_l(0.3, r)),
        # kinks in every direction of the sparse grid (the rotation keeps Smolyak from reducing to 1D)
        Case("leaky relu∘Q (2D)", 2, "kinked", _rotated(leaky, 2, 9), lambda r: 2 * _leaky_l(0.1)(r),
             P(_leaky_c(0.1), _leaky_second(0.1), 2)),
        Case("relu∘Q (4D)", 4, "kinked", _rotated(relu, 4, 10), lambda r: 4 * _relu_l(r), P(_relu_c, 0.5, 4)),
        Case("abs∘Q (8D)", 8, "kinked", _rotated(np.abs, 8, 11), lambda r: 8 * _abs_l(r), P(_abs_c, 1.0, 8)),
        Case("leaky relu∘Q (8D)", 8, "kinked", _rotated(leaky, 8, 12), lambda r: 8 * _leaky_l(0.1)(r),
             P(_leaky_c(0.1), _leaky_second(0.1), 8)),
    ]
    return out
