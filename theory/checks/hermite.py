"""Claims on the Hermite basis and the Mehler channel (docs/theory.md §2).

Every expectation is exact, from the Gaussian moments; every identity is a comparison of
sympy Polys over the rationals (with ``rho`` symbolic for Mehler).
"""

from __future__ import annotations

import math
import random

import sympy as sp

from lejepa_verify.theory import degree_proofs
from lejepa_verify.theory.claims import Evidence, claim, instances, proof
from lejepa_verify.theory.hermite import (
    DEFAULT_DEGREE,
    check_degree,
    from_hermite,
    gaussian_expectation,
    hermite_coefficients,
    hermite_he,
    hermite_projection,
    latent_symbols,
    multi_indices,
)
from lejepa_verify.theory.mehler import mehler_residual
from lejepa_verify.theory.polymaps import random_polynomial
from lejepa_verify.theory.validate import check_int


@claim(
    "lemma/hermite-orthogonality",
    statement="E[He_j(z) He_k(z)] = k! δ_jk under N(0,1) for all j, k (generating function; the moments (2m−1)!! "
              "for j, k <= 12 as cross-check)",
    source="docs/theory.md §2; paper §3 (Hermite basis, an assumption of the Lean files)",
    layer="theory",
    control={"norm_shift": 1},
    control_statement="E[He_k²] = (k+1)! (wrong norm)",
    scope=proof("all j, k >= 0 (generating function E[e^{sz−s²/2} e^{tz−t²/2}] = e^{st}); exact moments for j, k <= 12 as cross-check"),
)
def check_hermite_orthogonality(max_degree: int = DEFAULT_DEGREE, norm_shift: int = 0) -> Evidence:
    """Compare ``E[He_j He_k]`` (exact Gaussian moments of the product Poly) with ``(k + norm_shift)! δ_jk``."""
    max_degree = check_degree(max_degree, "max_degree")
    z = latent_symbols(1)[0]
    polys = [hermite_he(k, z) for k in range(max_degree + 1)]
    mismatches = []
    for j in range(max_degree + 1):
        for k in range(j, max_degree + 1):
            value = gaussian_expectation(polys[j] * polys[k])
            expected = math.factorial(k + norm_shift) if j == k else 0
            if value != expected:
                mismatches.append((j, k, str(value), expected))
    proof_all = degree_proofs.orthogonality_proof(norm_shift)
    return Evidence(
        passed=proof_all.holds and (not mismatches),
        fields={"proof": proof_all.to_dict()},
        numbers={"proof_all_degrees": proof_all.holds, "max_degree": max_degree, "pairs_checked": (max_degree + 1) * (max_degree + 2) // 2,
                 "mismatches": len(mismatches), "first_mismatch": mismatches[0] if mismatches else None,
                 f"E[He_{max_degree}^2]": str(gaussian_expectation(polys[-1] * polys[-1]))},
        tolerance=None,
        detail="exact rational arithmetic",
    )


@claim(
    "lemma/hermite-completeness",
    statement="every polynomial of degree <= D equals its Hermite expansion Σ a_α He_α, a_α = E[p He_α]/α! "
              "(exact change of basis both ways; n = 1 up to D = 12, n = 2, 3 up to degree 6)",
    source="docs/theory.md §2 (completeness, as the proofs use it)",
    layer="theory",
    control={"drop_degree": DEFAULT_DEGREE},
    control_statement="the expansion without its top-degree Hermite terms still reproduces every polynomial",
    scope=instances("polynomials of degree <= 12 (n = 1) and <= 6 (n = 2, 3); completeness in L² itself is not a polynomial identity and is not proved here"),
)
def check_hermite_completeness(max_degree: int = DEFAULT_DEGREE, multi_degree: int = 6, n_random: int = 4,
                               seed: int = 0, drop_degree: int | None = None) -> Evidence:
    """Monomials and random rational polynomials → Hermite coefficients → back, and projections agree.

    Three routes must agree: the explicit inverse formula for ``z^k`` (change of basis), the
    projections ``E[p He_α]/α!`` (orthogonality), and re-expansion ``Σ a_α He_α`` (the recurrence).
    ``drop_degree`` removes every term of that total degree from the expansion (negative control).
    """
    max_degree = check_degree(max_degree, "max_degree")
    multi_degree = check_degree(multi_degree, "multi_degree")
    n_random = check_int(n_random, "n_random", 1, 50)
    rng = random.Random(check_int(seed, "seed", 0))
    if drop_degree is not None:
        drop_degree = check_degree(drop_degree, "drop_degree")

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

    reconstruction_failures = projection_failures = 0
    coefficients_checked = 0
    for poly, gens, deg in cases:
        coeffs = hermite_coefficients(poly, gens)
        for alpha in multi_indices(len(gens), deg):
            coefficients_checked += 1
            if hermite_projection(poly, alpha, gens) != coeffs.get(alpha, 0):
                projection_failures += 1
        kept = {a: c for a, c in coeffs.items() if drop_degree is None or sum(a) != drop_degree}
        if not (from_hermite(kept, gens) - poly).is_zero:
            reconstruction_failures += 1
    return Evidence(
        passed=reconstruction_failures == 0 and projection_failures == 0,
        numbers={"polynomials": len(cases), "coefficients_checked": coefficients_checked,
                 "reconstruction_failures": reconstruction_failures, "projection_failures": projection_failures,
                 "max_degree": max_degree, "multi_degree": multi_degree, "drop_degree": drop_degree},
        tolerance=None,
        detail="exact rational arithmetic",
    )


