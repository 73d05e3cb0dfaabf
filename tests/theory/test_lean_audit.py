"""The audit of the authors' Lean axioms as written (docs/theory.md §6)."""

from fractions import Fraction as F

import pytest
import sympy as sp

from lejepa_verify.theory.axioms import AXIOMS
from lejepa_verify.theory.lean.audit import Reading, audit, restates_hypotheses
from lejepa_verify.theory.lean.readings import lean_div, reading, rpow_le
from lejepa_verify.theory.lean.sources import LEAN_AXIOMS, LEAN_THEOREMS, SOURCES, axioms_declared_in, axioms_used


def test_the_thirteen_axioms_are_transcribed_with_a_citation():
    assert list(LEAN_AXIOMS) == list(AXIOMS)
    for a in LEAN_AXIOMS.values():
        assert a.source in SOURCES and a.line > 0
        assert a.excerpt.startswith(f"axiom {a.name}")
        assert ":" in a.cite() and "@" in a.cite()


def test_lean_arithmetic_conventions():
    assert lean_div(F(3), F(0)) == 0 and lean_div(F(3), F(2)) == F(3, 2)
    assert rpow_le(F(1), F(0), F(0)) is False  # 1 ^ 0 = 1 > 0
    assert rpow_le(F(0), F(0), F(1)) is True  # 0 ^ 0 = 1 in Mathlib
    assert rpow_le(F(0), F(1, 2), F(0)) is True  # 0 ^ y = 0 for y ≠ 0
    assert rpow_le(F(4), F(1, 2), F(2)) is True and rpow_le(F(5), F(1, 2), F(2)) is False
    assert rpow_le(F(2), F(2, 3), F(9)) is None  # not a root: undecided, never guessed


@pytest.mark.parametrize("name, expected", [
    ("correlation_eq_spectral_sum", "inconsistent"), ("linear_of_degree_one", "inconsistent"),
    ("hermite_first_eigenfunction_of_gaussian", "inconsistent"), ("amgm_sum_ge_prod_pow", "inconsistent"),
    ("exp_mean_ge_mean_exp", "inconsistent"), ("stage_pushforward", "inconsistent"),
    ("terminal_pushforward", "inconsistent"), ("orthogonal_of_gaussian_linear", "tautology"),
    ("gaussian_of_affine_score", "tautology"), ("polar_bound_axiom", "tautology"), ("pythagorean_axiom", "tautology"),
    ("mazur_ulam", "true"),
])
def test_classification_as_written_and_the_control_differs(name, expected):
    r = audit(reading(name))
    assert r.classification == expected
    assert (r.counter_model is not None) == (expected == "inconsistent")
    assert audit(reading(name, "control")).classification != expected


def test_counter_models_checked_by_hand():
    # amgm at m = 0: (empty sum)/0 = 0 in Lean, (empty product)^(1/0) = 1^0 = 1
    assert audit(reading("amgm_sum_ge_prod_pow")).counter_model == {"m": 0, "a": []}
    assert not (lean_div(F(0), F(0)) >= 1)
    # hermite_first: K = 1, score = −z, ev = 2. K·(−z)·a = −2(az + b) at z = 0 gives b = 0, at z = 1 gives a = 0
    cm = audit(reading("hermite_first_eigenfunction_of_gaussian")).counter_model
    assert cm == {"K": "1", "score": "-z", "ev": "2"}
    a, b = sp.symbols("a b")
    assert sp.solve([sp.Eq(0, -2 * b), sp.Eq(-a, -2 * (a + b))], [a, b]) == {a: 0, b: 0}
    # correlation: w = δ_1 at ρ = 1/2 gives Σ w_d ρ^d = 1/2, the field says 0
    cm = audit(reading("correlation_eq_spectral_sum")).counter_model
    assert cm["spectrum"] == [{"1": "1"}] and cm["correlation"] == ["0"] and cm["rho"] == "1/2"
    # linear_of_degree_one: z + 1 is not linear (value 1 at z = 0)
    assert audit(reading("linear_of_degree_one")).counter_model["toFun"] == "z + 1"


def test_mehler_summability_is_true_and_its_variant_without_rho_below_one_is_not():
    r = audit(reading("mehler_summability"))
    assert r.classification == "true" and r.argument[0] is True
    c = audit(reading("mehler_summability", "control"))
    assert c.counter_model == {"w": "6/(pi**2*d**2)", "rho": "2"}


def test_tautology_test_is_structural_and_can_fail():
    x, y = sp.symbols("x y")
    assert restates_hypotheses((sp.Le(x, y),), (sp.Le(x, y),))
    assert not restates_hypotheses((sp.Le(x, y), sp.Le(0, x)), (sp.Lt(x, y),))
    assert not restates_hypotheses((), (sp.Eq(x, y),))


def test_an_undecidable_predicate_is_undecided_never_true():
    r = Reading("mazur_ulam", "test", (("h", lambda m: None),), ("c", lambda m: True), lambda: [{"x": 1}],
                argument=lambda: (True, "claimed"))
    out = audit(r)
    assert out.classification == "undecided" and out.undecided_evaluations == 1


def test_bad_names_are_value_errors():
    with pytest.raises(ValueError, match="axiom must be one of"):
        reading("no_such_axiom")
    with pytest.raises(ValueError, match="variant must be one of"):
        reading("mazur_ulam", "repaired")
    with pytest.raises(ValueError, match="unknown Lean theorem"):
        axioms_used("no_such_theorem")


