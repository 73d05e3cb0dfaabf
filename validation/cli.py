"""The `lejepa-verify` command. Each subcommand is a module of :mod:`validation.commands`.

A user's mistake or the machine's state is said in one line on stderr, never as a
traceback: a ``ValueError`` (bad input, exit 2), a full disk or another ``OSError``, or an
allocation that the machine's memory could not hold (exit 1), and Ctrl-C (exit 130). The last two add how to go on: a command module may define
``resume_hint(args) -> str``, which says what was kept and how to resume.
"""

from __future__ import annotations

import argparse
import signal
import sys

EXIT_INTERRUPTED = 130


class _Parser(argparse.ArgumentParser):
    """argparse's parser with its usage errors said in one line, as every other mistake is."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The ``lejepa-verify`` argument parser, one sub-command per module of ``validation.commands``."""
    from lejepa_verify.validation.registries import COMMANDS

    parser = _Parser(
        prog="lejepa-verify",
        description="Check, by computation, when LeJEPA learns a world model.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS.names():
        mod = COMMANDS.get(name)
        p = sub.add_parser(mod.NAME, help=mod.HELP, description=mod.HELP)
        mod.add_arguments(p)
        p.set_defaults(_run=mod.run, _hint=getattr(mod, "resume_hint", None))
    return parser


def _hint(args) -> str:
    try:
        return args._hint(args) if args._hint is not None else "run the same command again"
    except Exception:  # noqa: BLE001 - the hint must never hide the message it accompanies
        return "run the same command again"


def main(argv=None) -> int:
    """Run ``lejepa-verify`` with ``argv``; returns the exit status (a user's mistake is a message, not a traceback)."""
    try:
        from lejepa_verify.validation.io import OutOfSpace

        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed its usage line (or --help); return its status
        return int(exc.code or 0)
    except KeyboardInterrupt:
        # Ctrl-C while the commands are imported: nothing has started
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("\nlejepa-verify: interrupted before any work started", file=sys.stderr)
        return EXIT_INTERRUPTED
    prefix = f"lejepa-verify {args.command}"
    try:
        return int(args._run(args) or 0)
    except ValueError as exc:
        print(f"{prefix}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        # a second Ctrl-C while the line is printed must not turn into a traceback
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print(f"\n{prefix}: interrupted; {_hint(args)}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OutOfSpace as exc:
        print(f"{prefix}: error: {exc}; nothing was left half-written: free some space, then "
              f"{_hint(args)}", file=sys.stderr)
        return 1
    except OSError as exc:
        where = f" ({exc.filename!r})" if getattr(exc, "filename", None) else ""
        print(f"{prefix}: error: {exc.strerror or exc}{where}; {_hint(args)}", file=sys.stderr)
        return 1
    except MemoryError:
        print(f"{prefix}: error: the machine ran out of memory; choose smaller sizes (batch_size, eval_size, "
              f"the encoder's width) and {_hint(args)}", file=sys.stderr)
        return 1
    except RuntimeError as exc:
        # torch reports a failed allocation as a RuntimeError; anything else is a bug and keeps its traceback
        if "allocate" not in str(exc) and "out of memory" not in str(exc):
            raise
        print(f"{prefix}: error: the machine ran out of memory ({str(exc).splitlines()[0]}); choose smaller "
              f"sizes and {_hint(args)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
