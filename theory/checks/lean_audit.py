"""Claims auditing the authors' 13 Lean axioms as written (docs/theory.md §6), one claim per axiom.

Each claim states the classification of one axiom *as written* (``inconsistent``, ``tautology``
or ``true``) and checks it with :func:`theory.lean.audit.audit` on the transcription of
:mod:`theory.lean.readings`. Its negative control runs the same audit on the control reading:
the repaired statement for an inconsistent axiom (its counter-model search must come back empty
or violate the added hypothesis), the statement with content for a tautology, a false variant
for a true axiom; in each case the classification claimed for the axiom must not come out.

These claims do not replace the claims that check the *intended* mathematics (Mehler, AM–GM,
Mazur–Ulam, …, the ``axioms`` field of those claims); they are a second reading beside them.
"""

from __future__ import annotations

from lejepa_verify.theory.claims import Evidence, claim, instances, proof
from lejepa_verify.theory.lean.audit import audit
from lejepa_verify.theory.lean.readings import reading
from lejepa_verify.theory.lean.sources import LEAN_AXIOMS

_SCOPE_INCONSISTENT = proof("the statement as written, refuted by one exact counter-model "
                            "(a single instance suffices to refute a universal statement)")
_SCOPE_TAUTOLOGY = proof("every choice of the arguments: the conclusion is structurally one of the hypotheses")

#: (axiom, classification claimed, the one-line reason, scope, control statement)
AUDITS = (
    ("mehler_summability", "true",
     "true as written: 0 ≤ w_d ρ^d ≤ w_d for 0 < ρ < 1 (comparison test)",
     proof("every SpectralWeights and every 0 < ρ < 1 (comparison test, symbolic d)"),
     "the same axiom without ρ < 1 is true (refuted: w_d = 6/(π²d²), ρ = 2)"),
    ("correlation_eq_spectral_sum", "inconsistent",
     "inconsistent as written: the correlation field is any real and ρ is quantified inside",
     _SCOPE_INCONSISTENT,
     "the repaired axiom (correlation field defined as Σ w_d ρ₀^d at the encoder's ρ₀) is inconsistent"),
    ("linear_of_degree_one", "inconsistent",
     "inconsistent as written: toFun is not tied to the spectrum field (toFun z = z + 1, w = δ_1)",
     _SCOPE_INCONSISTENT,
     "the repaired axiom (spectrum = Hermite spectrum of toFun) is inconsistent"),
    ("orthogonal_of_gaussian_linear", "tautology",
     "a tautology as written: a linear isometry is a linear map with ‖M v‖ = ‖v‖, the hypothesis",
     _SCOPE_TAUTOLOGY,
     "with the hypothesis weakened to ‖M v‖ ≤ ‖v‖ the axiom is still a tautology (refuted: M = 0)"),
    ("gaussian_of_affine_score", "tautology",
     "a tautology as written: IsGaussianScore unfolds to the hypotheses α < 0 and score = αz + β",
     _SCOPE_TAUTOLOGY,
     "without the hypothesis α < 0 the axiom is still a tautology (refuted: score z = z)"),
    ("hermite_first_eigenfunction_of_gaussian", "inconsistent",
     "inconsistent as written: the eigenvalue field ev is not tied to the score (K = 1, score = −z, ev = 2)",
     _SCOPE_INCONSISTENT,
     "the repaired axiom (ev = −K · slope of the score) is inconsistent"),
    ("polar_bound_axiom", "tautology",
     "a tautology as written: P → P", _SCOPE_TAUTOLOGY,
     "the bound M_Q_norm ≤ ε + W_nl over bare reals is a tautology (refuted: M_Q_norm = 2, ε = W_nl = 0)"),
    ("pythagorean_axiom", "tautology",
     "a tautology as written: P → P", _SCOPE_TAUTOLOGY,
     "the identity total = M_Q_norm_sq + W_nl over bare reals is a tautology (refuted: 1 ≠ 0 + 0)"),
    ("amgm_sum_ge_prod_pow", "inconsistent",
     "inconsistent as written: at m = 0, (empty sum)/0 = 0 ≥ 1^(1/0) = 1 fails",
     _SCOPE_INCONSISTENT, "the repaired axiom (0 < m added) is inconsistent"),
    ("exp_mean_ge_mean_exp", "inconsistent",
     "inconsistent as written: at m = 0 the hypothesis holds and the left side is 0/0 = 0 < 1",
     _SCOPE_INCONSISTENT, "the repaired axiom (0 < m added) is inconsistent"),
    ("mazur_ulam", "true",
     "true as written: the Mazur–Ulam theorem for real normed spaces",
     instances("four affine maps of R² and one piecewise map of R¹; for all arguments the statement is "
               "Mathlib's Mazur–Ulam theorem, not re-proved here (claim axiom/mazur-ulam: the Euclidean case)"),
     "with norms preserved instead of distances the axiom is true (refuted: x on [−1, 1], −x elsewhere)"),
    ("stage_pushforward", "inconsistent",
     "inconsistent as written: E_hat and E are any two ExpectedCosts (T = 1, E_hat ≡ 1, E ≡ 0)",
     _SCOPE_INCONSISTENT,
     "the repaired axiom (E_hat the pushforward of E's dynamics by Q) is inconsistent"),
    ("terminal_pushforward", "inconsistent",
     "inconsistent as written: E_hat and E are any two ExpectedCosts (E_hat ≡ 1, E ≡ 0)",
     _SCOPE_INCONSISTENT,
     "the repaired axiom (E_hat the pushforward of E's dynamics by Q) is inconsistent"),
)

#: The classification each audit claim states, by axiom.
CLAIMED_CLASSIFICATION = {name: cls for name, cls, *_ in AUDITS}


def audit_evidence(axiom: str, expected: str, variant: str = "as_written") -> Evidence:
    """Audit one reading of ``axiom``; passed iff its classification is ``expected``.

    For ``inconsistent`` the counter-model must also have been found by the search (it is the
    evidence); the evidence carries ``axiom``, ``classification`` and ``counter_model``.
    """
    result = audit(reading(axiom, variant))
    ok = result.classification == expected
    if expected == "inconsistent":
        ok = ok and result.counter_model is not None
    a = LEAN_AXIOMS[axiom]
    return Evidence(
        passed=ok,
        numbers={"candidates_searched": result.candidates_searched,
                 "satisfying_hypotheses": result.satisfying_hypotheses,
                 "undecided_evaluations": result.undecided_evaluations},
        tolerance=None,
        detail=result.reason,
        fields={"axiom": axiom, "variant": result.variant, "classification": result.classification,
                "counter_model": result.counter_model, "restates_hypotheses": result.restates,
                "argument": None if result.argument is None else result.argument[1],
                "citation": a.cite(), "pull_request": a.pull_request},
    )


def _register(axiom: str, expected: str, statement: str, scope, control_statement: str) -> None:
    a = LEAN_AXIOMS[axiom]

    def check(variant: str = "as_written") -> Evidence:
        return audit_evidence(axiom, expected, variant)

    check.__doc__ = f"Audit of the Lean axiom ``{axiom}`` ({a.cite()}): classification must be {expected!r}."
    check.__name__ = f"check_lean_{axiom}"
    claim(
        f"lean/{axiom}",
        statement=statement,
        source=f"Lean {a.cite()} (docs/theory.md §6)",
        layer="theory",
        control={"variant": "control"},
        control_statement=control_statement,
        scope=scope,
    )(check)


for _axiom, _expected, _statement, _scope, _control in AUDITS:
    _register(_axiom, _expected, _statement, _scope, _control)
