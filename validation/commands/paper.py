"""`lejepa-verify paper`: the paper side by side and the scorecard of every published number (``validation.paper``)."""

from __future__ import annotations

NAME = "paper"
HELP = ("run the side-by-side sweeps (their settings, resumable), then write DIR/paper.md (one table per published "
        "result) and DIR/paper_scorecard.json (every published number: theirs, ours, the run, a verdict)")


def add_arguments(p) -> None:
    p.add_argument("--out", default="paper", help="results folder (stores in DIR/sweeps, tables in DIR/paper.md, "
                                                  "the scorecard in DIR/paper_scorecard.json)")
    p.add_argument("--profile", default="cpu",
                   help="quick (minutes), cpu (1500 steps, fits a 2-core CPU), cpu-full (their 20 000 steps for the "
                        "scaling columns, the alpha panel and the 2D mixings: hours on 2 cores) or paper (their "
                        "full grid: a GPU or a cluster)")
    p.add_argument("--only", nargs="+", default=None, metavar="SWEEP", help="run only these side-by-side sweeps")
    p.add_argument("--jobs", type=int, default=1, help="parallel training runs (default 1)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="overrides",
                   help="override a setting in every run, e.g. --set seed=0 --set mixing_seed=0 (one seed); only "
                        "settings that do not change what is compared (steps, seeds, sizes, device ...)")
    p.add_argument("--retry-failed", action="store_true", help="run again the runs recorded as failed or diverged")
    p.add_argument("--tables-only", action="store_true", help="train nothing; tables from what the stores hold")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")


def resume_hint(args) -> str:
    from pathlib import Path

    return (f"finished runs are kept in {str(Path(args.out) / 'sweeps')!r}; run the same command again to resume "
            "where it stopped")


def run(args) -> int:
    import time
    from pathlib import Path

    from lejepa_verify.theory.validate import check_int
    from lejepa_verify.validation.commands.report import parse_overrides
    from lejepa_verify.validation.io import atomic_write_text, ensure_writable_dir
    from lejepa_verify.validation.paper.orchestrate import figure_saver, plan, run_paper
    from lejepa_verify.validation.paper_numbers import load

    jobs = check_int(args.jobs, "jobs", 1)
    overrides = parse_overrides(args.overrides)
    plan(args.profile, args.only, overrides)          # every sweep and config valid before any work
    numbers = load()
    out = ensure_writable_dir(Path(args.out), "out")
    t0 = time.perf_counter()
    command = "lejepa-verify paper " + " ".join(f"--profile {args.profile}".split()
                                                 + (["--only", *args.only] if args.only else [])
                                                 + [f"--set {o}" for o in args.overrides]
                                                 + (["--tables-only"] if args.tables_only else []))
    result = run_paper(out, args.profile, only=args.only, jobs=jobs, progress=not args.no_progress,
                       retry_failed=args.retry_failed, tables_only=args.tables_only, overrides=overrides,
                       save_figure=figure_saver(out), numbers=numbers, command=command,
                       on_sweep=lambda res: print(res.summary(), flush=True))
    atomic_write_text(out / "paper.md", f"# The paper, side by side\n\nWall time {time.perf_counter() - t0:.0f} s "
                                        f"(`{command}`).\n\n{result.markdown}")
    print(f"wrote {out / 'paper.md'} and {out / 'paper_scorecard.json'}: {result.scorecard.counts_text()}")
    if result.failed_runs:
        print(f"lejepa-verify paper: {result.failed_runs} runs failed (their rows say why); run again with "
              "--retry-failed to run them again")
        return 1
    return 0
