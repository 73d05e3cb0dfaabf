"""The `lejepa-verify` command. Each subcommand is a module of :mod:`validation.commands`."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys


def build_parser() -> argparse.ArgumentParser:
    import lejepa_verify.validation.commands as pkg

    parser = argparse.ArgumentParser(
        prog="lejepa-verify",
        description="Check, by computation, when LeJEPA learns a world model.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
        mod = importlib.import_module(f"lejepa_verify.validation.commands.{info.name}")
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed its usage line (or --help); return its status
        return int(exc.code or 0)
    try:
        return int(args._run(args) or 0)
    except ValueError as exc:
        print(f"lejepa-verify {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
