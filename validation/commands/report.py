"""`lejepa-verify report`: the main job. Checks every claim, draws every figure, writes report.md."""

from __future__ import annotations

from lejepa_verify.validation.report import BACKENDS, DEVICES, PROFILES

NAME = "report"
HELP = "run every claim and experiment of a profile and write DIR/report.md with its figures"


def add_arguments(p) -> None:
    p.add_argument("--out", default="report", help="output directory (default: ./report)")
    p.add_argument("--profile", default="quick", help=f"one of {', '.join(PROFILES)} (default: quick)")
    p.add_argument("--device", default="cpu", help=f"one of {', '.join(DEVICES)} (default: cpu)")
    p.add_argument("--backend", default="local", help=f"one of {', '.join(BACKENDS)} (default: local)")
    p.add_argument("--jobs", type=int, default=None, help="parallel local runs (default: number of cores)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", dest="overrides",
                   help="override a training setting in every run of the report, e.g. --set steps=500 "
                        "(a TrainConfig field; VALUE is parsed as JSON when it can be)")
    p.add_argument("--sections", nargs="+", default=None, metavar="NAME",
                   help="build only these sections (module names in validation/sections, e.g. pixels paper); "
                        "the claims run all the same")
    p.add_argument("--no-progress", action="store_true", help="hide progress bars")


def parse_overrides(items) -> dict:
    """``["steps=500", "lam=0.1"]`` → ``{"steps": 500, "lam": 0.1}``; a malformed item is a ValueError.

    ``none`` (as in sweep files and ``train --lam-start none``) or JSON ``null`` is ``None``
    for a field that allows it.
    """
    import json

    from lejepa_verify.validation.sweep.spec import _optional_fields

    optional = _optional_fields()
    out = {}
    for item in items:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise ValueError(f"--set takes KEY=VALUE, got {item!r}")
        if key in optional and raw.strip().lower() == "none":
            out[key] = None
            continue
        try:
            out[key] = json.loads(raw)
        except json.JSONDecodeError:
            out[key] = raw
    return out


def resume_hint(args) -> str:
    from pathlib import Path

    return (f"finished sweep runs are kept in {str(Path(args.out) / 'sweeps')!r}; run the same command again "
            "to resume them (the claims and the other sections run again)")


def run(args) -> int:
    import os

    from lejepa_verify.theory.validate import check_int
    from lejepa_verify.validation.report import write_report

    from lejepa_verify.validation.sweep.backends import available_cores

    from lejepa_verify.validation.report import load_sections

    jobs = check_int(args.jobs if args.jobs is not None else available_cores(), "jobs", lo=1)
    sections = None if args.sections is None else load_sections(args.sections)   # an unknown name fails first
    summary = write_report(args.out, profile=args.profile, device=args.device, backend=args.backend,
                           jobs=jobs, progress=not args.no_progress, train_overrides=parse_overrides(args.overrides),
                           sections=sections)
    print(f"wrote {summary['report']}: {summary['claims_verified']}/{summary['claims_total']} claims verified")
    ok = summary["claims_verified"] == summary["claims_total"] and not summary["failed_sections"]
    return 0 if ok else 1
