"""Claims for the analysis facts assumed as axioms in the Lean proofs (docs/theory.md §6).

Each is proved for every case it states (a symbolic number of points, a dimension-free argument
in Gram entries), with seeded exact instances as cross-checks; the instances are what refute the
negative controls (weights off the simplex, a wrong exponent or constant, Jensen the wrong way,
Mazur–Ulam without its hypotheses).
"""

from __future__ import annotations

import functools

import sympy as sp

from lejepa_verify.theory.analysis_axioms import (
    amgm_instances,
    amgm_proof_steps,
    jensen,
    linearity_from_inner_products,
    log_tangent_bound,
    mazur_ulam,
    polarisation_in_gram_entries,
    tangent_mean_identity,
)
from lejepa_verify.theory.claims import Evidence, claim, control, proof

_R = sp.Rational
_SIMPLEX = ((1,), (_R(1, 2), _R(1, 2)), (_R(1, 3), _R(2, 3)), (_R(1, 3), _R(1, 6), _R(1, 2)),
            (_R(1, 4), _R(1, 4), _R(1, 8), _R(3, 8)))


@functools.lru_cache(maxsize=None)
def _amgm_steps(weight_sets: tuple) -> tuple:
    return tuple(amgm_proof_steps(w) for w in weight_sets)


@claim(
    "axiom/amgm",
    statement="Σ w_i x_i ≥ Π x_i^{w_i} for x_i > 0 and every weight vector on the simplex, any number of points "
              "(log u ≤ u − 1 at u = x_i/m, averaged: the tangent line's weighted mean is its value at the mean); "
              "equality at x_i equal",
    source="docs/theory.md §6; Lean amgm_sum_ge_prod_pow (the Dirichlet route)",
    layer="theory",
    controls=(control("weakened hypothesis", "the same with weights summing to 2 or 4/3 (off the simplex)",
                      weight_sets=((1, 1), (_R(2, 3), _R(2, 3)))),
              control("wrong exponent", "Σ w_i x_i ≥ Π x_i^{2 w_i}", exponent=2),
              control("wrong constant", "Σ w_i x_i ≥ 2 Π x_i^{w_i}", factor=2)),
    lean=("amgm_sum_ge_prod_pow",),
    scope=proof("every number of points and every weight vector on the simplex, x_i > 0 (symbolic sums); five "
                "weight sets with exact instances as cross-check"),
)
def check_amgm(weight_sets=_SIMPLEX, exponent: int = 1, factor=1) -> Evidence:
    weight_sets = tuple(tuple(w) for w in weight_sets)
    steps = _amgm_steps(weight_sets)
    inst = [amgm_instances(w, seed=i, exponent=exponent, factor=factor) for i, w in enumerate(weight_sets)]
    bad = [s.weights for s, i in zip(steps, inst) if not (s.holds and i.holds)]
    ce = next((i.counterexample for i in inst if i.counterexample is not None), None)
    general = log_tangent_bound() and tangent_mean_identity()
    return Evidence(
        passed=general and not bad,
        numbers={"proof_all_k": general, "weight_sets": len(steps), "instances": sum(i.checked for i in inst),
                 "failing_weights": bad, "proof_residuals": [s.weighted_sum_residual for s in steps],
                 "counterexample": None if ce is None else [str(v) for v in ce]},
    )


@claim(
    "axiom/jensen-exp",
    statement="E e^X ≥ e^{E X} for every finite law (Taylor with integral remainder, (e^x)'' > 0: e^x ≥ e^μ(1 + x − μ); "
              "the tangent line averages to e^μ, for any number of support points)",
    source="docs/theory.md §6; Lean exp_mean_ge_mean_exp (the Dirichlet route)",
    layer="theory",
    controls=(control("wrong object", "E log X ≥ log E X (Jensen the wrong way for a concave function)", function="log"),
              control("wrong constant", "E e^X ≥ e^{2 E X}", mean_factor=2),
              control("strengthened conclusion", "E e^X ≤ e^{E X}", direction="<=")),
    lean=("exp_mean_ge_mean_exp",),
    scope=proof("every law with finite support, any number of points (pointwise tangent bound, symbolic sums); "
                "seeded exact three-point laws as cross-check"),
)
def check_jensen(function: str = "exp", mean_factor=1, direction: str = ">=") -> Evidence:
    r = jensen(function, mean_factor=mean_factor, direction=direction)
    return Evidence(
        passed=r.holds,
        numbers={"remainder_identity": r.remainder_identity, "f''>0": r.second_derivative_positive,
                 "tangent_average_all_k": r.tangent_expectation_identity, "instances": r.instances_checked,
                 "undecided": r.instances_undecided,
                 "counterexample": None if r.counterexample is None else [str(v) for v in r.counterexample]},
    )


@claim(
    "axiom/mazur-ulam",
    statement="an isometry T of a real inner-product space with T(0) = 0 is linear (polarisation in Gram entries ⇒ "
              "inner products preserved ⇒ ||T(ax + by) − aTx − bTy||² = 0), in every dimension",
    source="docs/theory.md §6; Lean mazur_ulam (the Euclidean case)",
    layer="theory",
    controls=(control("weakened hypothesis", "a map with T(0) = 0 preserving norms (not distances) is linear",
                      hypothesis="norms"),
              control("dropped hypothesis", "an isometry is linear without T(0) = 0 (refuted: a rotation plus a shift)",
                      hypothesis="distances_without_zero"),
              control("weakened hypothesis", "a 1-Lipschitz map with T(0) = 0 is linear (refuted: (|z₁|, z₂))",
                      hypothesis="lipschitz")),
    lean=("mazur_ulam", "clm_isometry_of_norm_preserving", "isometry_of_bilipschitz", "dirichlet_identifiability"),
    scope=proof("every real inner-product space, every dimension (the argument runs in Gram entries of an abstract "
                "symmetric bilinear form); five maps of R² tested on seeded rational points as cross-check"),
)
def check_mazur_ulam(hypothesis: str = "distances") -> Evidence:
    r = mazur_ulam(hypothesis)
    gram = polarisation_in_gram_entries() and linearity_from_inner_products()
    return Evidence(
        passed=r.holds and gram,
        numbers={"polarisation_gram": polarisation_in_gram_entries(), "polarisation_R2": r.polarisation,
                 "linear_from_inner_products": r.linearity_from_inner_products,
                 "maps_meeting_hypothesis": list(r.satisfying), "nonlinear_among_them": list(r.nonlinear_satisfying)},
    )
