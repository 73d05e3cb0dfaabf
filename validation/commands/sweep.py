"""`lejepa-verify sweep`: run a grid of training runs that resumes where it stopped."""

from __future__ import annotations

NAME = "sweep"
HELP = "run a sweep of training runs (a TOML/YAML config or a shipped sweep's name), resuming from --out"


def add_arguments(p) -> None:
    p.add_argument("config", nargs="?", help="a sweep config file (.toml, .yaml) or the name of a shipped sweep")
    p.add_argument("--out", default=None, help="results folder (default: ./runs/<name>-<profile>)")
    p.add_argument("--profile", default="quick", help="quick (fits a laptop), paper (the authors' grid) or cpu (the side-by-side size of lejepa-verify paper)")
    p.add_argument("--backend", default="local", help="local (processes on this machine) or slurm")
    p.add_argument("--jobs", type=int, default=None, help="parallel local runs (default: number of cores)")
    p.add_argument("--retry-failed", action="store_true", help="run again the runs recorded as failed or diverged")
    p.add_argument("--save-arrays", action="store_true",
                   help="keep each run's held-out arrays (z, x, h) in OUT/arrays/<run_id>/arrays.npz")
    p.add_argument("--list", action="store_true", help="list the shipped sweeps and exit")
    p.add_argument("--dry-run", action="store_true",
                   help="validate the config and print its runs (id, grid point, stored status) without running")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    g = p.add_argument_group("slurm (with --backend slurm)")
    g.add_argument("--partition", default=None, help="SLURM partition")
    g.add_argument("--time", type=int, default=None, dest="time_min", help="time limit per run in minutes (default 60)")
    g.add_argument("--cpus-per-task", type=int, default=None, help="CPUs per run (default 2)")
    g.add_argument("--gpus-per-node", type=int, default=None, help="GPUs per run (default 0)")
    g.add_argument("--array-parallelism", type=int, default=None, help="array tasks running at once (default 64)")
    g.add_argument("--mem-gb", type=float, default=None, help="memory per run in GB (default: the cluster's)")


def _done(out) -> int:
    from lejepa_verify.validation.sweep import store

    folder = store.runs_dir(out)
    return len(list(folder.glob("*.json"))) if folder.is_dir() else 0


def resume_hint(args) -> str:
    out = args.out if args.out is not None else "the sweep's folder"
    return f"finished runs are kept in {out}; run the same command again to resume where it stopped"


SLURM_FLAGS = ("partition", "time_min", "cpus_per_task", "gpus_per_node", "array_parallelism", "mem_gb")


def run(args) -> int:
    from pathlib import Path

    from lejepa_verify.theory.validate import check_choice
    from lejepa_verify.validation.sweep import BACKENDS, PROFILES, SlurmOptions, load_sweep, run_sweep, shipped_sweeps
    from lejepa_verify.validation.sweep import store

    if args.list:
        for name, path in shipped_sweeps().items():
            spec = load_sweep(path, profile="quick")
            sizes = ", ".join(f"{p}: {load_sweep(path, profile=p).size} runs" for p in PROFILES)
            print(f"{name:<20} {sizes}   {spec.description}")
        return 0
    if args.config is None:
        raise ValueError("config is required: a sweep config file or one of the shipped sweeps "
                         f"({', '.join(shipped_sweeps())})")
    check_choice(args.profile, "profile", PROFILES)
    check_choice(args.backend, "backend", BACKENDS)
    given = {k: getattr(args, k) for k in SLURM_FLAGS if getattr(args, k) is not None}
    slurm = None
    if given:
        if args.backend != "slurm":
            raise ValueError(f"--{next(iter(given)).replace('_', '-')} is a SLURM option; add --backend slurm")
        slurm = SlurmOptions(**given)
    spec = load_sweep(args.config, profile=args.profile)
    out = Path(args.out) if args.out is not None else Path("runs") / f"{spec.name}-{spec.profile}"

    if args.dry_run:
        runs = spec.runs()
        print(f"sweep {spec.name} [{spec.profile}]: {len(runs)} runs, all configs valid; store {out}")
        for r in runs:
            # a dry run changes nothing: a record that is not usable is shown, not quarantined
            try:
                rec = store.read_record(store.record_path(out, r.run_id))
                status = rec["status"] if rec else "pending"
            except store.NotARecord:
                status = "unusable (quarantined and run again by the sweep)"
            point = ", ".join(f"{k}={v}" for k, v in r.point.items())
            print(f"  {r.run_id}  {status:<8}  {point}")
        return 0

    try:
        result = run_sweep(spec, out, backend=args.backend, jobs=args.jobs, retry_failed=args.retry_failed,
                           progress=not args.no_progress, profile=args.profile, slurm=slurm,
                           save_arrays=args.save_arrays)
    except KeyboardInterrupt as exc:
        import signal
        import sys

        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not print a traceback
        extra = f"; {exc}" if str(exc) else ""
        print(f"\nlejepa-verify sweep: interrupted: {_done(out)} run records are in {out}/runs, complete{extra}; "
              "run the same command again to resume where it stopped", file=sys.stderr)
        return 130
    print(result.summary())
    print(f"records in {result.out}/runs; table: lejepa-verify collect {result.out}")
    for rec in result.records:
        if rec["status"] == store.FAILED:
            print(f"  failed {rec['run_id']}: {(rec.get('error') or '').splitlines()[0]}")
    return 0 if result.ok else 1
