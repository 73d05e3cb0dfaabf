"""Load every layer's claims, run them with progress, and render the results.

The registry lives in :mod:`theory.claims`; this module, in the highest layer, is the one
that imports the claim modules of all three layers (``<layer>/checks/*.py``), listed by the one
discovery mechanism of the package, :class:`theory.registry.Registry`.
"""

from __future__ import annotations

import importlib
import json
import sys
from typing import Iterable, Sequence

from lejepa_verify.theory.claims import LAYERS, SCOPE_KINDS, Claim, ClaimResult, registered, run_claim
from lejepa_verify.theory.lean.sources import DECLARATIONS, LEAN_AXIOMS
from lejepa_verify.theory.registry import Registry
from lejepa_verify.theory.validate import check_choice


def claim_modules(layer: str) -> tuple[str, ...]:
    """The claim modules of one layer (the modules of ``lejepa_verify.<layer>.checks``), without importing them."""
    check_choice(layer, "layer", LAYERS)
    return Registry(f"lejepa_verify.{layer}.checks", "claim module", private=()).names()


def load_claims(layers: Iterable[str] | None = None) -> list[Claim]:
    """Import the claim modules of the given layers (all by default) and return their claims.

    The order is fixed whatever was imported before: layer by layer (theory, numerics,
    validation), module by module in name order, and within a module in the order it registers.
    """
    layers = list(LAYERS if layers is None else layers)
    for layer in layers:
        for name in claim_modules(layer):
            importlib.import_module(f"lejepa_verify.{layer}.checks.{name}")

    def key(c: Claim) -> tuple:
        return LAYERS.index(c.layer), getattr(c.check, "__module__", "")

    return sorted((c for c in registered() if c.layer in layers), key=key)


def _check_ids(ids: Sequence[str], claims: Sequence[Claim], layers: Sequence[str]) -> None:
    """Every id must be a claim of the chosen layers; one of another layer is named with its layer."""
    known = {c.id for c in claims}
    for i in ids:
        if i in known:
            continue
        elsewhere = {c.id: c.layer for c in load_claims()}
        if i in elsewhere:
            raise ValueError(f"claim id {i!r} is a claim of the {elsewhere[i]} layer, not of "
                             f"{' or '.join(layers)}: add --layer {elsewhere[i]} or leave --layer out")
        check_choice(i, "claim id", sorted(elsewhere))


def run_claims(
    layers: Iterable[str] | None = None,
    *,
    include_slow: bool = True,
    progress: bool = True,
    ids: Sequence[str] | None = None,
) -> list[ClaimResult]:
    """Run the claims of ``layers`` (and their negative controls), showing a progress bar."""
    layers = list(LAYERS if layers is None else layers)
    claims = load_claims(layers)
    if ids is not None:
        _check_ids(ids, claims, layers)
        claims = [c for c in claims if c.id in set(ids)]
    if not include_slow:
        claims = [c for c in claims if not c.slow]
    results = []
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(claims), desc="claims", unit="claim", file=sys.stderr, leave=False)
    for c in claims:
        if bar is not None:
            bar.set_postfix_str(c.id)
        results.append(run_claim(c))
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    return results


def _numbers(result: ClaimResult, limit: int = 4) -> str:
    nums = result.evidence.get("numbers", {}) if result.evidence else {}
    parts = []
    for k, v in list(nums.items())[:limit]:
        if isinstance(v, float):
            v = f"{v:.3g}"
        text = f"{k}={v}"
        parts.append(text if len(text) <= 40 else text[:37] + "...")
    tol = result.evidence.get("tolerance") if result.evidence else None
    if tol is not None:
        parts.append(f"tol={tol:.0e}")
    if result.error:
        parts.append(result.error.splitlines()[0][:80])
    return "; ".join(parts)


def scope_counts(results: Sequence[ClaimResult]) -> dict[str, int]:
    """How many claims are proofs for every case and how many are checks of stated instances."""
    counts = {kind: 0 for kind in SCOPE_KINDS}
    for r in results:
        if r.scope is not None:
            counts[r.scope.kind] += 1
    return counts


def _scope(r: ClaimResult) -> str:
    return "—" if r.scope is None else r.scope.kind


