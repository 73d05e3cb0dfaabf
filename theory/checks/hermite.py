"""Claims on the Hermite basis and the Mehler channel (docs/theory.md §2).

Every expectation is exact, from the Gaussian moments; every identity is a comparison of
sympy Polys over the rationals (with ``rho`` symbolic for Mehler). Each statement is proved for
every degree by a generating function; the exact instances are cross-checks computed once and
shared by the claim and its negative controls (a wrong norm, a wrong exponent, a dropped term).
"""

from __future__ import annotations

import functools
import math
import random

import sympy as sp

from lejepa_verify.theory import degree_proofs
from lejepa_verify.theory.claims import Evidence, claim, control, proof
from lejepa_verify.theory.hermite import (
    DEFAULT_DEGREE,
    RHO,
    check_degree,
    from_hermite,
    gaussian_expectation,
    hermite_coefficients,
    hermite_he,
    hermite_projection,
    hermite_multi,
    latent_symbols,
    multi_factorial,
    multi_indices,
)
from lejepa_verify.theory.mehler import ou_conditional_expectation
from lejepa_verify.theory.polymaps import random_polynomial
from lejepa_verify.theory.validate import check_int


@functools.lru_cache(maxsize=None)
def _moments(max_degree: int) -> tuple:
    """``E[He_j He_k]`` for 0 <= j <= k <= max_degree, exactly (the Gaussian moments of the product)."""
    z = latent_symbols(1)[0]
    polys = [hermite_he(k, z) for k in range(max_degree + 1)]
    return tuple(tuple(gaussian_expectation(polys[j] * polys[k]) for k in range(max_degree + 1))
                 for j in range(max_degree + 1))


@claim(
    "lemma/hermite-orthogonality",
    statement="E[He_j(z) He_k(z)] = k! δ_jk under N(0,1) for all j, k (generating function; the moments (2m−1)!! "
              "for j, k <= 12 as cross-check)",
    source="docs/theory.md §2; paper §3 (Hermite basis, an assumption of the Lean files)",
    layer="theory",
    controls=(control("wrong constant", "E[He_k²] = (k+1)! (wrong norm)", norm_shift=1),
              control("wrong exponent", "E[He_k²] = (k!)²", norm_power=2),
              control("dropped term", "E[He_j He_k] = k! for every j, k (the Kronecker δ dropped)", diagonal=False)),
    lean=("correlation_eq_spectral_sum", "pythagorean_axiom"),
    scope=proof("all j, k >= 0 (generating function E[e^{sz−s²/2} e^{tz−t²/2}] = e^{st}); exact moments for j, k <= 12 as cross-check"),
)
def check_hermite_orthogonality(max_degree: int = DEFAULT_DEGREE, norm_shift: int = 0, norm_power: int = 1,
                                diagonal: bool = True) -> Evidence:
    """Compare ``E[He_j He_k]`` (exact Gaussian moments of the product Poly) with ``((k + shift)!)^power δ_jk``."""
    max_degree = check_degree(max_degree, "max_degree")
    moments = _moments(max_degree)
    mismatches = []
    for j in range(max_degree + 1):
        for k in range(j, max_degree + 1):
            norm = math.factorial(k + norm_shift) ** norm_power
            expected = norm if (j == k or not diagonal) else 0
            if moments[j][k] != expected:
                mismatches.append((j, k, str(moments[j][k]), expected))
    proof_all = degree_proofs.orthogonality_proof(norm_shift, norm_power, diagonal)
    return Evidence(
        passed=proof_all.holds and (not mismatches),
        fields={"proof": proof_all.to_dict()},
        numbers={"proof_all_degrees": proof_all.holds, "max_degree": max_degree,
                 "pairs_checked": (max_degree + 1) * (max_degree + 2) // 2,
                 "mismatches": len(mismatches), "first_mismatch": mismatches[0] if mismatches else None,
                 f"E[He_{max_degree}^2]": str(moments[-1][-1])},
        tolerance=None,
        detail="exact rational arithmetic",
    )


@functools.lru_cache(maxsize=None)
def _completeness_cases(max_degree: int, multi_degree: int, n_random: int, seed: int) -> tuple:
    """``(poly, gens, degree, coefficients, projections)`` for monomials and seeded random polynomials."""
    rng = random.Random(seed)
    cases = []
    z1 = latent_symbols(1)
    for k in range(max_degree + 1):
        cases.append((sp.Poly(z1[0] ** k, *z1, domain=sp.QQ), z1, k))
    for _ in range(n_random):
        cases.append((random_polynomial(z1, max_degree, rng, n_terms=8), z1, max_degree))
    for n in (2, 3):
        g = latent_symbols(n)
        for _ in range(n_random):
            cases.append((random_polynomial(g, multi_degree, rng, n_terms=8), g, multi_degree))
    out = []
    for poly, gens, deg in cases:
        coeffs = hermite_coefficients(poly, gens)
        # E[p He_α], not yet divided by α!: the controls change the divisor
        raw = {alpha: hermite_projection(poly, alpha, gens) * multi_factorial(alpha) for alpha in multi_indices(len(gens), deg)}
        out.append((poly, gens, deg, coeffs, raw))
    return tuple(out)


