"""Report section: the authors' Lean axioms and theorems as written (docs/theory.md §6).

For each of the 13 axioms: where it is (file:line), what it is meant to say, its classification
as written (inconsistent, tautology, true) with the counter-model as data, and the claims that
check the intended mathematics; then, for each of the 30 theorems, its own classification as
written, the axioms its proof uses (a textual reading of the proof text) and whether one of them
is inconsistent. Classifications come from the ``lean/<name>`` claims of this report's run.
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


def _as_written(cls: str | None, kind: str) -> str:
    if cls is None:
        return "not audited"
    if cls == "inconsistent":
        return "**inconsistent**" if kind == "axiom" else "**false as written**"
    return cls


def build(ctx: ReportContext) -> str:
    from lejepa_verify.theory.lean.sources import PR_SOURCES, SOURCES
    from lejepa_verify.theory.lean.summary import (
        classification_counts,
        declaration_rows_from_results,
        theorem_rows,
    )
    from lejepa_verify.validation.claimrun import scope_counts

    every = declaration_rows_from_results(ctx.claim_results)
    rows = {n: r for n, r in every.items() if r.kind == "axiom"}
    counts = classification_counts(rows)
    intended = {name: [r.id for r in ctx.claim_results if name in r.lean and r.verified and r.id != f"lean/{name}"]
                for name in rows}
    table = ["| axiom | file:line | meant to say | as written | counter-model | intended mathematics checked by | "
             "pull request #1 |", "|---|---|---|---|---|---|---|"]
    for name, r in rows.items():
        checks = ", ".join(f"`{i}`" for i in intended[name]) or "**none**"
        table.append(f"| `{name}` | {_md(r.citation)} | {_md(r.intended)} | **{r.classification}** | "
                     f"{_counter_model(r.counter_model)} | {checks} | {_md(r.pull_request)} |")
    thms = theorem_rows(every)
    trows = ["| theorem | file:line | as written | counter-model | axioms its proof uses | rests on an inconsistent "
             "axiom | inconsistent axioms declared in its file |", "|---|---|---|---|---|---|---|"]
    for t in thms:
        name = f"**`{t.name}`**" if t.headline else f"`{t.name}`"
        trows.append(f"| {name} | {_md(t.citation)} | {_as_written(t.classification, 'theorem')} | "
                     f"{_counter_model(t.counter_model)} | {', '.join(f'`{a}`' for a in t.axioms) or '—'} | "
                     f"{'**yes**: ' + ', '.join(t.inconsistent_axioms) if t.inconsistent_axioms else 'no'} | "
                     f"{', '.join(t.environment_inconsistent) or '—'} |")
    headline = [t for t in thms if t.headline]
    used_anywhere = {a for t in thms for a in t.axioms}
    unused = [n for n in rows if n not in used_anywhere]
    affected = [t.name for t in headline if t.inconsistent_axioms]
    false_headline = [t.name for t in headline if t.classification == "inconsistent"]
    false_all = [t.name for t in thms if t.classification == "inconsistent"]
    sound = [t.name for t in headline if not t.inconsistent_axioms]
    ctx.add_summary("Lean axioms as written: inconsistent / tautology / true / undecided",
                    f"{counts['inconsistent']} / {counts['tautology']} / {counts['true']} / {counts['undecided']}")
    ctx.add_summary("paper-level Lean theorems resting on an inconsistent axiom",
                    f"{len(affected)} of {len(headline)}")
    ctx.add_summary("Lean theorems false as written (a counter-model meets their hypotheses)",
                    f"{len(false_all)} of {len(thms)}")
    sc = scope_counts(ctx.claim_results)
    sources = "; ".join(f"`{s.cite()}`: {s.note}" for s in SOURCES.values())
    pr = "; ".join(f"`{s.cite()}`: {s.note}" for s in PR_SOURCES.values())
    return "\n".join([
        "Each declaration is read as the formula it is, over everything its arguments range over, with Lean and "
        "Mathlib semantics (`x / 0 = 0`, empty sums 0, empty products 1, `Fin 0` empty, `Real.rpow`), each "
        "structure field constrained only by what the structure declares. A **counter-model** is a choice of "
        "the arguments that satisfies every hypothesis and falsifies the conclusion; from an axiom applied to "
        "it Lean derives `False`, and every statement follows; a theorem with a counter-model is false as "
        "written, and Lean proves it only through an inconsistent axiom. Existential conclusions are refuted by "
        "coefficient matching (`sympy.linsolve` returns the empty set), never by sampling. Each audit is a "
        "claim `lean/<name>` whose negative controls are the repaired statement (for an inconsistent one) or "
        "false variants (a dropped hypothesis, a wrong exponent or constant, a dropped term) that the same "
        "search must refute, and the wrong classification.",
        "",
        f"**{counts['inconsistent']} of 13 axioms are inconsistent as written, {counts['tautology']} are "
        f"tautologies and {counts['true']} are true** ({counts['undecided']} undecided).",
        "",
        "\n".join(table),
        "",
        "Theorems, their own classification as written, and the axioms their proofs use, read off the proof text "
        "of the Lean files (a textual reading, transitively through the lemmas each proof calls; `#print axioms` "
        "was not run, no Lean toolchain here). Bold: the results the paper states.",
        "",
        "\n".join(trows),
        "",
        f"Axioms no theorem's proof uses (the theorems take their content as hypotheses, or nothing needs it): "
        f"{', '.join(f'`{a}`' for a in unused) or 'none'}.",
        "",
        f"**What follows for the paper's \"formally verified\" framing:** of its {len(headline)} headline Lean "
        f"theorems, {len(affected)} ({', '.join(f'`{a}`' for a in affected) or 'none'}) are proved from an "
        "axiom that is false as written, and "
        f"{len(false_headline)} of them ({', '.join(f'`{a}`' for a in false_headline) or 'none'}) are themselves "
        "false as written: a counter-model meets every hypothesis. `hermite_identifiability` is refuted by "
        "`toFun z = |z|` (n = 1): the spectral hypotheses never constrain `toFun`, and `hnorm` (distances to 0 "
        "preserved) stands in for the Gaussian constraint the paper states and carries the orthogonality of the "
        f"conclusion. The others ({', '.join(f'`{a}`' for a in sound) or 'none'}) use only tautological or true "
        "axioms, or none, but then take the analytic content (the correlation identity, the polar and Pythagorean "
        "steps, the orthogonal Jacobian) as hypotheses; and `lean/LeJEPA.lean`, which imports every file, lives "
        "in an inconsistent environment. The formal development does not certify the paper's mathematics; the "
        "claims of this report check that mathematics separately (next section: which claim covers which "
        "declaration).",
        "",
        f"Scope of all claims of this run: **{sc['proof']} proofs** for every case they state, "
        f"**{sc['instances']} checks of instances**.",
        "",
        f"Files read (repository `klindtlab/lejepa-identifiability`): {sources}. Versions of the pull request "
        f"(\"Harden Lean axioms: discharge 6, remove 2 unsound, drop stale duplicates\"): {pr}. The pull request "
        "keeps `correlation_eq_spectral_sum`, `linear_of_degree_one`, `hermite_first_eigenfunction_of_gaussian`, "
        "`stage_pushforward` and `terminal_pushforward`, which this audit finds inconsistent as written, and "
        "changes no theorem's statement.",
    ])


SECTION = Section(title="The authors' Lean axioms as written", order=5, build=build)
