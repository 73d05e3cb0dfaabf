"""Exact sign certificates for polynomials on an interval (docs/theory.md §2, §4): the package's one certifier.

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

Another interval is moved onto ``[0, 1]`` first (:func:`check_nonnegative`: ``x = lo + (hi − lo) s``,
or ``x = lo + s/(1 − s)`` times ``(1 − s)^deg`` for ``[lo, ∞)``), and a failed certificate is
followed by a search for a rational point where the polynomial is negative, so that a false
statement is refuted by a counterexample, not merely left unproved.
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


# --------------------------------------------------------------------------------------------
# Any interval: a change of variable onto [0, 1], the same certificate, and a witness search
# --------------------------------------------------------------------------------------------

_S = sp.Symbol("s", nonnegative=True)


def _on_unit_interval(p, x: sp.Symbol, lo: Fraction, hi: Fraction | None) -> sp.Poly:
    """``p`` on ``[lo, hi]`` (``hi`` None: ``[lo, ∞)``) as a polynomial in ``s ∈ [0, 1]`` with the same sign.

    ``[lo, hi]``: ``x = lo + (hi − lo) s``. ``[lo, ∞)``: ``x = lo + s/(1 − s)`` and the result is
    multiplied by ``(1 − s)^deg p > 0``, which clears the denominator and keeps the sign on ``[0, 1)``.
    """
    poly = sp.Poly(sp.expand(p), x)
    lo_s = sp.Rational(lo.numerator, lo.denominator)
    if hi is not None:
        hi_s = sp.Rational(hi.numerator, hi.denominator)
        return sp.Poly(sp.expand(poly.as_expr().subs(x, lo_s + (hi_s - lo_s) * _S)), _S, domain=sp.QQ)
    deg = max(poly.degree(), 0)
    moved = sp.cancel(poly.as_expr().subs(x, lo_s + _S / (1 - _S)) * (1 - _S) ** deg)
    return sp.Poly(sp.expand(moved), _S, domain=sp.QQ)


@dataclass(frozen=True)
class InequalityCheck:
    """The verdict on ``p(x) ≥ 0`` for ``x`` in an interval.

    ``certified``: a Bernstein certificate was found (a proof). ``witness``: a rational point where
    ``p < 0`` (a disproof), or ``None``.
    """

    statement: str
    certified: bool
    witness: Fraction | None
    witness_value: Fraction | None

    @property
    def holds(self) -> bool:
        """Whether the inequality was certified and no witness against it was found."""
        return self.certified and self.witness is None

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {
            "statement": self.statement,
            "certified": self.certified,
            "witness": None if self.witness is None else str(self.witness),
            "witness_value": None if self.witness_value is None else str(self.witness_value),
        }


def negative_point(p, x: sp.Symbol, lo: Fraction, hi: Fraction | None) -> tuple[Fraction, Fraction] | None:
    """A rational point of the interval where ``p < 0`` (a counterexample), on a dyadic grid of 65 points."""
    top = hi if hi is not None else lo + 16
    points = [lo + (top - lo) * Fraction(k, 64) for k in range(65)]
    fn = sp.lambdify(x, p, modules=[{"Abs": abs}, "sympy"])
    for pt in points:
        value = sp.Rational(fn(sp.Rational(pt.numerator, pt.denominator)))
        if value < 0:
            return pt, Fraction(int(value.p), int(value.q))
    return None


def check_nonnegative(p, x: sp.Symbol, lo, hi=None, statement: str = "") -> InequalityCheck:
    """Decide ``p(x) ≥ 0`` on ``[lo, hi]`` (``hi`` None: ``[lo, ∞)``) for a polynomial ``p`` with rational coefficients.

    A proof is :func:`bernstein_certificate` of ``p`` moved onto ``[0, 1]`` (sufficient, not
    necessary); a disproof is a rational point where ``p < 0``. Neither found: not proved.
    """
    from lejepa_verify.theory.validate import as_fraction

    lo = as_fraction(lo, "lo")
    hi = None if hi is None else as_fraction(hi, "hi")
    if hi is not None and hi <= lo:
        raise ValueError(f"hi must exceed lo, got lo={lo}, hi={hi}")
    certified = bernstein_certificate(_on_unit_interval(p, x, lo, hi)).nonnegative
    found = negative_point(p, x, lo, hi)
    return InequalityCheck(
        statement=statement or f"{p} >= 0 on [{lo}, {'oo' if hi is None else hi}]",
        certified=bool(certified),
        witness=None if found is None else found[0],
        witness_value=None if found is None else found[1],
    )
