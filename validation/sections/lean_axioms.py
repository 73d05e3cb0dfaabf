"""Report section: the authors' Lean axioms as written (docs/theory.md §6).

For each of the 13 axioms: where it is (file:line), what it is meant to say, its classification
as written (inconsistent, tautology, true) with the counter-model as data, and the claims that
check the intended mathematics; then, theorem by theorem, the axioms its proof uses (a textual
reading of the proof text) and whether one of them is inconsistent. Classifications come from
the ``lean/<axiom>`` claims of this report's run.
"""

from __future__ import annotations

import json

from lejepa_verify.validation.report import ReportContext, Section


def _md(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _counter_model(cm) -> str:
    if cm is None:
        return "—"
    return "`" + _md(json.dumps(cm, ensure_ascii=False)) + "`"


def build(ctx: ReportContext) -> str:
    from lejepa_verify.theory.lean.sources import PR_SOURCES, SOURCES
    from lejepa_verify.theory.lean.summary import classification_counts, rows_from_results, theorem_rows
    from lejepa_verify.validation.claimrun import scope_counts

    rows = rows_from_results(ctx.claim_results)
    counts = classification_counts(rows)
    intended = {name: [r.id for r in ctx.claim_results if name in r.axioms and r.verified] for name in rows}
    table = ["| axiom | file:line | meant to say | as written | counter-model | intended mathematics checked by | "
             "pull request #1 |", "|---|---|---|---|---|---|---|"]
    for name, r in rows.items():
        checks = ", ".join(f"`{i}`" for i in intended[name]) or "**none**"
        table.append(f"| `{name}` | {_md(r.citation)} | {_md(r.intended)} | **{r.classification}** | "
                     f"{_counter_model(r.counter_model)} | {checks} | {_md(r.pull_request)} |")
    thms = theorem_rows(rows)
    trows = ["| theorem | file:line | axioms its proof uses | rests on an inconsistent axiom | "
             "inconsistent axioms declared in its file |", "|---|---|---|---|---|"]
    for t in thms:
        name = f"**`{t.name}`**" if t.headline else f"`{t.name}`"
        trows.append(f"| {name} | {_md(t.citation)} | {', '.join(f'`{a}`' for a in t.axioms) or '—'} | "
                     f"{'**yes**: ' + ', '.join(t.inconsistent_axioms) if t.inconsistent_axioms else 'no'} | "
                     f"{', '.join(t.environment_inconsistent) or '—'} |")
    headline = [t for t in thms if t.headline]
    used_anywhere = {a for t in thms for a in t.axioms}
    unused = [n for n in rows if n not in used_anywhere]
    affected = [t.name for t in headline if t.inconsistent_axioms]
    sound = [t.name for t in headline if not t.inconsistent_axioms]
    ctx.add_summary("Lean axioms as written: inconsistent / tautology / true / undecided",
                    f"{counts['inconsistent']} / {counts['tautology']} / {counts['true']} / {counts['undecided']}")
    ctx.add_summary("paper-level Lean theorems resting on an inconsistent axiom",
                    f"{len(affected)} of {len(headline)}")
    sc = scope_counts(ctx.claim_results)
    sources = "; ".join(f"`{s.cite()}`: {s.note}" for s in SOURCES.values())
    pr = "; ".join(f"`{s.cite()}`: {s.note}" for s in PR_SOURCES.values())
    return "\n".join([
        "Each axiom is read as the formula it is, over everything its arguments range over, with Lean and "
        "Mathlib semantics (`x / 0 = 0`, empty sums 0, empty products 1, `Fin 0` empty, `Real.rpow`), each "
        "structure field constrained only by what the structure declares. A **counter-model** is a choice of "
        "the arguments that satisfies every hypothesis and falsifies the conclusion; from the axiom applied to "
        "it Lean derives `False`, and every statement follows. Existential conclusions are refuted by "
        "coefficient matching (`sympy.linsolve` returns the empty set), never by sampling. Each audit is a "
        "claim `lean/<axiom>` whose negative control is the repaired statement (for an inconsistent axiom) or "
        "a variant with content: the same search must come out differently.",
        "",
        f"**{counts['inconsistent']} of 13 axioms are inconsistent as written, {counts['tautology']} are "
        f"tautologies and {counts['true']} are true** ({counts['undecided']} undecided).",
        "",
        "\n".join(table),
        "",
        "Theorems and the axioms their proofs use, read off the proof text of the Lean files (a textual "
        "reading, transitively through the lemmas each proof calls; `#print axioms` was not run, no Lean "
        "toolchain here). Bold: the results the paper states.",
        "",
        "\n".join(trows),
        "",
        f"Axioms no theorem's proof uses (the theorems take their content as hypotheses, or nothing needs it): "
        f"{', '.join(f'`{a}`' for a in unused) or 'none'}.",
        "",
        f"**What follows for the paper's \"formally verified\" framing:** of its {len(headline)} headline Lean "
        f"theorems, {len(affected)} ({', '.join(f'`{a}`' for a in affected) or 'none'}) are proved from an "
        "axiom that is false as written and therefore hold vacuously; the others "
        f"({', '.join(f'`{a}`' for a in sound) or 'none'}) use only tautological or true axioms, or none, but "
        "then take the analytic content (the correlation identity, the polar and Pythagorean steps, the "
        "orthogonal Jacobian) as hypotheses; and `lean/LeJEPA.lean`, which imports every file, lives in an "
        "inconsistent environment. The formal development does not certify the paper's mathematics; the "
        "claims of this report check that mathematics separately.",
        "",
        f"Scope of all claims of this run: **{sc['proof']} proofs** for every case they state, "
        f"**{sc['instances']} checks of instances**.",
        "",
        f"Files read (repository `klindtlab/lejepa-identifiability`): {sources}. Versions read as the pull "
        f"request's (\"Harden Lean axioms: discharge 6, remove 2 unsound\"): {pr}. The pull request keeps "
        "`correlation_eq_spectral_sum`, `linear_of_degree_one`, `hermite_first_eigenfunction_of_gaussian`, "
        "`stage_pushforward` and `terminal_pushforward`, which this audit finds inconsistent as written.",
    ])


SECTION = Section(title="The authors' Lean axioms as written", order=5, build=build)
