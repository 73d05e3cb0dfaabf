"""The alignment loss, its spectral form, the per-degree penalty and Theorem A (docs/theory.md §2).

Two independent routes to the same numbers:

- *direct*: ``L(h) = E ||h(z) − h(z')||²`` with ``z' = rho z + s eta``, by expanding the square,
  averaging over ``(z, eta)`` with the Gaussian moments and reducing ``s² = 1 − rho²``
  (:func:`alignment_loss`, :func:`lagged_correlation`, :func:`covariance_matrix`);
- *spectral*: ``L(h) = 2 Σ_i Σ_{d>=1} (1 − rho^d) E_{i,d}`` from the Hermite degree energies
  (:func:`spectral_alignment_loss`, :func:`spectral_correlation`).

Both return Polys in the symbol ``rho``, so their agreement is a polynomial identity.

Per degree, a unit of energy at degree ``d`` costs ``2(1 − rho^d)``; the excess over linear,
``2(rho − rho^d) = 2 rho (1 − rho)(1 + rho + … + rho^(d−2))``, is positive for ``d >= 2`` and
``0 < rho < 1``; its minimum over ``d >= 2`` is the spectral gap ``2 rho (1 − rho)`` at ``d = 2``.

Theorem A (paper's Thm 4.1): ``E h = 0`` and ``Cov h = I_n`` imply ``L(h) >= 2n(1 − rho)``, with
equality iff ``h(z) = Q z``, ``Q ∈ O(n)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import sympy as sp

from lejepa_verify.theory.hermite import (
    MAX_DEGREE,
    RHO,
    HermiteSpectrum,
    as_poly,
    check_degree,
    gaussian_expectation,
)
from lejepa_verify.theory.mehler import next_state_polynomial, reduce_noise_scale
from lejepa_verify.theory.validate import check_int, check_rho

#: Largest degree for which :func:`degree_penalties` tabulates values.
MAX_TABLE_DEGREE = MAX_DEGREE


def _rho_value(rho):
    """``None`` → the symbol ``rho``; an exact rational → sympy Rational; a float → float."""
    if rho is None:
        return RHO
    check_rho(rho)
    if isinstance(rho, float):
        return rho
    if isinstance(rho, Fraction):
        return sp.Rational(rho.numerator, rho.denominator)
    if getattr(rho, "is_Rational", False) or isinstance(rho, int):
        return sp.Rational(rho)
    return float(rho)


def per_degree_penalty(d: int, rho=None):
    """``2(1 − rho^d)``: the alignment cost of one unit of energy at Hermite degree ``d``.

    ``rho=None`` gives the sympy expression in the symbol ``rho``; a rational ``rho`` gives an
    exact Rational, a float gives a float. docs/theory.md §2.
    """
    d = check_degree(d, "d")
    r = _rho_value(rho)
    return 2 * (1 - r**d)


def excess_penalty(d: int, rho=None):
    """``2(rho − rho^d)``: what degree ``d`` costs beyond a linear feature (docs/theory.md §2)."""
    d = check_degree(d, "d")
    r = _rho_value(rho)
    return 2 * (r - r**d)


def spectral_gap(rho=None):
    """``2 rho (1 − rho)``: the smallest excess over ``d >= 2``, attained at ``d = 2``."""
    r = _rho_value(rho)
    return 2 * r * (1 - r)


def loss_lower_bound(n: int, rho=None):
    """``2n(1 − rho)``: Theorem A's lower bound on ``L(h)`` for whitened ``h`` in ``n`` dimensions."""
    n = check_int(n, "n", 1)
    r = _rho_value(rho)
    return 2 * n * (1 - r)


