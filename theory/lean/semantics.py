"""Lean and Mathlib semantics, and the structures of the authors' files, as exact predicates (docs/theory.md §6).

The readings of :mod:`theory.lean.readers` transcribe each declaration over concrete models
(Fractions, sympy Rationals, polynomials in a symbol ``z``); this module holds what several of
them share:

- Lean arithmetic: ``x / 0 = 0`` (:func:`lean_div`), ``Real.rpow`` (:func:`rpow_le`), empty sums
  0 and empty products 1;
- ``SpectralWeights`` (``Hermite.lean:42-47``): ``w : ℕ → ℝ`` with ``w ≥ 0``, ``w 0 = 0``,
  ``Summable w`` and ``∑' w = 1``, for finitely supported weights (dicts) and two closed forms
  with infinite support;
- ``IsGaussianScore`` and the affine eigen-equation of ``LatentComponent`` (``Uniqueness.lean``);
- the exact symbolic steps a reading's argument is made of (a step can fail, and the argument
  text lists every step with its verdict).

Existential conclusions (``∃ a ≠ 0, b``; ``∃ M linear``; ``∃ A, b``) are decided by coefficient
matching with ``sympy.linsolve`` (an empty solution set proves that no witness exists), never by
sampling.
"""

from __future__ import annotations

import functools
from fractions import Fraction
from typing import Any

import sympy as sp

F = Fraction
Z = sp.Symbol("z", real=True)
#: the summation index of closed-form weights (d ≥ 1)
D = sp.Symbol("d", integer=True, positive=True)
#: ρ = 1/(1 + u) ranges over (0, 1) as u ranges over (0, ∞); u = 0 adds ρ = 1
U_POS = sp.Symbol("u", positive=True)
U_NONNEG = sp.Symbol("u", nonnegative=True)


def rat(x) -> sp.Rational:
    """A Fraction (or int) as a sympy Rational."""
    x = Fraction(x)
    return sp.Rational(x.numerator, x.denominator)


# ---------------------------------------------------------------------------------------------
# Lean / Mathlib arithmetic
# ---------------------------------------------------------------------------------------------

def lean_div(x, y):
    """Division in a Lean field: ``x / 0 = 0``."""
    return 0 * x if y == 0 else x / y


def rpow_le(base: Fraction, exponent: Fraction, bound: Fraction) -> bool | None:
    """Decide ``Real.rpow base exponent ≤ bound`` exactly for ``base ≥ 0``.

    Mathlib: ``x ^ 0 = 1`` for every x (also 0); ``0 ^ y = 0`` for ``y ≠ 0``; for ``x > 0`` and
    ``y = 1/m`` the value is the positive m-th root, and ``x^(1/m) ≤ b`` iff ``b ≥ 0`` and
    ``x ≤ b^m`` (t ↦ t^m is increasing on t ≥ 0). Other exponents are not needed: ``None``.
    """
    if base < 0:
        return None
    if exponent == 0:
        return F(1) <= bound
    if base == 0:
        return F(0) <= bound
    if exponent.numerator == 1 and exponent.denominator >= 1:
        m = exponent.denominator
        return bound >= 0 and base <= bound**m
    return None


# ---------------------------------------------------------------------------------------------
# SpectralWeights
# ---------------------------------------------------------------------------------------------

#: finitely supported weights {degree: weight}: valid ones first, then ones that break one field
#: (w 0 ≠ 0; a negative weight; total 1/2; the weights of equality at ρ = 1/2 with w 0 ≠ 0)
FINITE_WEIGHTS = ({1: F(1)}, {1: F(1, 2), 2: F(1, 2)}, {2: F(1)}, {0: F(1, 2), 1: F(1, 2)},
                  {1: F(3, 2), 2: F(-1, 2)}, {1: F(1, 2)}, {0: F(1, 5), 1: F(2, 5), 2: F(2, 5)})
#: closed forms in d ≥ 1 (w 0 = 0): two spectral weights, and the constant 1 (total infinite)
CLOSED_WEIGHTS = (6 / (sp.pi**2 * D**2), sp.Rational(1, 2) ** D, sp.Integer(1))