@claim(
    "lemma/hermite-completeness",
    statement="every polynomial equals its Hermite expansion Σ a_α He_α with a_α = E[p He_α]/α!, in every degree and "
              "dimension (e^{tz} = e^{t²/2} G(t, z) writes every monomial in Hermite polynomials; orthogonality gives the "
              "coefficients); exact change of basis both ways for n = 1 up to D = 12, n = 2, 3 up to degree 6 as cross-check",
    source="docs/theory.md §2 (completeness, as the proofs use it)",
    layer="theory",
    controls=(control("dropped term", "the expansion without its top-degree Hermite terms still reproduces every polynomial",
                      drop_degree=DEFAULT_DEGREE),
              control("wrong constant", "the coefficients are a_α = E[p He_α] (the division by α! dropped)", projection_norm="one"),
              control("wrong constant", "e^{tz} = e^{t²} G(t, z): z^k = Σ_j k!/(j!(k−2j)!) He_(k−2j)", variance=2)),
    lean=("linear_of_degree_one", "pythagorean_axiom"),
    scope=proof("every polynomial in every degree and dimension (the generating function of the monomials; product "
                "over coordinates); completeness in L² itself (density of polynomials) is standard and not re-derived"),
)
def check_hermite_completeness(max_degree: int = DEFAULT_DEGREE, multi_degree: int = 6, n_random: int = 4,
                               seed: int = 0, drop_degree: int | None = None, projection_norm: str = "factorial",
                               variance: int = 1) -> Evidence:
    """Monomials and random rational polynomials → Hermite coefficients → back, and projections agree.

    Three routes must agree: the explicit inverse formula for ``z^k`` (change of basis), the
    projections ``E[p He_α]/α!`` (orthogonality), and re-expansion ``Σ a_α He_α`` (the recurrence).
    ``drop_degree`` removes every term of that total degree from the expansion, ``projection_norm =
    "one"`` divides by 1 instead of α!, ``variance`` changes the generating function (controls).
    """
    max_degree = check_degree(max_degree, "max_degree")
    multi_degree = check_degree(multi_degree, "multi_degree")
    n_random = check_int(n_random, "n_random", 1, 50)
    if drop_degree is not None:
        drop_degree = check_degree(drop_degree, "drop_degree")
    if projection_norm not in ("factorial", "one"):
        raise ValueError(f"projection_norm must be 'factorial' or 'one', got {projection_norm!r}")
    cases = _completeness_cases(max_degree, multi_degree, n_random, check_int(seed, "seed", 0))
    reconstruction_failures = projection_failures = 0
    coefficients_checked = 0
    for poly, gens, deg, coeffs, raw in cases:
        for alpha, value in raw.items():
            coefficients_checked += 1
            divisor = multi_factorial(alpha) if projection_norm == "factorial" else 1
            if value / divisor != coeffs.get(alpha, 0):
                projection_failures += 1
        kept = {a: c for a, c in coeffs.items() if drop_degree is None or sum(a) != drop_degree}
        if not (from_hermite(kept, gens) - poly).is_zero:
            reconstruction_failures += 1
    inverse = degree_proofs.inverse_expansion_proof(variance)
    proof_all = inverse.holds and degree_proofs.orthogonality_proof(0).holds and degree_proofs.leading_term_proof().holds
    return Evidence(
        passed=proof_all and reconstruction_failures == 0 and projection_failures == 0,
        fields={"proof": inverse.to_dict()},
        numbers={"proof_all_polynomials": proof_all, "polynomials": len(cases), "coefficients_checked": coefficients_checked,
                 "reconstruction_failures": reconstruction_failures, "projection_failures": projection_failures,
                 "max_degree": max_degree, "multi_degree": multi_degree, "drop_degree": drop_degree},
        tolerance=None,
        detail="exact rational arithmetic",
    )


@functools.lru_cache(maxsize=None)
def _conditional(alpha: tuple) -> tuple:
    """``(P_ρ He_α, He_α)`` as Polys over the same generators (the OU conditional expectation, exactly)."""
    g = latent_symbols(len(alpha))
    he = hermite_multi(alpha, g)
    lhs = ou_conditional_expectation(he, g)
    return lhs, sp.Poly(he.as_expr(), *lhs.gens, domain=sp.QQ)