def excess_factors(d: int) -> tuple[sp.Poly, sp.Poly, sp.Poly]:
    """The factors of ``rho − rho^d = rho · (1 − rho) · (1 + rho + … + rho^(d−2))`` for ``d >= 1``.

    For ``d >= 2`` each factor is positive on ``0 < rho < 1`` by inspection: ``rho``, ``1 − rho``,
    and a non-empty sum of powers of ``rho``. For ``d = 1`` the sum is empty (the zero
    polynomial): a linear feature has no excess. The claim multiplies the factors back and
    compares with ``rho − rho^d``.
    """
    d = check_int(d, "d", 1, MAX_DEGREE)
    geometric = sp.Poly(sum((RHO**j for j in range(d - 1)), sp.Integer(0)), RHO, domain=sp.QQ)
    return (sp.Poly(RHO, RHO, domain=sp.QQ), sp.Poly(1 - RHO, RHO, domain=sp.QQ), geometric)


@dataclass(frozen=True)
class DegreePenalties:
    """Per-degree penalties at one ``rho`` (exact when ``rho`` is rational).

    ``penalties[k] = 2(1 − rho^d)`` and ``excess[k] = 2(rho − rho^d)`` for ``d = degrees[k]``;
    ``gap = min_{d>=2} excess`` and ``gap_degree`` the smallest degree attaining it.
    """

    rho: object
    degrees: tuple[int, ...]
    penalties: tuple
    excess: tuple
    gap: object
    gap_degree: int

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        def plain(v):
            return str(v) if isinstance(v, sp.Basic) and not v.is_Float else float(v) if isinstance(v, sp.Float) else v

        return {
            "rho": plain(self.rho),
            "degrees": list(self.degrees),
            "penalties": [plain(v) for v in self.penalties],
            "excess": [plain(v) for v in self.excess],
            "gap": plain(self.gap),
            "gap_degree": self.gap_degree,
        }


def degree_penalties(rho, max_degree: int = 6) -> DegreePenalties:
    """Tabulate ``2(1 − rho^d)`` and ``2(rho − rho^d)`` for ``d = 1..max_degree`` and locate the gap."""
    max_degree = check_int(max_degree, "max_degree", 2, MAX_TABLE_DEGREE)
    r = _rho_value(rho)
    if r is RHO:
        raise ValueError("rho must be a number in (0, 1) for a table, got None")
    degrees = tuple(range(1, max_degree + 1))
    pen = tuple(per_degree_penalty(d, rho) for d in degrees)
    exc = tuple(excess_penalty(d, rho) for d in degrees)
    higher = [(e, d) for e, d in zip(exc, degrees) if d >= 2]
    gap, gap_degree = min(higher, key=lambda t: (t[0], t[1]))
    return DegreePenalties(rho=r, degrees=degrees, penalties=pen, excess=exc, gap=gap, gap_degree=gap_degree)


# ---------------------------------------------------------------------------------------------
# Direct computations on polynomial maps
# ---------------------------------------------------------------------------------------------


def _pair(component, gens):
    """``(h(z), h(z'))`` as Polys over the common generators ``(z, eta, rho, s)``."""
    nxt, noise = next_state_polynomial(component, gens)
    now = sp.Poly(as_poly(component, gens).as_expr(), *nxt.gens, domain=sp.QQ)
    return now, nxt, tuple(gens) + noise


def alignment_loss(components: Sequence, gens: Sequence[sp.Symbol]) -> sp.Poly:
    """``L(h) = E ||h(z) − h(z')||²`` as a Poly in ``rho``, computed directly (no Hermite basis).

    Expand ``(h_i(z) − h_i(rho z + s eta))²``, average every monomial over ``(z, eta)`` with the
    Gaussian moments, then replace ``s²`` by ``1 − rho²``.
    """
    gens = tuple(gens)
    if not components:
        raise ValueError("components must hold at least one polynomial, got an empty sequence")
    total = sp.Poly(0, RHO, domain=sp.QQ)
    for comp in components:
        now, nxt, rv = _pair(comp, gens)
        total = total + reduce_noise_scale(gaussian_expectation((now - nxt) ** 2, over=rv))
    return total