def weights_nonneg(w) -> bool | None:
    """``∀ d, 0 ≤ w d``."""
    if isinstance(w, dict):
        return all(v >= 0 for v in w.values())
    return w.is_nonnegative


def weights_zero_degree(w) -> bool:
    """``w 0 = 0`` (closed forms start at d = 1)."""
    return w.get(0, 0) == 0 if isinstance(w, dict) else True


def weights_total_one(w) -> bool | None:
    """``Summable w`` and ``∑' w = 1``."""
    if isinstance(w, dict):
        return sum(w.values()) == 1
    return _closed_total_one(w)


@functools.lru_cache(maxsize=None)
def _closed_total_one(w) -> bool | None:
    summable = series_converges(w)
    if summable is None:
        return None
    return bool(summable and sp.simplify(sp.Sum(w, (D, 1, sp.oo)).doit() - 1) == 0)


def is_spectral_weights(w) -> bool | None:
    """The four fields of ``SpectralWeights`` for a finite dict or a closed form in ``d ≥ 1``."""
    verdicts = [weights_nonneg(w), weights_zero_degree(w), weights_total_one(w)]
    if any(v is False for v in verdicts):
        return False
    return None if any(v is None for v in verdicts) else True


def _power_form(term) -> tuple | None:
    """``(C, p, r)`` with ``term = C · d^p · r^d`` (C, p, r free of d), or ``None`` for another form."""
    C, p, r = sp.Integer(1), sp.Integer(0), sp.Integer(1)
    for factor in sp.Mul.make_args(sp.powsimp(sp.expand_power_base(sp.sympify(term), force=True))):
        if not factor.has(D):
            C *= factor
        elif factor == D:
            p += 1
        elif factor.is_Pow and factor.base == D and not factor.exp.has(D):
            p += factor.exp
        elif factor.is_Pow and not factor.base.has(D) and factor.exp.is_polynomial(D) \
                and sp.Poly(factor.exp, D).degree() == 1:
            k, a = sp.Poly(factor.exp, D).all_coeffs()  # base^(k d + a)
            r *= factor.base**k
            C *= factor.base**a
        else:
            return None
    return C, p, r


@functools.lru_cache(maxsize=None)
def series_converges(term) -> bool | None:
    """Whether ``Σ_{d ≥ 1} term(d)`` converges.

    For ``C · d^p · r^d`` exactly: iff ``C = 0``, ``|r| < 1``, or ``|r| = 1`` and ``p < −1`` (ratio and
    p-series tests); any other form goes to sympy's convergence tests (``None`` if undecided).
    """
    form = _power_form(term)
    if form is not None and all(v.is_comparable or v.is_number for v in form):
        C, p, r = form
        if C == 0:
            return True
        size = sp.Abs(r)
        if size != 1:
            return bool(size < 1)
        return bool(p < -1)
    verdict = sp.Sum(term, (D, 1, sp.oo)).is_convergent()
    return None if verdict is None else bool(verdict)


def spectral_sum(w: dict, rho) -> Any:
    """``∑' d, w d * ρ ^ d`` for finitely supported weights (a finite sum, exactly)."""
    return sum((v * rho**d for d, v in w.items()), 0 * rho)


@functools.lru_cache(maxsize=None)
def closed_sum(term) -> sp.Expr:
    """``Σ_{d ≥ 1} term(d)`` in closed form (sympy)."""
    return sp.simplify(sp.Sum(term, (D, 1, sp.oo)).doit())


def positive_rho(m) -> bool:
    """``0 < ρ``."""
    return m["rho"] > 0


def below_one(m) -> bool:
    """``ρ < 1``."""
    return m["rho"] < 1


def at_most_one(m) -> bool:
    """``ρ ≤ 1``."""
    return m["rho"] <= 1


# ---------------------------------------------------------------------------------------------
# Hermite spectra of 1D maps, scores and eigenfunctions
# ---------------------------------------------------------------------------------------------

