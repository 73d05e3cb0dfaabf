"""Claims for the analysis facts assumed as axioms in the Lean proofs (docs/theory.md §6)."""

from __future__ import annotations

import sympy as sp

from lejepa_verify.theory.analysis_axioms import amgm_instances, amgm_proof_steps, jensen, mazur_ulam
from lejepa_verify.theory.claims import Evidence, claim, instances

_R = sp.Rational
_SIMPLEX = ((1,), (_R(1, 2), _R(1, 2)), (_R(1, 3), _R(2, 3)), (_R(1, 3), _R(1, 6), _R(1, 2)),
            (_R(1, 4), _R(1, 4), _R(1, 8), _R(3, 8)))


@claim(
    "axiom/amgm",
    statement="Σ w_i x_i ≥ Π x_i^{w_i} for x_i > 0, w on the simplex (tangent-line proof; equality at x_i equal)",
    source="docs/theory.md §6; Lean amgm_sum_ge_prod_pow",
    layer="theory",
    control={"weight_sets": ((1, 1), (_R(2, 3), _R(2, 3)))},
    control_statement="the same with weights summing to 2 or 4/3 (off the simplex)",
    scope=instances("five weight sets of sizes 1-4: the tangent-line steps symbolically per set, plus exact instances"),
    axioms=("amgm_sum_ge_prod_pow",),
)
def check_amgm(weight_sets=_SIMPLEX) -> Evidence:
    steps = [amgm_proof_steps(w) for w in weight_sets]
    inst = [amgm_instances(w, seed=i) for i, w in enumerate(weight_sets)]
    bad = [s.weights for s, i in zip(steps, inst) if not (s.holds and i.holds)]
    ce = next((i.counterexample for i in inst if i.counterexample is not None), None)
    return Evidence(
        passed=not bad,
        numbers={"weight_sets": len(steps), "instances": sum(i.checked for i in inst), "failing_weights": bad,
                 "proof_residuals": [s.weighted_sum_residual for s in steps],
                 "counterexample": None if ce is None else [str(v) for v in ce]},
    )


@claim(
    "axiom/jensen-exp",
    statement="E e^X ≥ e^{E X}: Taylor with integral remainder, (e^x)'' > 0, tangent line averages to e^{EX}",
    source="docs/theory.md §6; Lean exp_mean_ge_mean_exp",
    layer="theory",
    control={"function": "log"},
    control_statement="E log X ≥ log E X (Jensen the wrong way for a concave function)",
    scope=instances("the tangent-line steps symbolically, plus the listed exact instances"),
    axioms=("exp_mean_ge_mean_exp",),
)
def check_jensen(function: str = "exp") -> Evidence:
    r = jensen(function)
    return Evidence(
        passed=r.holds,
        numbers={"remainder_identity": r.remainder_identity, "f''>0": r.second_derivative_positive,
                 "tangent_average": r.tangent_expectation_identity, "instances": r.instances_checked,
                 "undecided": r.instances_undecided,
                 "counterexample": None if r.counterexample is None else [str(v) for v in r.counterexample]},
    )


@claim(
    "axiom/mazur-ulam",
    statement="an isometry T of R^n with T(0) = 0 is linear (polarisation ⇒ inner products preserved ⇒ linear)",
    source="docs/theory.md §6; Lean mazur_ulam (Euclidean case)",
    layer="theory",
    control={"hypothesis": "norms"},
    control_statement="a map with T(0) = 0 preserving norms (not distances) is linear",
    scope=instances("the polarisation identity symbolically; the listed maps of R^n"),
    axioms=("mazur_ulam",),
)
def check_mazur_ulam(hypothesis: str = "distances") -> Evidence:
    r = mazur_ulam(hypothesis)
    return Evidence(
        passed=r.holds,
        numbers={"polarisation": r.polarisation, "linear_from_inner_products": r.linearity_from_inner_products,
                 "maps_meeting_hypothesis": list(r.satisfying), "nonlinear_among_them": list(r.nonlinear_satisfying)},
    )