def test_dependency_reading():
    assert axioms_used("hermite_identifiability") == ("linear_of_degree_one", "orthogonal_of_gaussian_linear")
    assert axioms_used("gaussian_uniqueness") == ("gaussian_of_affine_score", "hermite_first_eigenfunction_of_gaussian")
    assert axioms_used("approximate_identifiability") == ()
    assert axioms_used("dirichlet_identifiability") == ("mazur_ulam",)
    assert axioms_used("minimizer_equivalence") == ("stage_pushforward", "terminal_pushforward")
    assert axioms_declared_in("Dirichlet") == ("amgm_sum_ge_prod_pow", "exp_mean_ge_mean_exp", "mazur_ulam")
    names = [t.name for t in LEAN_THEOREMS]
    assert len(names) == len(set(names))
    for t in LEAN_THEOREMS:
        for used, line in t.uses:
            assert line > t.line and (used in LEAN_AXIOMS or used in names)


# ----------------------------------------------------------------------------- the 43 declarations

def test_one_table_holds_43_declarations_and_every_reader_reads_it():
    from lejepa_verify.theory.axioms import AXIOMS
    from lejepa_verify.theory.lean.readings import audit_specs
    from lejepa_verify.theory.lean.sources import DECLARATIONS, check_declaration_names

    assert len(DECLARATIONS) == 43 and len(LEAN_AXIOMS) == 13 and len(LEAN_THEOREMS) == 30
    assert list(AXIOMS) == list(LEAN_AXIOMS)  # theory.axioms is a view of the table
    assert list(audit_specs()) == list(DECLARATIONS)  # every declaration has a reading, in table order
    with pytest.raises(ValueError, match="unknown Lean declaration"):
        check_declaration_names(("mehler_sumability",))
    with pytest.raises(ValueError, match="tuple of declaration names"):
        check_declaration_names("mazur_ulam")


def test_pull_request_versions_change_exactly_the_eight_axioms_its_title_names():
    from lejepa_verify.theory.lean.sources import DECLARATIONS

    changed = {n: d.pr.kind for n, d in DECLARATIONS.items() if d.changed_in_pr}
    removed = sorted(n for n, k in changed.items() if k == "removed")
    discharged = sorted(n for n, k in changed.items() if k == "theorem")
    assert removed == ["amgm_sum_ge_prod_pow", "exp_mean_ge_mean_exp"]
    assert len(discharged) == 6 and all(DECLARATIONS[n].kind == "axiom" for n in discharged)
    assert all(d.pr.kind == "theorem" for d in LEAN_THEOREMS)  # no theorem changes its statement
    assert DECLARATIONS["mazur_ulam"].pr_cite() == "lean/LeJEPA/Dirichlet.lean:64 @ b3a85f7"


def test_every_refutable_control_of_a_true_declaration_is_refuted_by_a_counter_model():
    # a false variant must be *refuted*, not merely left unproved: a counter-model satisfies its
    # hypotheses and falsifies its conclusion
    from lejepa_verify.theory.lean.readings import audit_specs

    for name, spec in audit_specs().items():
        if spec.expected != "true":
            continue
        assert audit(reading(name)).classification == "true", name
        for v in spec.controls:
            out = audit(reading(name, v.name))
            assert out.counter_model is not None, (name, v.name, out.reason)


def test_hermite_identifiability_is_false_as_written_by_hand():
    # toFun z = |z| in n = 1 with spectrum δ₁ and correlation ρ: every hypothesis holds
    out = audit(reading("hermite_identifiability"))
    assert out.classification == "inconsistent"
    cm = out.counter_model
    assert cm["toFun"] == "Abs(z)" and cm["spectrum"] == [{"1": "1"}] and cm["correlation"] == [cm["rho"]]
    rho = F(1, 2)
    assert 2 * 1 - 2 * rho == 2 * (1 - rho) * 1  # hopt with corr = Σ w_d ρ^d = ρ
    for v in (F(-3), F(0), F(5, 2)):
        assert abs(abs(v) - abs(0)) == abs(v)  # hnorm
    assert abs(F(-1)) != -1 * abs(F(1))  # not z ↦ u·z for any u: it is even
    # repaired (spectrum tied to toFun, or hnorm an isometry fixing 0) it has no counter-model
    for variant in ("tied", "isometry"):
        r = audit(reading("hermite_identifiability", variant))
        assert r.counter_model is None and r.classification == "true"


def test_planning_theorems_are_false_as_written_and_true_once_tied():
    for name in ("stage_cost_equiv", "terminal_cost_equiv", "planning_equivalence", "minimizer_equivalence",
                 "value_equivalence"):
        out = audit(reading(name))
        assert out.classification == "inconsistent" and out.counter_model["E_hat"][0] == "constant", name
        assert audit(reading(name, "repaired")).classification == "true", name


def test_dirichlet_identifiability_is_true_and_its_gaussian_variant_is_not():
    out = audit(reading("dirichlet_identifiability"))
    assert out.classification == "true" and "horth_inv adds nothing" in out.argument[1]
    gauss = audit(reading("dirichlet_identifiability", "gaussian_preserving"))
    assert gauss.counter_model == {"h": "radial rotation R(|z|²) z"}


def test_mazur_ulam_reading_computes_and_can_fail():
    from lejepa_verify.theory.lean.readers import dirichlet

    holds, text = dirichlet.euclidean_mazur_ulam()
    assert holds and "[ok]" in text and "polarisation" in text
    r = audit(reading("mazur_ulam"))
    assert "searched:" in r.reason and "the fold" in r.reason
    broken = Reading("mazur_ulam", "test", (("h", lambda m: True),), ("c", lambda m: True), lambda: [{"x": 1}],
                     argument=lambda: (False, "a step failed"))
    assert audit(broken).classification == "undecided"
