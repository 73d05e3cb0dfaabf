"""`lejepa-verify claims`: run the claims and their negative controls, print a table or JSON."""

from __future__ import annotations

from lejepa_verify.theory.claims import LAYERS

NAME = "claims"
HELP = "run the claims (each with its negative control) and print the verdicts"


def add_arguments(p) -> None:
    p.add_argument("--layer", choices=LAYERS, action="append",
                   help="only this layer's claims (repeatable; default: all layers)")
    p.add_argument("--id", action="append", dest="ids", help="only this claim id (repeatable)")
    p.add_argument("--json", action="store_true", help="print a JSON list, one object per claim")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")


def run(args) -> int:
    from lejepa_verify.validation import claimrun

    results = claimrun.run_claims(args.layer, ids=args.ids, progress=not args.no_progress)
    if args.json:
        print(claimrun.results_json(results))
    else:
        print(claimrun.text_table(results))
        print()
        print(claimrun.axiom_text(results))
    return 0 if all(r.verified for r in results) else 1
