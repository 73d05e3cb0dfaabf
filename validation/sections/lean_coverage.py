"""Report section: which claim checks which of the authors' 43 Lean declarations, with what scope (docs/theory.md §6).

One row per declaration of :data:`theory.lean.sources.DECLARATIONS` (13 axioms, 30 theorems of
``lean/LeJEPA/{Hermite,Uniqueness,Approx,Dirichlet,Planning}.lean`` on main): its kind and place on
main, its version in the open pull request where that differs, its classification as written
(the audit claim ``lean/<name>``), and every claim whose ``lean`` field names it, each with its
scope (a proof for every case, or a check of stated instances) and verdict. A declaration no
claim names is listed as "not checked" with the reason; the docs table (docs/theory.md §6) is
:func:`coverage_markdown` of the registered claims.
"""

from __future__ import annotations

from typing import Sequence

from lejepa_verify.validation.report import ReportContext, Section


def _md(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _pr(d) -> str:
    if d.pr.kind == "removed":
        return f"**removed** ({_md(d.pr.how)})"
    if d.pr.kind != d.kind:
        return f"**{d.pr.kind}** at line {d.pr.line}: {_md(d.pr.how)}"
    return f"as on main (line {d.pr.line})"


_AS_WRITTEN = {"inconsistent": {"axiom": "inconsistent", "theorem": "false as written"},
               "tautology": {"axiom": "tautology", "theorem": "tautology"}, "true": {"axiom": "true", "theorem": "true"}}


def coverage_markdown(items: Sequence, *, verdicts: bool = False) -> str:
    """The coverage table of ``items``: registered claims (docs) or claim results (report, ``verdicts=True``).

    Each item needs ``id``, ``lean`` and ``scope``; with ``verdicts`` also ``verdict``.
    """
    from lejepa_verify.theory.checks.lean_audit import CLAIMED_CLASSIFICATION
    from lejepa_verify.theory.lean.sources import DECLARATIONS

    rows = ["| declaration | kind | main (de7503f) | pull request #1 (b3a85f7) | as written | checked by (scope) |",
            "|---|---|---|---|---|---|"]
    for name, d in DECLARATIONS.items():
        naming = [c for c in items if name in c.lean]
        if naming:
            parts = []
            for c in naming:
                tag = c.scope.kind if c.scope is not None else "no scope"
                if verdicts and c.verdict != "pass":
                    tag += f", **{c.verdict}**"
                parts.append(f"`{c.id}` ({tag})")
            checked = ", ".join(parts)
        else:
            checked = "**not checked**: no claim names it"
        cls = CLAIMED_CLASSIFICATION.get(name)
        written = _AS_WRITTEN[cls][d.kind] if cls else "**not audited**"
        label = f"**`{name}`**" if d.headline else f"`{name}`"
        rows.append(f"| {label} | {d.kind} | {d.source}.lean:{d.line} | {_pr(d)} | {written} | {checked} |")
    return "\n".join(rows)


def coverage_counts(items: Sequence) -> dict[str, int]:
    """Declarations named by some claim, by a proof, and by nothing (over ``items``)."""
    from lejepa_verify.theory.lean.sources import DECLARATIONS

    named = {n for c in items for n in c.lean}
    proved = {n for c in items for n in c.lean if c.scope is not None and c.scope.kind == "proof"}
    return {"declarations": len(DECLARATIONS), "named": len(named & set(DECLARATIONS)),
            "named_by_a_proof": len(proved & set(DECLARATIONS)), "not_checked": len(set(DECLARATIONS) - named)}


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