def degree_fractions(f) -> dict[int, Fraction] | None:
    """Hermite degree energies of a 1D polynomial map as fractions of E[f²] (None for f = 0)."""
    from lejepa_verify.theory.hermite import hermite_spectrum

    z = sp.Symbol("z_1")
    spec = hermite_spectrum([sp.Poly(f.subs(Z, z), z, domain=sp.QQ)], (z,))
    row = [F(int(sp.Rational(e).p), int(sp.Rational(e).q)) for e in spec.energies[0]]
    total = sum(row)
    return None if total == 0 else {d: e / total for d, e in enumerate(row) if e != 0}


def is_linear_1d(f) -> bool:
    """``∃ m, ∀ z, f z = m z`` for a polynomial ``f`` (coefficient matching)."""
    m = sp.Symbol("m")
    return sp.linsolve(sp.Poly(sp.expand(f - m * Z), Z).all_coeffs(), [m]) != sp.EmptySet


def affine_coefficients(f) -> tuple | None:
    """``(slope, intercept)`` of a polynomial of degree ≤ 1 in ``z``, else ``None``."""
    p = sp.Poly(sp.expand(f), Z)
    if p.degree() > 1:
        return None
    c = p.all_coeffs()
    return (c[0], c[1]) if len(c) == 2 else (sp.Integer(0), c[0])


def is_gaussian_score(f) -> bool:
    """``IsGaussianScore f``: ∃ α < 0, β, ∀ z, f z = α z + β (coefficient matching)."""
    ab = affine_coefficients(f)
    return ab is not None and bool(ab[0] < 0)


def eigen_holds(K, score, ev, a, b) -> bool:
    """``∀ z, K · score z · a = −(ev · (a z + b))`` (a polynomial identity in ``z``)."""
    return sp.expand(K * score * a + ev * (a * Z + b)) == 0


def affine_eigenfunction_exists(K, score, ev) -> bool:
    """``∃ a ≠ 0, b, ∀ z, K·score(z)·a = −(ev·(a z + b))``.

    The equations are homogeneous linear in (a, b), so a solution with a ≠ 0 exists iff one
    with a = 1 does: ``linsolve`` of the coefficients in z with a = 1 decides it exactly.
    """
    b = sp.Symbol("b")
    eqs = sp.Poly(sp.expand(K * score * 1 + ev * (1 * Z + b)), Z).all_coeffs()
    return sp.linsolve(eqs, [b]) != sp.EmptySet


# ---------------------------------------------------------------------------------------------
# Arguments: exact steps, each with its verdict
# ---------------------------------------------------------------------------------------------

def steps(*items: tuple[str, bool]) -> tuple[bool, str]:
    """An argument made of checked steps: ``(all hold, "step [ok]; step [FAILS]; …")``."""
    ok = all(bool(v) for _, v in items)
    return ok, "; ".join(f"{text} [{'ok' if v else 'FAILS'}]" for text, v in items)


def is_zero(expr) -> bool:
    """Whether sympy simplifies ``expr`` to 0."""
    return sp.simplify(expr) == 0


@functools.lru_cache(maxsize=None)
def rho_power_at_most_one() -> bool:
    """``ρ^m ≤ 1`` for every m ≥ 0 and 0 < ρ ≤ 1, by induction: ρ^0 = 1, ρ^m − ρ^(m+1) = ρ^m(1 − ρ) ≥ 0."""
    m = sp.Symbol("m", integer=True, nonnegative=True)
    rho = 1 / (1 + U_POS)  # 0 < ρ < 1; ρ = 1 has ρ^m = 1 for every m
    return bool((rho**m * (1 - rho)).is_positive) and rho**0 == 1 and sp.Integer(1) ** m == 1


@functools.lru_cache(maxsize=None)
def two_gap_positive() -> bool:
    """``2ρ(1 − ρ) > 0`` for 0 < ρ < 1 (ρ = 1/(1 + u), u > 0: the product is 2u/(1 + u)²)."""
    rho = 1 / (1 + U_POS)
    return bool(sp.simplify(2 * rho * (1 - rho)).is_positive)
