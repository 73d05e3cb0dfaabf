"""Report section: the paper side by side and the scorecard of every published number (``validation.paper``).

At the report's ``paper`` and ``cpu-full`` profiles the section runs the side-by-side sweeps of
that profile (with the report's ``--set`` and ``--device`` applied to every run; a key that would
change what is compared with the paper is refused before any work). At ``quick`` and ``cpu`` it
trains nothing: it measures what needs no training (the mixing's fingerprint, our arm's lag
correlations, the Reacher rows from this report's pixel section) and reads the side-by-side stores
that ``lejepa-verify paper --out DIR`` left in ``DIR/sweeps`` (the ``cpu-full`` ones when there are
any, else ``cpu``). Either way it writes ``DIR/paper_scorecard.json`` and adds its counts to the
report's summary.
"""

from __future__ import annotations

from lejepa_verify.validation.report import ReportContext, Section

#: report profiles at which the section trains the paper sweeps (of the same profile)
TRAINS = ("paper", "cpu-full")


def check(ctx: ReportContext) -> None:
    """The sweeps and overrides are valid (or refused, naming the key) before any work starts."""
    from lejepa_verify.validation.paper.orchestrate import plan

    if ctx.profile in TRAINS:
        plan(ctx.profile, overrides=ctx.overrides)


def build(ctx: ReportContext) -> str:
    from lejepa_verify.validation.paper.measure import FILL
    from lejepa_verify.validation.paper.orchestrate import run_paper, stored_profile

    if ctx.profile in TRAINS:
        profile, trains = ctx.profile, True
        result = run_paper(ctx.out, profile, jobs=ctx.jobs, backend=ctx.backend, progress=ctx.progress,
                           overrides=ctx.overrides, save_figure=ctx.save_figure,
                           command=f"lejepa-verify report --profile {ctx.profile}")
    else:
        profile, trains = stored_profile(ctx.out), False
        result = run_paper(ctx.out, profile, tables_only=True, save_figure=ctx.save_figure,
                           fingerprint_max_n=128 if ctx.profile == "quick" else 1024,
                           command=f"lejepa-verify report --profile {ctx.profile} (tables only, stores of {profile})")
    c = result.scorecard.counts
    ctx.add_summary("paper scorecard (paper_scorecard.json)", result.scorecard.counts_text())
    ctx.add_summary("paper: published numbers measured", f"{c['measured']} of {c['total']}")
    if trains:
        note = (f"This section ran the side-by-side sweeps at profile `{profile}`"
                + (" with the report's overrides applied to every run (below)." if ctx.overrides else ".")
                + (f" {result.failed_runs} runs failed; their rows say why." if result.failed_runs else ""))
    else:
        note = (f"This section trained nothing at profile `{ctx.profile}`"
                + (" (the report's `--set` overrides therefore do not apply here)" if ctx.overrides else "")
                + f": its measured numbers need no training (the mixing's fingerprint up to n = "
                f"{128 if ctx.profile == 'quick' else 1024}, our arm's lag correlations, the pixel section's Reacher "
                f"runs of this report), and its trained columns are read from the `{profile}` stores in "
                f"`sweeps/` of this folder, where `lejepa-verify paper` left them. What fills the rest: {FILL['cpu-full']}; "
                f"{FILL['cpu']}; {FILL['paper']}.")
    return note + "\n\n" + result.markdown


SECTION = Section(title="The paper, side by side", order=90, build=build, check=check)
