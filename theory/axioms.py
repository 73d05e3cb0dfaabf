"""The axioms the authors' Lean 4 files assume without proof (docs/theory.md §6).

Each claim names, in its ``axioms`` field, the axioms whose content it checks; the CLI prints
the mapping and lists an axiom no claim covers as "not yet checked", never hiding it.
"""

from __future__ import annotations

AXIOMS: dict[str, str] = {
    "mehler_summability": "the Hermite (Mehler) spectral series of an L2(γ) map converges and sums as used",
    "correlation_eq_spectral_sum": "E[h(z) h(z')] = Σ_α ρ^|α| c_α² (Mehler's formula, the ρ^d contraction)",
    "linear_of_degree_one": "all L2 energy at degree 1 (and none at 0) implies h is linear a.s.",
    "orthogonal_of_gaussian_linear": "a linear map with identity covariance under γ_n is orthogonal",
    "gaussian_of_affine_score": "an affine score (log p)' forces p Gaussian",
    "hermite_first_eigenfunction_of_gaussian": "for a Gaussian the OU generator's eigenfunctions are Hermite polynomials, the first one affine",
    "polar_bound_axiom": "||M − Q||_F ≤ ||M Mᵀ − I||_F for the polar factor Q of M (stated A → A in Lean)",
    "pythagorean_axiom": "E||h − Qz||² = ||M − Q||_F² + W_nl (cross-degree orthogonality; stated A → A in Lean)",
    "amgm_sum_ge_prod_pow": "AM–GM: a weighted arithmetic mean bounds the geometric mean",
    "exp_mean_ge_mean_exp": "Jensen for the exponential, as used in the Dirichlet route",
    "mazur_ulam": "a surjective isometry of a normed space fixing 0 is linear",
    "stage_pushforward": "stage costs of a control problem are preserved under the pushforward by Q ∈ O(n)",
    "terminal_pushforward": "terminal costs are preserved under the pushforward by Q ∈ O(n)",
}


def check_axiom_names(names) -> tuple[str, ...]:
    """Validate axiom names a claim declares; unknown names are a ValueError listing the valid ones."""
    names = tuple(names)
    unknown = [n for n in names if n not in AXIOMS]
    if unknown:
        raise ValueError(f"unknown axiom {unknown[0]!r}; valid axioms: {', '.join(AXIOMS)}")
    return names
