"""The coverage of the authors' 43 Lean declarations: every one named by a claim, the docs table in step."""

import re
from pathlib import Path

from lejepa_verify.theory.claims import ClaimResult, instances
from lejepa_verify.theory.lean.sources import DECLARATIONS
from lejepa_verify.validation.claimrun import load_claims
from lejepa_verify.validation.report import ReportContext
from lejepa_verify.validation.sections.lean_coverage import SECTION, coverage_counts, coverage_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs" / "theory.md"


def test_every_declaration_is_named_by_a_claim_and_by_its_audit():
    claims = load_claims()
    counts = coverage_counts(claims)
    assert counts == {"declarations": 43, "named": 43, "named_by_a_proof": counts["named_by_a_proof"],
                      "not_checked": 0}
    ids = {c.id for c in claims}
    assert all(f"lean/{n}" in ids for n in DECLARATIONS)


def test_a_declaration_no_claim_names_is_listed_with_the_reason():
    claims = [c for c in load_claims(["theory"]) if "bound_small_perturbation" not in c.lean]
    md = coverage_markdown(claims)
    row = next(line for line in md.splitlines() if line.startswith("| `bound_small_perturbation`"))
    assert "**not checked**: no claim names it" in row
    assert coverage_counts(claims)["not_checked"] == 1
    assert len([line for line in md.splitlines() if line.startswith("| `") or line.startswith("| **`")]) == 43


def test_the_report_shows_a_failing_claim_with_its_verdict(tmp_path):
    failing = ClaimResult(id="demo/fails", statement="s", source="s", layer="theory", passed=False,
                          control_rejected=True, evidence={}, control_evidence={}, control_statement="c", axioms=(),
                          seconds=0.0, scope=instances("one"), lean=("mazur_ulam",))
    ctx = ReportContext(out=tmp_path, claim_results=[failing])
    md = SECTION.build(ctx)
    row = next(line for line in md.splitlines() if line.startswith("| `mazur_ulam`"))
    assert "`demo/fails` (instances, **FAIL**)" in row
    assert "**1 of 43 declarations are named by a claim" in md


def test_the_theory_page_is_the_registry_page():
    # the coverage table of §6 and the line after each {claims} table that says which claims are proofs
    from lejepa_verify.validation.claimrun import refresh_theory_page

    text = DOCS.read_text()
    assert refresh_theory_page(text, load_claims()) == text, (
        "regenerate docs/theory.md: validation.claimrun.refresh_theory_page(text, load_claims())")
    start = text.index("| declaration | kind | main (de7503f)")
    table = text[start:].split("\n\n", 1)[0].strip()
    assert table == coverage_markdown(load_claims())
    assert re.search(r"\*\*not checked\*\*", table) is None
    assert text.count("Scope of these claims:") == text.count("```{claims}")


def test_refreshing_the_page_fixes_a_stale_scope_line():
    from lejepa_verify.validation.claimrun import refresh_theory_page

    text = DOCS.read_text()
    stale = text.replace("**proofs** for every case they state: `lemma/mehler`,", "**proofs** for every case they state:", 1)
    assert stale != text and refresh_theory_page(stale, load_claims()) == text
