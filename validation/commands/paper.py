"""`lejepa-verify paper`: the paper side by side (``validation.paper_compare``)."""

from __future__ import annotations

NAME = "paper"
HELP = ("run the side-by-side sweeps (their settings and ours, resumable) and write DIR/paper.md: one table per "
        "published result with their number and source, ours, and the cause of each difference")


def add_arguments(p) -> None:
    p.add_argument("--out", default="paper", help="results folder (stores in DIR/sweeps, tables in DIR/paper.md)")
    p.add_argument("--profile", default="cpu", help="cpu (fits a 2-core CPU), quick (minutes) or paper (their full sizes)")
    p.add_argument("--only", nargs="+", default=None, metavar="SWEEP", help="run only these side-by-side sweeps")
    p.add_argument("--jobs", type=int, default=1, help="parallel training runs (default 1)")
    p.add_argument("--tables-only", action="store_true", help="train nothing; tables from what the stores hold")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")


def run(args) -> int:
    import time
    from pathlib import Path

    from lejepa_verify.theory.validate import check_choice, check_int
    from lejepa_verify.validation.io import atomic_write_text, ensure_writable_dir
    from lejepa_verify.validation.paper_compare import SWEEPS, build_markdown, figure_saver, store_dir
    from lejepa_verify.validation.sweep import PROFILES, load_sweep, run_sweep

    check_choice(args.profile, "profile", PROFILES)
    jobs = check_int(args.jobs, "jobs", 1)
    only = list(args.only or SWEEPS)
    for name in only:
        check_choice(name, "sweep", SWEEPS)
    out = ensure_writable_dir(Path(args.out), "out")
    specs = {name: load_sweep(name, profile=args.profile) for name in only}   # every config valid first
    t0 = time.perf_counter()
    if not args.tables_only:
        for name, spec in specs.items():
            res = run_sweep(spec, store_dir(out, name, args.profile), jobs=jobs, profile=args.profile,
                            progress=not args.no_progress)
            print(res.summary())
    # the mixing's fingerprint at n = 1024 takes about a minute; the quick profile stops at n = 64
    md, _ = build_markdown(out, args.profile, fingerprint_max_n=64 if args.profile == "quick" else 1024,
                           save_figure=figure_saver(out))
    atomic_write_text(out / "paper.md", f"# The paper, side by side\n\nWall time {time.perf_counter() - t0:.0f} s.\n\n{md}")
    print(f"wrote {out / 'paper.md'}")
    return 0
