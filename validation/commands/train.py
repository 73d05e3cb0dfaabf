"""`lejepa-verify train`: one training run from the command line, its JSON record in ``--out``.

Every declared setting (the config's fields and each member's options,
``validation.config.declared_options``) is an option: ``--mixing banana``, ``--lam 0.05``,
``--latent-params alpha=0.5``, ``--cnn-channels 8,16``, ``--cnn-batch-norm false`` (booleans take
true/false, 1/0, yes/no), ``--m none``. ``--help`` shows each with its limits, its default and
the members that read it. ``--config FILE`` reads a JSON config first and the options given
override it. The config is validated before any training starts.
"""

from __future__ import annotations

import json

NAME = "train"
HELP = "train one LeJEPA encoder on a synthetic world and write its JSON record (config, metrics, curves)"

def read_config_file(path: str) -> dict:
    """The JSON object in ``path``; a missing file, bad JSON or a non-object is a ValueError naming it."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        raise ValueError(f"config file {path!r} cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ValueError(f"config file {path!r} is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"config file {path!r} is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise ValueError(f"config file {path!r} must hold a JSON object of config fields, "
                         f"got a JSON {type(value).__name__}")
    return value


def add_arguments(p) -> None:
    from lejepa_verify.validation.commands._options import add_option_arguments
    from lejepa_verify.validation.config import declared_options, option_owners

    p.add_argument("--out", default="train-run", help="folder for record.json (default: ./train-run)")
    p.add_argument("--config", dest="config_file", help="JSON file with config fields (options override it)")
    p.add_argument("--save-arrays", action="store_true", help="also write arrays.npz (held-out z, x, h)")
    p.add_argument("--save-weights", action="store_true", help="also write weights.pt (the encoder)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    # every declared setting is an option: the config's fields, then each member's (its owners named)
    owners = {name: ", ".join(who) for name, who in option_owners().items()}
    add_option_arguments(p, declared_options(), owners)
    p.add_argument("--views", dest="views", choices=("pair", "anchor"), default=None,
                   help="retired: --views anchor is --pairs anchor")


def resume_hint(args) -> str:
    return (f"a training run does not resume, and no new record was written to {args.out!r}; "
            "run the same command again to start it over")


def run(args) -> int:
    from lejepa_verify.theory.claims import json_safe
    from lejepa_verify.validation.config import TrainConfig
    from lejepa_verify.validation.trainer import TrainingDiverged, train

    from lejepa_verify.validation.config import declared_options

    values = {}
    if args.config_file:
        values.update(read_config_file(args.config_file))
    for name in [*declared_options(), "views"]:
        given = getattr(args, name)
        if given is not None:
            values[name] = given
    config = TrainConfig.from_dict(values)
    try:
        result = train(config, progress=not args.no_progress, out=args.out,
                       save_arrays=args.save_arrays, save_weights=args.save_weights)
    except TrainingDiverged as exc:
        metrics = exc.record.get("metrics") or {}
        print(json.dumps(json_safe({"status": "diverged", "error": str(exc), "out": args.out,
                                    "diverged_at_step": metrics.get("diverged_at_step"),
                                    "reason": metrics.get("divergence")}), allow_nan=False))
        return 1
    m = result.metrics
    notes = list(m.notes)
    shown = {"r2_hz": m.r2_hz, "r2_zh": m.r2_zh, "mcc": m.mcc, "orth_err": m.orth_err,
             "procrustes_mse": m.procrustes_mse, "epsilon": m.epsilon, "delta": m.delta, "D": m.D,
             "bound": m.bound, "bound_holds": m.bound_holds, "steps_per_s": m.steps_per_s}
    # standard JSON on stdout: a non-finite number is written as the string "nan", "inf" or "-inf"
    print(json.dumps(json_safe({"status": result.status, "out": args.out, "wall_time": round(result.wall_time, 2),
                                **shown, **({"notes": notes} if notes else {})}), indent=2, allow_nan=False))
    return 0
