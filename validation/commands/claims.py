"""`lejepa-verify claims`: run the claims and their negative controls, print a table or JSON."""

from __future__ import annotations

import os
import sys

from lejepa_verify.theory.claims import LAYERS

NAME = "claims"
HELP = "run the claims (each with its negative controls) and print the verdicts"

#: the status of a process whose reader went away (128 + SIGPIPE), as a shell reports it
EXIT_BROKEN_PIPE = 141


def add_arguments(p) -> None:
    p.add_argument("--layer", choices=LAYERS, action="append",
                   help="only this layer's claims (repeatable; default: all layers)")
    p.add_argument("--id", action="append", dest="ids", help="only this claim id (repeatable)")
    p.add_argument("--json", action="store_true", help="print a JSON list, one object per claim")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")


def emit(text: str) -> bool:
    """Write ``text`` and a newline to stdout; ``False`` when the reader has gone (``… | head``).

    Then stdout is pointed at the null device, so that the interpreter's last flush at exit
    does not print a second broken-pipe error.
    """
    try:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
        return True
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return False


def run(args) -> int:
    from lejepa_verify.validation import claimrun

    results = claimrun.run_claims(args.layer, ids=args.ids, progress=not args.no_progress)
    if args.json:
        text = claimrun.results_json(results)
    else:
        complete = args.layer is None and args.ids is None
        text = claimrun.text_table(results) + "\n\n" + claimrun.axiom_text(results, complete=complete)
    if not emit(text):
        return EXIT_BROKEN_PIPE
    return 0 if all(r.verified for r in results) else 1
