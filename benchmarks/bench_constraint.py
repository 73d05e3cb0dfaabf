"""The constraint held exactly: the penalties' λ window against the Lagrangian (issue 25).

    .venv/bin/python benchmarks/bench_constraint.py [--profile quick|cpu|paper] [--out DIR] [--jobs N]

Runs (or resumes, from the store in ``--out``) the sweep ``validation/sweeps/constraint.toml``:
``lejepa`` at constant λ and with the default ramp, ``whitening`` at constant λ, and
``lagrangian`` (alignment subject to ``Cov h = I, E h = 0``; and subject to per-view SIGReg ≤ τ),
on the 2D spiral world and at n = 8. Prints one row per run (R²(h→z), orthogonality error,
ε = ||Cov h − I||_F with its bootstrap standard error, the scale ``sqrt(tr Cov h / m)``) and
writes ``DIR/figures/constraint.png`` (and ``.pdf``): R² and ε against λ for each penalty, the
constrained runs as horizontal lines (they have no λ). Never pass/fail.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path


def rows_of(records) -> list[dict]:
    """One plain row per stored run (a run without metrics is kept, with NaNs and its status)."""
    from lejepa_verify.validation.record import RunRecord

    rows = []
    for d in records:
        rec = RunRecord.from_dict(d)
        cfg = rec.config
        m = rec.metrics
        constraint = cfg.options.get("constraint") if cfg.objective == "lagrangian" else None
        label = (f"lagrangian ({constraint})" if constraint else
                 f"{cfg.objective} " + ("ramp" if cfg.lam_start is not None else f"λ = {cfg.lam:g}"))
        rows.append({
            "world": f"{cfg.mixing}, n = {cfg.n}", "objective": cfg.objective, "label": label,
            "lam": math.nan if constraint or cfg.lam_start is not None else cfg.lam, "steps": cfg.steps,
            "status": rec.status, "r2": rec.metric("r2_hz"), "orth": rec.metric("orth_err"),
            "eps": rec.metric("epsilon"),
            "eps_se": m.uncertainty.stderr.get("epsilon", math.nan) if m is not None else math.nan,
            "scale": rec.metric("scale"),
        })
    return rows


def table(rows) -> str:
    """The rows as a markdown table."""
    out = ["| world | objective | steps | R²(h→z) | orth err | ε = ‖Cov h − I‖_F | scale |", "|---|---|---|---|---|---|---|"]
    for r in rows:
        eps = f"{r['eps']:.3f}" + (f" ± {r['eps_se']:.3f}" if math.isfinite(r["eps_se"]) else "")
        out.append(f"| {r['world']} | {r['label']} | {r['steps']} | {r['r2']:.4f} | {r['orth']:.3f} | {eps} | "
                   f"{r['scale']:.3f} |" + ("" if r["status"] == "ok" else f" {r['status']}"))
    return "\n".join(out)


def figure(rows):
    """R² and ε against λ per penalty, one column per world; the constrained runs as horizontal lines."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    worlds = list(dict.fromkeys(r["world"] for r in rows))
    fig, axes = plt.subplots(2, len(worlds), figsize=(4.5 * len(worlds), 6.5), squeeze=False)
    for col, world in enumerate(worlds):
        here = [r for r in rows if r["world"] == world]
        for row, (key, name) in enumerate((("r2", "R²(h→z)"), ("eps", "ε = ‖Cov h − I‖_F"))):
            ax = axes[row][col]
            for objective, marker in (("lejepa", "o"), ("whitening", "s")):
                pts = sorted((r["lam"], r[key]) for r in here if r["objective"] == objective and math.isfinite(r["lam"]))
                if pts:
                    ax.plot(*zip(*pts), marker=marker, label=f"{objective} (constant λ)")
            for r, style in zip([r for r in here if not math.isfinite(r["lam"])], ("--", ":", "-.", "-")):
                ax.axhline(r[key], linestyle=style, color="black" if r["objective"] == "lagrangian" else "grey",
                           label=r["label"])
            ax.set_xscale("log")
            ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
            if key == "eps":
                ax.set_yscale("log")
            ax.set_xlabel("λ")
            ax.set_title(f"{world}: {name}", fontsize=9)
            ax.tick_params(labelsize=7)
        axes[0][col].legend(fontsize=6)
    fig.tight_layout()
    return fig


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="quick", choices=("quick", "cpu", "paper"))
    parser.add_argument("--out", default=None, help="the sweep's store and the figure (default: runs/constraint-PROFILE)")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    from lejepa_verify.validation.report import save_figure_markdown
    from lejepa_verify.validation.sweep import run_sweep

    out = Path(args.out or f"runs/constraint-{args.profile}")
    result = run_sweep("constraint", out, profile=args.profile, jobs=args.jobs, progress=False)
    rows = rows_of(result.records)
    print(table(rows))
    print()
    print(save_figure_markdown(figure(rows), out / "figures", "constraint",
                               "R² and ε = ||Cov h − I||_F against λ; the constrained runs as horizontal lines"))


if __name__ == "__main__":
    main()
