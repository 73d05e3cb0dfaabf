"""The coverage table of the authors' 43 Lean declarations: which claim checks each, with what scope.

Shared by the report section ``lean_coverage`` and the docs' theory page (§6, written by
``claimrun.refresh_theory_page``); it reads the declarations table and the claims, nothing of
the report.
"""

from __future__ import annotations

from typing import Sequence


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