@claim(
    "lemma/mehler",
    statement="E[He_k(ρz + sqrt(1−ρ²)η) | z] = ρ^k He_k(z) for every k (generating function; exact for k <= 12 "
              "as cross-check; summability for general L² maps is the numerics layer's job)",
    source="docs/theory.md §2 (Mehler / OU eigen-relation)",
    layer="theory",
    control={"exponent_shift": 1},
    control_statement="E[He_k(z') | z] = ρ^(k+1) He_k(z)",
    scope=proof("every degree k >= 0 (conditional expectation of the generating function); exact residuals for k <= 12 as cross-check"),
    axioms=("mehler_summability",),
)
def check_mehler(max_degree: int = DEFAULT_DEGREE, exponent_shift: int = 0) -> Evidence:
    """``P_ρ He_k − ρ^(k + exponent_shift) He_k`` is the zero polynomial for every ``k <= max_degree``."""
    max_degree = check_degree(max_degree, "max_degree")
    z = latent_symbols(1)
    failing = [k for k in range(max_degree + 1) if not mehler_residual((k,), z, exponent_shift).is_zero]
    proof_all = degree_proofs.mehler_proof(exponent_shift)
    return Evidence(
        passed=proof_all.holds and (not failing),
        fields={"proof": proof_all.to_dict()},
        numbers={"proof_all_degrees": proof_all.holds, "max_degree": max_degree, "degrees_checked": max_degree + 1, "failing_degrees": failing},
        tolerance=None,
        detail="symbolic ρ; s = sqrt(1−ρ²) enters only through s² = 1 − ρ² after averaging over η",
    )


@claim(
    "lemma/mehler-multivariate",
    statement="E[He_α(ρz + sqrt(1−ρ²)η) | z] = ρ^|α| He_α(z) for every multi-index α in every dimension "
              "(product of generating functions; exact for |α| <= 6, n <= 3 as cross-check)",
    source="docs/theory.md §2 (Mehler / OU eigen-relation, multivariate)",
    layer="theory",
    control={"exponent_shift": 1},
    control_statement="E[He_α(z') | z] = ρ^(|α|+1) He_α(z)",
    scope=proof("every multi-index α in every dimension n (product of one-variable generating functions, independent noise); exact residuals |α| <= 6, n <= 3 as cross-check"),
    axioms=("mehler_summability",),
)
def check_mehler_multivariate(max_degree: int = 6, max_dimension: int = 3, exponent_shift: int = 0) -> Evidence:
    """The multivariate residual vanishes for all ``α`` with ``|α| <= max_degree``, ``n <= max_dimension``."""
    max_degree = check_degree(max_degree, "max_degree")
    max_dimension = check_int(max_dimension, "max_dimension", 1, 3)
    checked, failing = 0, []
    for n in range(1, max_dimension + 1):
        g = latent_symbols(n)
        for alpha in multi_indices(n, max_degree):
            checked += 1
            if not mehler_residual(alpha, g, exponent_shift).is_zero:
                failing.append(alpha)
    proof_all = degree_proofs.mehler_multivariate_proof(exponent_shift)
    return Evidence(
        passed=proof_all.holds and (not failing),
        fields={"proof": proof_all.to_dict()},
        numbers={"proof_all_degrees": proof_all.holds, "max_degree": max_degree, "max_dimension": max_dimension, "multi_indices_checked": checked,
                 "failing": len(failing), "first_failing": failing[0] if failing else None},
        tolerance=None,
        detail="symbolic ρ, exact rational coefficients",
    )
