"""`lejepa-verify collect`: every run record below a folder as one CSV table."""

from __future__ import annotations

NAME = "collect"
HELP = "gather the run records below DIR into one table (one row per run: config columns and metrics)"


def add_arguments(p) -> None:
    p.add_argument("dir", help="a sweep's results folder (or any folder above several)")
    p.add_argument("--out", default=None, help="CSV file to write (default: DIR/results.csv)")
    p.add_argument("--sweep", default=None, help="only the runs of the sweep with this name")


def resume_hint(args) -> str:
    return "the table was not written (the records are untouched); run the same command again"


def run(args) -> int:
    from pathlib import Path

    from lejepa_verify.validation.io import ensure_writable_dir
    from lejepa_verify.validation.sweep import collect, store, write_csv

    target = Path(args.out) if args.out is not None else Path(args.dir) / "results.csv"
    if target.is_dir():
        raise ValueError(f"out {str(target)!r} is a folder; give the CSV file to write, "
                         f"e.g. {str(target / 'results.csv')!r}")
    folder = target.resolve().parent
    if folder.name in (store.RUNS_DIR, store.MANIFESTS_DIR, store.HIDDEN_DIR) and store.is_store(folder.parent):
        # the table would land among the records (and could replace one): the store's folders are its own
        raise ValueError(f"out {str(target)!r} lies in the {folder.name}/ folder of the store {str(folder.parent)!r}, "
                         f"which only the store writes; write the table elsewhere, "
                         f"e.g. {str(folder.parent / 'results.csv')!r}")
    df = collect(args.dir, sweep=args.sweep)
    ensure_writable_dir(target.parent, "out")
    write_csv(df, target)
    counts = df["status"].value_counts().to_dict() if len(df) else {}
    summary = ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "no runs"
    print(f"wrote {target}: {len(df)} runs ({summary})")
    return 0
