"""Probabilists' Hermite polynomials and exact Gaussian expectations (docs/theory.md §2).

Everything here is exact: polynomials are :class:`sympy.Poly` objects over the rationals (with
the symbols ``rho`` and ``s`` as extra generators where a correlation appears), and a Gaussian
expectation is read off the monomials from the moments of ``N(0, 1)``,

    E[z^(2m)] = (2m − 1)!!,   E[z^(2m+1)] = 0,

never by numerical or symbolic integration.

Conventions (docs/theory.md §2):

- ``He_0 = 1``, ``He_1 = z``, ``He_{k+1} = z He_k − k He_{k−1}``; ``E[He_j He_k] = k! δ_jk``.
- Multi-index ``α ∈ N^n``: ``He_α(z) = Π_i He_{α_i}(z_i)``, ``α! = Π_i α_i!``.
- A polynomial ``p = Σ_α a_α He_α`` has *Hermite coefficients* ``a_α`` (unnormalised basis) and
  *normalised coefficients* ``c_α = a_α sqrt(α!)`` (basis ``h_α = He_α / sqrt(α!)``); the
  energies ``c_α² = a_α² α!`` are rational whenever ``p`` has rational coefficients, which is
  why this module stores ``a_α`` and reports ``c_α²``.
- Degree energies of a map ``h = (h_1, …, h_m)``: ``E_{i,d} = Σ_{|α|=d} c_{i,α}²``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from itertools import product
from typing import Iterable, Mapping, Sequence

import sympy as sp

from lejepa_verify.theory.validate import check_int

#: Largest Hermite degree the exact routines accept. Coefficients of He_40 have 40+ digits and a
#: product of two such polynomials already costs seconds; the claims use D = 12.
MAX_DEGREE = 40

#: Largest number of latent variables for the multivariate routines (the claims use n <= 3;
#: the number of multi-indices grows like D^n / n!).
MAX_DIMENSION = 6

#: Default degree up to which the claims check their statements (D = 12).
DEFAULT_DEGREE = 12

#: The correlation of the Ornstein–Uhlenbeck pair, kept symbolic.
RHO = sp.Symbol("rho", positive=True)

#: ``s = sqrt(1 − rho²)``, kept as a symbol: after averaging over the noise it occurs only
#: through even powers, which :func:`reduce_noise_scale` replaces by powers of ``1 − rho²``.
NOISE_SCALE = sp.Symbol("s", positive=True)

Alpha = tuple[int, ...]


def latent_symbols(n: int, name: str = "z") -> tuple[sp.Symbol, ...]:
    """The symbols ``z_1, …, z_n`` (or ``name_i``) of an ``n``-dimensional latent, ``1 <= n <= MAX_DIMENSION``."""
    n = check_int(n, "n", 1, MAX_DIMENSION)
    return tuple(sp.Symbol(f"{name}_{i + 1}", real=True) for i in range(n))


def noise_symbols(n: int) -> tuple[sp.Symbol, ...]:
    """The symbols ``eta_1, …, eta_n`` of the transition noise (independent of ``z``)."""
    return latent_symbols(n, "eta")


def check_degree(k, name: str = "degree") -> int:
    """A Hermite degree: an integer in ``[0, MAX_DEGREE]``."""
    return check_int(k, name, 0, MAX_DEGREE)


def check_alpha(alpha, n: int | None = None, name: str = "alpha") -> Alpha:
    """A multi-index: a tuple of degrees, of length ``n`` when given, each in ``[0, MAX_DEGREE]``."""
    if isinstance(alpha, (str, bytes)) or not isinstance(alpha, Iterable):
        raise ValueError(f"{name} must be a tuple of non-negative integers, got {alpha!r}")
    alpha = tuple(alpha)
    if n is not None and len(alpha) != n:
        raise ValueError(f"{name} must have length n = {n}, got {len(alpha)} entries in {alpha!r}")
    if not 1 <= len(alpha) <= MAX_DIMENSION:
        raise ValueError(f"{name} must have between 1 and {MAX_DIMENSION} entries, got {len(alpha)}")
    return tuple(check_degree(a, f"{name}[{i}]") for i, a in enumerate(alpha))


# ---------------------------------------------------------------------------------------------
# One variable
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _hermite_int_coeffs(k: int) -> tuple[int, ...]:
    """Integer coefficients of He_k, ascending powers, from the three-term recurrence."""
    if k == 0:
        return (1,)
    if k == 1:
        return (0, 1)
    a, b = _hermite_int_coeffs(k - 2), _hermite_int_coeffs(k - 1)
    # He_k = z He_{k−1} − (k−1) He_{k−2}
    out = [0] + list(b)
    for i, c in enumerate(a):
        out[i] -= (k - 1) * c
    return tuple(out)


def hermite_coefficients_ascending(k: int) -> tuple[int, ...]:
    """The integer coefficients of ``He_k`` in ascending powers of ``z`` (``He_2 = z² − 1 → (−1, 0, 1)``)."""
    return _hermite_int_coeffs(check_degree(k))


def hermite_he(k: int, var: sp.Symbol | None = None) -> sp.Poly:
    """``He_k(var)`` as a Poly over QQ, by ``He_{k+1} = z He_k − k He_{k−1}`` (docs/theory.md §2)."""
    var = sp.Symbol("z", real=True) if var is None else var
    coeffs = hermite_coefficients_ascending(k)
    return sp.Poly.from_dict({(i,): c for i, c in enumerate(coeffs) if c}, var, domain=sp.QQ)


def hermite_norm_squared(k: int) -> int:
    """``E[He_k(z)²] = k!`` under ``N(0, 1)``: the normalisation of ``h_k = He_k / sqrt(k!)``."""
    return math.factorial(check_degree(k))


@lru_cache(maxsize=None)
def _moment(m: int) -> int:
    if m % 2:
        return 0
    out = 1
    for j in range(m - 1, 0, -2):
        out *= j
    return out


def gaussian_moment(m: int) -> int:
    """``E[z^m]`` for ``z ~ N(0, 1)``: ``(m − 1)!!`` for even ``m``, 0 for odd ``m``."""
    return _moment(check_int(m, "m", 0))


@lru_cache(maxsize=None)
def monomial_in_hermite(k: int) -> tuple[tuple[int, Fraction], ...]:
    """``z^k = Σ_j k! / (2^j j! (k − 2j)!) He_{k−2j}(z)``: pairs ``(degree, coefficient)``.

    This is the inverse change of basis; it is an explicit formula, independent of the
    recurrence, so comparing the two directions is a real check of completeness.
    """
    k = check_degree(k)
    out = []
    for j in range(k // 2 + 1):
        coeff = Fraction(math.factorial(k), 2**j * math.factorial(j) * math.factorial(k - 2 * j))
        out.append((k - 2 * j, coeff))
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# Several variables: expectations, multivariate Hermite polynomials, change of basis
# ---------------------------------------------------------------------------------------------


def as_poly(p, gens: Sequence[sp.Symbol]) -> sp.Poly:
    """``p`` (an expression or a Poly) as a Poly in exactly ``gens`` over QQ (or QQ[params])."""
    gens = tuple(gens)
    if isinstance(p, sp.Poly):
        if tuple(p.gens) == gens:
            return p
        p = p.as_expr()
    poly = sp.Poly(sp.sympify(p), *gens)
    if not poly.domain.is_Exact:
        raise ValueError(f"polynomial must have exact (rational) coefficients, got domain {poly.domain}")
    return poly


def gaussian_expectation(p, over: Sequence[sp.Symbol] | None = None):
    """``E[p]`` with the generators ``over`` (all of them by default) i.i.d. ``N(0, 1)``.

    Linear in the monomials, so each ``Π z_i^{m_i}`` becomes ``Π E[z^{m_i}]``. ``p`` is a Poly,
    or an expression that is read as a polynomial in exactly ``over`` (then required; other
    symbols stay in the coefficients). Returns a sympy number (an expression in the other
    symbols, if any) when every generator is averaged, else a Poly in the remaining generators.
    """
    if not isinstance(p, sp.Poly):
        if over is None:
            raise ValueError(f"p must be a sympy Poly, or an expression with the variables `over`, "
                             f"got {type(p).__name__} without `over`")
        p = as_poly(p, over)
    gens = tuple(p.gens)
    over = gens if over is None else tuple(over)
    unknown = [g for g in over if g not in gens]
    if unknown:
        raise ValueError(f"over must be generators of p {gens}, got {unknown[0]!r}")
    idx = [gens.index(g) for g in over]
    keep = [i for i in range(len(gens)) if i not in idx]
    acc: dict[tuple[int, ...], object] = {}
    for monom, coeff in p.terms():
        w = 1
        for i in idx:
            w *= _moment(monom[i])
            if not w:
                break
        if not w:
            continue
        key = tuple(monom[i] for i in keep)
        acc[key] = acc.get(key, 0) + coeff * w
    if not keep:
        return p.domain.to_sympy(acc.get((), p.domain.zero))
    rest = [gens[i] for i in keep]
    acc = {k: v for k, v in acc.items() if v}
    if not acc:
        return sp.Poly(0, *rest, domain=p.domain)
    return sp.Poly.from_dict(acc, *rest, domain=p.domain)


def hermite_multi(alpha, gens: Sequence[sp.Symbol]) -> sp.Poly:
    """``He_α(z) = Π_i He_{α_i}(z_i)`` as a Poly in ``gens``."""
    gens = tuple(gens)
    alpha = check_alpha(alpha, len(gens))
    # a product of univariate polynomials in distinct variables: the coefficient of z^β is the
    # product of the univariate coefficients, so build the dict directly
    terms: dict[tuple[int, ...], int] = {(): 1}
    for a in alpha:
        uni = hermite_coefficients_ascending(a)
        terms = {key + (i,): c * u for key, c in terms.items() for i, u in enumerate(uni) if u}
    return sp.Poly.from_dict(terms, *gens, domain=sp.QQ)


def multi_factorial(alpha) -> int:
    """``α! = Π_i α_i!``: the squared norm ``E[He_α²]``."""
    return math.prod(math.factorial(a) for a in check_alpha(alpha))


def multi_indices(n: int, max_degree: int) -> list[Alpha]:
    """All ``α ∈ N^n`` with ``|α| <= max_degree``, by total degree then lexicographically."""
    n = check_int(n, "n", 1, MAX_DIMENSION)
    max_degree = check_degree(max_degree, "max_degree")
    out = [a for a in product(range(max_degree + 1), repeat=n) if sum(a) <= max_degree]
    return sorted(out, key=lambda a: (sum(a), a))


def hermite_coefficients(p, gens: Sequence[sp.Symbol]) -> dict[Alpha, sp.Rational]:
    """The coefficients ``a_α`` of ``p = Σ_α a_α He_α`` (zero ones omitted), exactly.

    Each monomial ``z^β = Π_i z_i^{β_i}`` is expanded with :func:`monomial_in_hermite` in every
    variable; the tensor product of those expansions is its Hermite expansion.
    """
    gens = tuple(gens)
    check_int(len(gens), "n", 1, MAX_DIMENSION)
    poly = as_poly(p, gens)
    if poly.total_degree() > MAX_DEGREE or any(d > MAX_DEGREE for d in poly.degree_list()):
        raise ValueError(f"degree of p must be <= {MAX_DEGREE}, got {poly.total_degree()}")
    if not (poly.domain.is_ZZ or poly.domain.is_QQ):
        raise ValueError(f"p must have rational coefficients, got domain {poly.domain}")
    # Fractions, not sympy numbers, in the inner loop: the tensor expansion has many terms
    acc: dict[Alpha, Fraction] = {}
    for monom, coeff in poly.terms():
        c0 = Fraction(int(coeff.numerator), int(coeff.denominator))
        parts = [monomial_in_hermite(b) for b in monom]
        for combo in product(*parts):
            alpha = tuple(d for d, _ in combo)
            w = c0
            for _, c in combo:
                w *= c
            acc[alpha] = acc.get(alpha, 0) + w
    return {a: sp.Rational(v.numerator, v.denominator) for a, v in acc.items() if v != 0}


def from_hermite(coefficients: Mapping[Alpha, object], gens: Sequence[sp.Symbol]) -> sp.Poly:
    """``Σ_α a_α He_α`` as a Poly in ``gens``: the inverse of :func:`hermite_coefficients`."""
    gens = tuple(gens)
    out = sp.Poly(0, *gens, domain=sp.QQ)
    for alpha, a in coefficients.items():
        out = out + hermite_multi(alpha, gens) * sp.Rational(a)
    return out


def hermite_projection(p, alpha, gens: Sequence[sp.Symbol]) -> sp.Rational:
    """The orthogonal projection coefficient ``E[p He_α] / α!`` (a second route to ``a_α``)."""
    gens = tuple(gens)
    poly = as_poly(p, gens)
    alpha = check_alpha(alpha, len(gens))
    return sp.Rational(gaussian_expectation(poly * hermite_multi(alpha, gens))) / multi_factorial(alpha)


# ---------------------------------------------------------------------------------------------
# The spectrum of a polynomial map
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HermiteSpectrum:
    """Hermite spectrum of a polynomial map ``h = (h_1, …, h_m)`` in ``n`` latent variables.

    ``coefficients[i]`` maps each multi-index ``α`` to ``a_{i,α}`` (so ``h_i = Σ a_{i,α} He_α``);
    ``energies[i][d] = E_{i,d} = Σ_{|α|=d} a_{i,α}² α!`` (the squared normalised coefficients).
    """

    n: int
    coefficients: tuple[Mapping[Alpha, sp.Rational], ...]
    energies: tuple[tuple[sp.Rational, ...], ...]

    @property
    def max_degree(self) -> int:
        """Highest degree with a recorded energy."""
        return max((len(e) - 1 for e in self.energies), default=0)

    def energy(self, i: int, d: int) -> sp.Rational:
        """``E_{i,d}`` (zero beyond the top degree of component ``i``)."""
        row = self.energies[i]
        return row[d] if d < len(row) else sp.Integer(0)

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {
            "n": self.n,
            "coefficients": [{",".join(map(str, a)): str(c) for a, c in comp.items()} for comp in self.coefficients],
            "energies": [[str(e) for e in row] for row in self.energies],
        }


def hermite_spectrum(components: Sequence, gens: Sequence[sp.Symbol]) -> HermiteSpectrum:
    """Hermite coefficients and degree energies ``E_{i,d}`` of the map ``components`` (docs/theory.md §2)."""
    gens = tuple(gens)
    if not components:
        raise ValueError("components must hold at least one polynomial, got an empty sequence")
    coeffs, energies = [], []
    for comp in components:
        c = hermite_coefficients(comp, gens)
        top = max((sum(a) for a in c), default=0)
        row = [sp.Integer(0)] * (top + 1)
        for alpha, a in c.items():
            row[sum(alpha)] += a**2 * multi_factorial(alpha)
        coeffs.append(c)
        energies.append(tuple(row))
    return HermiteSpectrum(n=len(gens), coefficients=tuple(coeffs), energies=tuple(energies))
