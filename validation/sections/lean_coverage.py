"""Report section: which claim checks which of the authors' 43 Lean declarations, with what scope (docs/theory.md §6).

One row per declaration of :data:`theory.lean.sources.DECLARATIONS` (13 axioms, 30 theorems of
``lean/LeJEPA/{Hermite,Uniqueness,Approx,Dirichlet,Planning}.lean`` on main): its kind and place on
main, its version in the open pull request where that differs, its classification as written
(the audit claim ``lean/<name>``), and every claim whose ``lean`` field names it, each with its
scope (a proof for every case, or a check of stated instances) and verdict. A declaration no
claim names is listed as "not checked" with the reason; the docs table (docs/theory.md §6) is
:func:`validation.lean_coverage.coverage_markdown` of the registered claims.
"""

from __future__ import annotations

from lejepa_verify.validation.lean_coverage import coverage_counts, coverage_markdown  # noqa: F401 (used below)
from lejepa_verify.validation.report import ReportContext, Section


def build(ctx: ReportContext) -> str:
    from lejepa_verify.validation.claimrun import load_claims

    results = list(ctx.claim_results)
    if not results:  # a report without a claims run still says what the registry covers
        items, verdicts, note = load_claims(), False, " (from the registry: no claims ran in this report)"
    else:
        items, verdicts, note = results, True, ""
    counts = coverage_counts(items)
    ctx.add_summary("Lean declarations named by a claim / by a proof", f"{counts['named']} / {counts['named_by_a_proof']} "
                    f"of {counts['declarations']}")
    return "\n".join([
        "Every declaration of the authors' Lean files (13 axioms and 30 theorems on main) with the claims that "
        "check it: its own audit as written, `lean/<name>`, and the claims that check the mathematics it is meant "
        "to state. Bold: the results the paper states. A theorem's classification \"false as written\" means a "
        "counter-model meets its hypotheses; Lean proves it only through an inconsistent axiom. Scope **proof**: "
        "a symbolic argument covers every case the statement quantifies over; **instances**: stated instances "
        "(the claim's scope says which, and why a proof is out of reach).",
        "",
        f"**{counts['named']} of {counts['declarations']} declarations are named by a claim{note}; "
        f"{counts['named_by_a_proof']} by a proof; {counts['not_checked']} not checked.**",
        "",
        coverage_markdown(items, verdicts=verdicts),
    ])


SECTION = Section(title="Coverage of the authors' Lean declarations", order=6, build=build)
