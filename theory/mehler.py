"""The Ornstein–Uhlenbeck (Mehler) channel on polynomials, exactly (docs/theory.md §1–2).

The pair is ``z' = rho z + s eta`` with ``s = sqrt(1 − rho²)`` and ``eta ~ N(0, I_n)``
independent of ``z``. For a polynomial ``p`` this module computes

    (P_rho p)(z) = E[p(rho z + s eta) | z]

by expanding ``p(rho z + s eta)``, averaging the monomials in ``eta`` with the Gaussian moments
and replacing ``s^(2j)`` by ``(1 − rho²)^j`` (odd powers of ``s`` always come with odd powers of
``eta`` and vanish). ``rho`` stays a symbol, so the results are polynomial identities in
``z`` and ``rho``; Mehler's eigen-relation ``P_rho He_α = rho^|α| He_α`` is then checked by
comparing two Polys, not assumed.
"""

from __future__ import annotations

from typing import Sequence

import sympy as sp

from lejepa_verify.theory.hermite import NOISE_SCALE, RHO, as_poly, gaussian_expectation, hermite_multi, noise_symbols


def reduce_noise_scale(p: sp.Poly, s: sp.Symbol = NOISE_SCALE, rho: sp.Symbol = RHO) -> sp.Poly:
    """Replace ``s^(2j)`` by ``(1 − rho²)^j`` in ``p`` (a Poly having ``s`` and ``rho`` as generators).

    Returns a Poly without the generator ``s``. An odd power of ``s`` means the noise was not
    averaged out first; that is an error, not something to round away.
    """
    gens = tuple(p.gens)
    if s not in gens or rho not in gens:
        raise ValueError(f"p must have generators {s} and {rho}, got {gens}")
    si = gens.index(s)
    rest = tuple(g for g in gens if g != s)
    one_minus = sp.Poly(1 - rho**2, *rest, domain=p.domain)
    by_power: dict[int, dict] = {}
    for monom, coeff in p.terms():
        k = monom[si]
        if k % 2:
            raise ValueError(f"p must hold only even powers of {s} (average over the noise first), got {s}^{k}")
        key = tuple(m for i, m in enumerate(monom) if i != si)
        by_power.setdefault(k // 2, {})[key] = coeff
    out = sp.Poly(0, *rest, domain=p.domain)
    for j, terms in by_power.items():
        out = out + sp.Poly.from_dict(terms, *rest, domain=p.domain) * one_minus**j
    return out


def _compose_with_channel(p: sp.Poly, gens: tuple, noise: tuple) -> sp.Poly:
    """``p(rho z + s eta)`` as a Poly in ``(z, eta, rho, s)``: Horner per variable."""
    all_gens = gens + noise + (RHO, NOISE_SCALE)
    images = [sp.Poly(RHO * z + NOISE_SCALE * e, *all_gens, domain=sp.QQ) for z, e in zip(gens, noise)]
    out = sp.Poly(0, *all_gens, domain=sp.QQ)
    # expanding monomial by monomial with cached powers: the image of z^β is Π (rho z_i + s eta_i)^β_i
    cache: dict[tuple[int, int], sp.Poly] = {}

    def power(i: int, k: int) -> sp.Poly:
        if (i, k) not in cache:
            cache[(i, k)] = images[i] ** k
        return cache[(i, k)]

    for monom, coeff in p.terms():
        term = sp.Poly(coeff, *all_gens, domain=sp.QQ)
        for i, k in enumerate(monom):
            if k:
                term = term * power(i, k)
        out = out + term
    return out


def next_state_polynomial(p, gens: Sequence[sp.Symbol]) -> tuple[sp.Poly, tuple[sp.Symbol, ...]]:
    """``p(z')`` with ``z' = rho z + s eta``, as a Poly in ``(z, eta, rho, s)``, and the noise symbols."""
    gens = tuple(gens)
    noise = noise_symbols(len(gens))
    poly = as_poly(p, gens)
    if not (poly.domain.is_ZZ or poly.domain.is_QQ):
        raise ValueError(f"p must have rational coefficients, got domain {poly.domain}")
    return _compose_with_channel(poly, gens, noise), noise


def ou_conditional_expectation(p, gens: Sequence[sp.Symbol]) -> sp.Poly:
    """``(P_rho p)(z) = E[p(rho z + sqrt(1 − rho²) eta) | z]`` as a Poly in ``(z, rho)`` (docs/theory.md §2)."""
    composed, noise = next_state_polynomial(p, gens)
    averaged = gaussian_expectation(composed, over=noise)
    return reduce_noise_scale(averaged)


def mehler_residual(alpha, gens: Sequence[sp.Symbol], exponent_shift: int = 0) -> sp.Poly:
    """``P_rho He_α − rho^(|α| + exponent_shift) He_α``: the zero Poly iff Mehler's relation holds.

    ``exponent_shift`` exists for the negative control (a wrong exponent must leave a residual).
    """
    gens = tuple(gens)
    he = hermite_multi(alpha, gens)
    lhs = ou_conditional_expectation(he, gens)
    rhs = sp.Poly(he.as_expr() * RHO ** (sum(alpha) + exponent_shift), *lhs.gens, domain=sp.QQ)
    return lhs - rhs
