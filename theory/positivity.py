"""Exact sign certificates for polynomials in ``rho`` on the unit interval (docs/theory.md §2).

Statements such as "the excess ``2(rho − rho^d)`` is positive for ``0 < rho < 1``" are checked
here by writing the polynomial in the Bernstein basis of ``[0, 1]``,

    p(x) = Σ_{k=0}^{N} b_k C(N, k) x^k (1 − x)^(N−k),   b_k = Σ_{j<=k} C(k, j) / C(N, j) · a_j

(``a_j`` the monomial coefficients). Every basis function is ``> 0`` on ``(0, 1)``, so

- all ``b_k >= 0``                   ⇒ ``p >= 0`` on ``[0, 1]``;
- all ``b_k >= 0`` and some ``b_k > 0`` ⇒ ``p > 0`` on ``(0, 1)``.

This is a certificate, exact in rational arithmetic. It is sufficient, not necessary: a
positive polynomial can have a negative Bernstein coefficient at its own degree, which degree
elevation (raising ``N``) removes eventually (the coefficients converge to the values of
``p``); :func:`bernstein_certificate` tries a few elevations before answering "not certified".
A false statement can never be certified, since a certified polynomial *is* nonnegative.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import comb

import sympy as sp

from lejepa_verify.theory.hermite import RHO
from lejepa_verify.theory.validate import check_int


def _monomial_coefficients(p) -> list[Fraction]:
    """Ascending rational coefficients of a univariate polynomial (Poly or expression in ``rho``)."""
    poly = p if isinstance(p, sp.Poly) else sp.Poly(sp.sympify(p), RHO)
    if len(poly.gens) != 1:
        raise ValueError(f"p must be univariate, got generators {poly.gens}")
    if not (poly.domain.is_ZZ or poly.domain.is_QQ):
        raise ValueError(f"p must have rational coefficients, got domain {poly.domain}")
    coeffs = [Fraction(0)] * (poly.degree() + 1 if not poly.is_zero else 1)
    for (k,), c in poly.terms():
        coeffs[k] = Fraction(int(c.numerator), int(c.denominator))
    return coeffs


def _bernstein(a: list[Fraction], n: int) -> tuple[Fraction, ...]:
    a = a + [Fraction(0)] * (n + 1 - len(a))
    return tuple(sum((Fraction(comb(k, j), comb(n, j)) * a[j] for j in range(k + 1)), Fraction(0)) for k in range(n + 1))


def bernstein_coefficients(p, degree: int | None = None) -> tuple[Fraction, ...]:
    """The Bernstein coefficients ``b_0..b_N`` of ``p`` on ``[0, 1]`` at degree ``N >= deg p``."""
    a = _monomial_coefficients(p)
    n = len(a) - 1 if degree is None else check_int(degree, "degree", len(a) - 1, 400)
    return _bernstein(a, n)


@dataclass(frozen=True)
class SignCertificate:
    """Outcome of :func:`bernstein_certificate`.

    ``nonnegative``: ``p >= 0`` on ``[0, 1]`` is certified. ``positive``: ``p > 0`` on ``(0, 1)``
    is certified. ``zero``: ``p`` is the zero polynomial. ``degree``: the Bernstein degree used;
    ``min_coefficient``: the smallest ``b_k`` at that degree.
    """

    nonnegative: bool
    positive: bool
    zero: bool
    degree: int
    min_coefficient: Fraction

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"nonnegative": self.nonnegative, "positive": self.positive, "zero": self.zero,
                "degree": self.degree, "min_coefficient": str(self.min_coefficient)}


def bernstein_certificate(p, max_elevation: int = 16) -> SignCertificate:
    """Try to certify ``p >= 0`` on ``[0, 1]`` (and ``p > 0`` on ``(0, 1)``), elevating the degree up to ``max_elevation`` times."""
    max_elevation = check_int(max_elevation, "max_elevation", 0, 200)
    a = _monomial_coefficients(p)
    base = len(a) - 1
    if all(c == 0 for c in a):
        return SignCertificate(nonnegative=True, positive=False, zero=True, degree=0, min_coefficient=Fraction(0))
    for extra in range(max_elevation + 1):
        b = _bernstein(a, base + extra)
        # b_0 = p(0) and b_N = p(1) at every degree: a negative end value is final
        if b[0] < 0 or b[-1] < 0:
            break
        if min(b) >= 0:
            return SignCertificate(nonnegative=True, positive=max(b) > 0, zero=False, degree=base + extra,
                                   min_coefficient=min(b))
    return SignCertificate(nonnegative=False, positive=False, zero=False, degree=len(b) - 1, min_coefficient=min(b))
