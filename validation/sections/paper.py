"""Report section: the paper side by side (``validation.paper_compare``).

In the ``quick`` report nothing is trained here: the tables hold the published numbers, the
mixing's fingerprint (computed up to n = 64, no training) and whatever the side-by-side stores in
``DIR/sweeps`` already hold (from ``lejepa-verify paper --out DIR``); the other rows say "not
run". The ``paper`` report runs the side-by-side sweeps at their full sizes first.
"""

from __future__ import annotations

from lejepa_verify.validation.report import ReportContext, Section


def build(ctx: ReportContext) -> str:
    from lejepa_verify.validation.paper_compare import SWEEPS, build_markdown, store_dir
    from lejepa_verify.validation.sweep import load_sweep, run_sweep

    profile = "paper" if ctx.profile == "paper" else "cpu"
    if ctx.profile == "paper":
        for name in SWEEPS:
            run_sweep(load_sweep(name, profile=profile), store_dir(ctx.out, name, profile), backend=ctx.backend,
                      jobs=ctx.jobs, profile=profile, progress=ctx.progress)
    # the fingerprint above n = 64 takes minutes on a loaded 2-core CPU; `lejepa-verify paper` computes it all
    md, _ = build_markdown(ctx.out, profile, fingerprint_max_n=1024 if ctx.profile == "paper" else 64,
                          save_figure=ctx.save_figure)
    note = ("" if ctx.profile == "paper" else
            "Nothing is trained in this section of a quick report; `lejepa-verify paper --out DIR` fills the "
            "side-by-side columns (profile `cpu`), and a report on the same DIR shows them.\n\n")
    return note + md


SECTION = Section(title="The paper, side by side", order=90, build=build)