def _mehler_holds(alpha: tuple, exponent_shift: int, exponent_factor: int, added: int, exponent_norm: str) -> bool:
    lhs, he = _conditional(alpha)
    k = sum(alpha) if exponent_norm == "sum" else max(alpha)
    rhs = he * sp.Poly(RHO ** (exponent_factor * k + exponent_shift), *lhs.gens, domain=sp.QQ)
    if added:
        rhs = rhs + sp.Poly(added * (1 - RHO ** sum(alpha)), *lhs.gens, domain=sp.QQ)
    return (lhs - rhs).is_zero


@claim(
    "lemma/mehler",
    statement="E[He_k(ρz + sqrt(1−ρ²)η) | z] = ρ^k He_k(z) for every k (generating function; exact for k <= 12 "
              "as cross-check; summability for general L² maps is the numerics layer's job)",
    source="docs/theory.md §2 (Mehler / OU eigen-relation)",
    layer="theory",
    controls=(control("wrong exponent", "E[He_k(z') | z] = ρ^(k+1) He_k(z)", exponent_shift=1),
              control("wrong exponent", "E[He_k(z') | z] = ρ^(2k) He_k(z)", exponent_factor=2),
              control("added term", "E[He_k(z') | z] = ρ^k He_k(z) + (1 − ρ^k)", added=1)),
    lean=("mehler_summability", "correlation_eq_spectral_sum"),
    scope=proof("every degree k >= 0 (conditional expectation of the generating function); exact residuals for k <= 12 as cross-check"),
)
def check_mehler(max_degree: int = DEFAULT_DEGREE, exponent_shift: int = 0, exponent_factor: int = 1,
                 added: int = 0) -> Evidence:
    """``P_ρ He_k − (claimed right side)`` is the zero polynomial for every ``k <= max_degree``."""
    max_degree = check_degree(max_degree, "max_degree")
    failing = [k for k in range(max_degree + 1) if not _mehler_holds((k,), exponent_shift, exponent_factor, added, "sum")]
    proof_all = degree_proofs.mehler_proof(exponent_shift, exponent_factor, added)
    return Evidence(
        passed=proof_all.holds and (not failing),
        fields={"proof": proof_all.to_dict()},
        numbers={"proof_all_degrees": proof_all.holds, "max_degree": max_degree, "degrees_checked": max_degree + 1,
                 "failing_degrees": failing},
        tolerance=None,
        detail="symbolic ρ; s = sqrt(1−ρ²) enters only through s² = 1 − ρ² after averaging over η",
    )


@claim(
    "lemma/mehler-multivariate",
    statement="E[He_α(ρz + sqrt(1−ρ²)η) | z] = ρ^|α| He_α(z) for every multi-index α in every dimension "
              "(product of generating functions; exact for |α| <= 6, n <= 3 as cross-check)",
    source="docs/theory.md §2 (Mehler / OU eigen-relation, multivariate)",
    layer="theory",
    controls=(control("wrong exponent", "E[He_α(z') | z] = ρ^(|α|+1) He_α(z)", exponent_shift=1),
              control("wrong exponent", "E[He_α(z') | z] = ρ^(2|α|) He_α(z)", exponent_factor=2),
              control("wrong exponent", "E[He_α(z') | z] = ρ^(max_i α_i) He_α(z) (the largest degree, not the total)",
                      exponent_norm="max")),
    lean=("mehler_summability", "correlation_eq_spectral_sum"),
    scope=proof("every multi-index α in every dimension n (product of one-variable generating functions, independent noise); exact residuals |α| <= 6, n <= 3 as cross-check"),
)
def check_mehler_multivariate(max_degree: int = 6, max_dimension: int = 3, exponent_shift: int = 0,
                              exponent_factor: int = 1, exponent_norm: str = "sum") -> Evidence:
    """The multivariate residual vanishes for all ``α`` with ``|α| <= max_degree``, ``n <= max_dimension``."""
    max_degree = check_degree(max_degree, "max_degree")
    max_dimension = check_int(max_dimension, "max_dimension", 1, 3)
    if exponent_norm not in ("sum", "max"):
        raise ValueError(f"exponent_norm must be 'sum' or 'max', got {exponent_norm!r}")
    checked, failing = 0, []
    for n in range(1, max_dimension + 1):
        for alpha in multi_indices(n, max_degree):
            checked += 1
            if not _mehler_holds(alpha, exponent_shift, exponent_factor, 0, exponent_norm):
                failing.append(alpha)
    proof_all = degree_proofs.mehler_multivariate_proof(exponent_shift, exponent_factor)
    proof_holds = proof_all.holds and exponent_norm == "sum"
    return Evidence(
        passed=proof_holds and (not failing),
        fields={"proof": proof_all.to_dict()},
        numbers={"proof_all_degrees": proof_holds, "max_degree": max_degree, "max_dimension": max_dimension,
                 "multi_indices_checked": checked, "failing": len(failing), "first_failing": failing[0] if failing else None},
        tolerance=None,
        detail="symbolic ρ, exact rational coefficients",
    )