def lagged_correlation(components: Sequence, gens: Sequence[sp.Symbol]) -> sp.Poly:
    """``E[h(z) · h(z')]`` as a Poly in ``rho``, computed directly."""
    gens = tuple(gens)
    total = sp.Poly(0, RHO, domain=sp.QQ)
    for comp in components:
        now, nxt, rv = _pair(comp, gens)
        total = total + reduce_noise_scale(gaussian_expectation(now * nxt, over=rv))
    return total


def mean_vector(components: Sequence, gens: Sequence[sp.Symbol]) -> sp.Matrix:
    """``E h(z)`` under ``N(0, I_n)``, exactly."""
    gens = tuple(gens)
    return sp.Matrix([gaussian_expectation(as_poly(c, gens)) for c in components])


def covariance_matrix(components: Sequence, gens: Sequence[sp.Symbol]) -> sp.Matrix:
    """``Cov h(z) = E[h hᵀ] − E h E hᵀ`` under ``N(0, I_n)``, exactly, from the moments."""
    gens = tuple(gens)
    polys = [as_poly(c, gens) for c in components]
    mean = [gaussian_expectation(p) for p in polys]
    m = len(polys)
    cov = sp.zeros(m, m)
    for i in range(m):
        for j in range(i, m):
            cov[i, j] = gaussian_expectation(polys[i] * polys[j]) - mean[i] * mean[j]
            cov[j, i] = cov[i, j]
    return cov


# ---------------------------------------------------------------------------------------------
# Spectral forms
# ---------------------------------------------------------------------------------------------


def spectral_correlation(spectrum: HermiteSpectrum, exponent_shift: int = 0, exponent_factor: int = 1) -> sp.Poly:
    """``Σ_i Σ_d rho^(f·d + exponent_shift) E_{i,d}``: Mehler's formula for ``E[h(z)·h(z')]``.

    ``exponent_shift = 0``, ``exponent_factor = 1`` is the true statement; other values exist for
    negative controls (ρ^(d+1), ρ^(2d)).
    """
    total = sp.Integer(0)
    for row in spectrum.energies:
        for d, e in enumerate(row):
            total += e * RHO ** (exponent_factor * d + exponent_shift)
    return sp.Poly(total, RHO, domain=sp.QQ)


def spectral_alignment_loss(spectrum: HermiteSpectrum, factor=2, exponent_shift: int = 0, exponent_factor: int = 1,
                            lowest_degree: int = 1) -> sp.Poly:
    """``factor · Σ_i Σ_{d>=lowest} (1 − rho^(f·d + shift)) E_{i,d}`` (true: factor 2, f = 1, shift 0, lowest 1).

    The other values exist for negative controls: a missing factor 2, a wrong exponent
    (ρ^(d+1), ρ^(2d)), the degree-1 terms dropped (``lowest_degree = 2``).
    """
    total = sp.Integer(0)
    for row in spectrum.energies:
        for d, e in enumerate(row):
            if d >= max(1, lowest_degree):
                total += e * (1 - RHO ** (exponent_factor * d + exponent_shift))
    return sp.Poly(sp.Rational(factor) * total, RHO, domain=sp.QQ)


def simplex_correlation_gap(weights: Sequence, rho, bound_exponent: int = 1):
    """``rho^bound_exponent − Σ_{d>=1} w_d rho^d`` for weights ``w_1, w_2, …`` (``weights[0] = w_1``).

    Theorem A's chain needs this to be ``>= 0`` on the simplex, ``0`` iff ``w_1 = 1``
    (``bound_exponent = 1``). Exact for rational inputs.
    """
    r = _rho_value(rho)
    bound_exponent = check_int(bound_exponent, "bound_exponent", 0, MAX_DEGREE)
    if not weights:
        raise ValueError("weights must hold at least w_1, got an empty sequence")
    w = [sp.Rational(x) if not isinstance(x, float) else x for x in weights]
    if any(x < 0 for x in w):
        raise ValueError(f"weights must be >= 0 (a point of the simplex), got {list(weights)}")
    return r**bound_exponent - sum(wd * r ** (d + 1) for d, wd in enumerate(w))
