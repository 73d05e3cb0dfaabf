"""Report section on the Lean axioms and theorems as written: tables from the audit claims, honest counts."""

import json

import pytest

from lejepa_verify.theory.claims import run_claim
from lejepa_verify.validation.claimrun import lean_classification_counts, load_claims, results_json
from lejepa_verify.validation.report import ReportContext, load_sections


@pytest.fixture(scope="module")
def lean_results():
    claims = [c for c in load_claims(["theory"]) if c.id.startswith("lean/") or c.id == "axiom/mazur-ulam"]
    return [run_claim(c) for c in claims]


def test_section_is_first_after_the_summary():
    sections = load_sections()
    assert sections[0].title == "The authors' Lean axioms as written"
    assert sections[0].order < min(s.order for s in sections[1:])


def test_audit_claims_expose_axiom_classification_and_counter_model(lean_results):
    data = json.loads(results_json(lean_results))
    audits = [d for d in data if d["id"].startswith("lean/")]
    assert len(audits) == 43 and all(d["verdict"] == "pass" for d in audits)
    for d in audits:
        ev = d["evidence"]
        assert ev["axiom"] == d["id"].removeprefix("lean/") == d["lean"][0]
        assert ev["classification"] in ("inconsistent", "tautology", "true")
        assert (ev["counter_model"] is not None) == (ev["classification"] == "inconsistent")
        assert d["scope"]["kind"] in ("proof", "instances")
    axioms = [r for r in lean_results if r.id.startswith("lean/") and r.evidence["kind"] == "axiom"]
    theorems = [r for r in lean_results if r.id.startswith("lean/") and r.evidence["kind"] == "theorem"]
    assert lean_classification_counts(axioms) == {"inconsistent": 7, "tautology": 4, "true": 2, "undecided": 0}
    # seven theorems are false as written: the headline Theorem 1, Theorem 2 and the five of Planning.lean
    assert lean_classification_counts(theorems) == {"inconsistent": 7, "tautology": 0, "true": 23, "undecided": 0}


def test_section_tables_and_summary(tmp_path, lean_results):
    from lejepa_verify.validation.sections import lean_axioms

    ctx = ReportContext(out=tmp_path, claim_results=lean_results)
    md = lean_axioms.SECTION.build(ctx)
    assert "**7 of 13 axioms are inconsistent as written, 4 are tautologies and 2 are true**" in md
    assert "| `amgm_sum_ge_prod_pow` | lean/LeJEPA/Dirichlet.lean:68 @ de7503f |" in md
    assert '`{"m": 0, "a": []}`' in md
    # the intended-mathematics column reads the verified claims that name the axiom
    assert "`axiom/mazur-ulam`" in md
    row = next(line for line in md.splitlines() if line.startswith("| **`hermite_identifiability`**"))
    assert "**yes**: linear_of_degree_one" in row and "**false as written**" in row and "Abs(z)" in row
    row = next(line for line in md.splitlines() if line.startswith("| **`approximate_identifiability`**"))
    assert "| no |" in row and "| true |" in row
    assert dict(ctx.summary)["Lean theorems false as written (a counter-model meets their hypotheses)"] == "7 of 30"
    assert dict(ctx.summary)["Lean axioms as written: inconsistent / tautology / true / undecided"] == "7 / 4 / 2 / 0"
    assert ("Axioms no theorem's proof uses (the theorems take their content as hypotheses, or nothing needs it): "
            "`mehler_summability`, `correlation_eq_spectral_sum`, `polar_bound_axiom`, `pythagorean_axiom`, "
            "`amgm_sum_ge_prod_pow`, `exp_mean_ge_mean_exp`.") in md
    assert dict(ctx.summary)["paper-level Lean theorems resting on an inconsistent axiom"] == "5 of 7"


def test_section_without_claim_results_audits_itself(tmp_path):
    from lejepa_verify.validation.sections import lean_axioms

    ctx = ReportContext(out=tmp_path, claim_results=[])
    md = lean_axioms.SECTION.build(ctx)
    assert "**7 of 13 axioms are inconsistent as written" in md
    # no intended-mathematics claim ran, so none is credited
    assert md.count("| **none** |") == 13