def text_table(results: Sequence[ClaimResult]) -> str:
    """A plain-text table for the terminal: id, verdict, control, scope, seconds, numbers, statement, source."""
    lines = []
    w = max([len(r.id) for r in results] + [5])
    lines.append(f"{'claim':<{w}}  {'verdict':<16}  {'control':<8}  {'scope':<9}  {'s':>6}  deciding numbers")
    lines.append("-" * (w + 71))
    for r in results:
        control = "rejected" if r.control_rejected else "ACCEPTED"
        lines.append(f"{r.id:<{w}}  {r.verdict:<16}  {control:<8}  {_scope(r):<9}  {r.seconds:6.2f}  {_numbers(r)}")
        lines.append(f"{'':<{w}}    {r.statement}   [{r.source}]")
        if r.scope is not None:
            lines.append(f"{'':<{w}}    scope: {r.scope}")
    n_ok = sum(r.verified for r in results)
    counts = scope_counts(results)
    lines.append("-" * (w + 71))
    cc = control_counts(results)
    lines.append(f"{n_ok}/{len(results)} claims verified (check passed and every negative control rejected); "
                 f"{counts['proof']} proofs, {counts['instances']} checks of instances; "
                 f"{cc['rejected']}/{cc['controls']} controls rejected")
    return "\n".join(lines)


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_table(results: Sequence[ClaimResult]) -> str:
    """A markdown table of claim results: id, statement, source, verdict, numbers, control, seconds."""
    rows = [
        "| claim | statement | source | scope | verdict | deciding numbers | negative control | rejected | s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        scope = "—" if r.scope is None else f"**{r.scope.kind}**: {_md(r.scope.text)}"
        rows.append(
            f"| `{r.id}` | {_md(r.statement)} | {_md(r.source)} | {scope} | **{r.verdict}** | {_md(_numbers(r, 6))} | "
            f"{_md(r.control_statement)} | {'yes' if r.control_rejected else '**NO**'} | {r.seconds:.2f} |"
        )
    return "\n".join(rows)


def axiom_coverage(results: Sequence[ClaimResult]) -> list[tuple[str, str, list[str]]]:
    """For each Lean axiom: (name, what it states, ids of the verified claims that check it)."""
    out = []
    for name, d in LEAN_AXIOMS.items():
        ids = [r.id for r in results if name in r.lean and r.verified]
        out.append((name, d.intended, ids))
    return out


def declaration_coverage(results: Sequence[ClaimResult]) -> dict[str, list[ClaimResult]]:
    """For each of the authors' 43 Lean declarations, the results of the claims naming it in ``lean``."""
    return {name: [r for r in results if name in r.lean] for name in DECLARATIONS}


def lean_classifications(results: Sequence[ClaimResult]) -> dict[str, str]:
    """The classification as written of each Lean axiom whose audit claim ``lean/<axiom>`` ran."""
    out = {}
    for r in results:
        if r.id.startswith("lean/") and r.error is None and "classification" in r.evidence:
            out[r.id.removeprefix("lean/")] = r.evidence["classification"]
    return out


def lean_classification_counts(results: Sequence[ClaimResult]) -> dict[str, int]:
    """How many axioms are inconsistent, tautological, true or undecided as written (audited ones only)."""
    from lejepa_verify.theory.lean.audit import CLASSIFICATIONS

    counts = {c: 0 for c in CLASSIFICATIONS}
    for cls in lean_classifications(results).values():
        counts[cls] += 1
    return counts


def _checked_by(rs: Sequence[ClaimResult]) -> str:
    return ", ".join(f"{r.id} ({r.scope.kind if r.scope else '—'}{'' if r.verified else ', ' + r.verdict})" for r in rs)


def axiom_text(results: Sequence[ClaimResult], *, complete: bool = True) -> str:
    """Plain text: each Lean declaration, its classification as written and the claims that check it.

    ``complete=False`` (a selection of claims ran, ``--id`` or ``--layer``): only the declarations
    the selected claims name are listed, and the rest are counted as not run, never as unchecked.
    """
    audited = lean_classifications(results)
    coverage = declaration_coverage(results)
    names = list(DECLARATIONS) if complete else [n for n, rs in coverage.items() if rs]
    lines = ["Lean declarations (docs/theory.md §6): kind | as written (claim lean/<name>) | claims naming it (scope)"]
    for name in names:
        d = DECLARATIONS[name]
        rs = coverage[name]
        lines.append(f"  {name:<40} {d.kind:<7} {audited.get(name, 'not audited'):<13} "
                     f"{_checked_by(rs) if rs else 'not checked: no claim names it'}")
    if not complete:
        rest = len(DECLARATIONS) - len(names)
        lines.append(f"  ({rest} other declarations: their claims were not in this selection; run "
                     "`lejepa-verify claims` for the coverage of all 43)")
    else:
        covered = sum(1 for rs in coverage.values() if any(r.verified for r in rs))
        lines.append(f"  {covered} of {len(DECLARATIONS)} declarations named by a verified claim")
    return "\n".join(lines)


def axiom_markdown(results: Sequence[ClaimResult]) -> str:
    """A markdown table: each Lean axiom, what it assumes, and the verified claims that check it."""
    audited = lean_classifications(results)
    rows = ["| Lean axiom | what it is meant to say | as written | checked by |",
            "|---|---|---|---|"]
    for name, text, ids in axiom_coverage(results):
        checked = ", ".join(f"`{i}`" for i in ids) if ids else "**not checked**"
        rows.append(f"| `{name}` | {_md(text)} | **{audited.get(name, 'not audited')}** | {checked} |")
    return "\n".join(rows)


def control_counts(results: Sequence[ClaimResult]) -> dict[str, int]:
    """Claims, controls run and controls rejected over a run (for the summary lines)."""
    return {"claims": len(results), "controls": sum(len(r.controls) for r in results),
            "rejected": sum(sum(o.rejected for o in r.controls) for r in results)}


def results_json(results: Sequence[ClaimResult]) -> str:
    """The results as a JSON array of ``ClaimResult.to_dict()`` (no NaN allowed)."""
    return json.dumps([r.to_dict() for r in results], indent=2, allow_nan=False)


def claims_matching(claims: Sequence[Claim], patterns: Sequence[str]) -> list[Claim]:
    """The claims whose id matches one of ``patterns`` (fnmatch), in registry order (as the docs' ``{claims}`` tables)."""
    import fnmatch

    return [c for c in claims if any(fnmatch.fnmatchcase(c.id, p) for p in patterns)]


def scope_sentence(claims: Sequence[Claim]) -> str:
    """One line for the theory page: which of ``claims`` are proofs for every case and which check instances."""
    proofs = [f"`{c.id}`" for c in claims if c.scope is not None and c.scope.kind == "proof"]
    inst = [f"`{c.id}`" for c in claims if c.scope is not None and c.scope.kind == "instances"]
    return (f"Scope of these claims: **proofs** for every case they state: {', '.join(proofs) or 'none'}; "
            f"**checks of stated instances**: {', '.join(inst) or 'none'}.")


def refresh_theory_page(text: str, claims: Sequence[Claim]) -> str:
    """``text`` (docs/theory.md) with its generated parts rewritten from ``claims``.

    After each ``{claims}`` table a line says which of its claims are proofs and which check
    instances (:func:`scope_sentence`); the Lean coverage table of §6 (the block starting with
    ``| declaration | kind | main``) is :func:`validation.lean_coverage.coverage_markdown`.
    Idempotent: the docs test requires ``refresh_theory_page(page) == page``.
    """
    import re

    from lejepa_verify.validation.lean_coverage import coverage_markdown

    lines, out, shown, i = text.split("\n"), [], set(), 0
    while i < len(lines):
        out.append(lines[i])
        m = re.match(r"^```\{claims\}(.*)$", lines[i])
        if m:
            i += 1
            body = []
            while not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            out.extend(body)
            out.append(lines[i])
            chosen = ([c for c in claims if c.id not in shown] if ":rest:" in body
                      else claims_matching(claims, m.group(1).split()))
            shown.update(c.id for c in chosen)
            if i + 2 < len(lines) and lines[i + 1] == "" and lines[i + 2].startswith("Scope of these claims:"):
                i += 2
            if chosen:
                out += ["", scope_sentence(chosen)]
        i += 1
    page = "\n".join(out)
    start = page.find("| declaration | kind | main (de7503f)")
    if start >= 0:
        end = page.find("\n\n", start)
        page = page[:start] + coverage_markdown(claims) + (page[end:] if end >= 0 else "\n")
    return page
