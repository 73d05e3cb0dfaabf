"""`lejepa-verify train`: one training run from the command line, its JSON record in ``--out``.

Every field of :class:`validation.config.TrainConfig` is an option (``--mixing banana``,
``--lam 0.05``, ``--latent-params alpha=0.5``); ``--config FILE`` reads a JSON config first
and the options given override it. The config is validated before any training starts.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import MISSING, fields

NAME = "train"
HELP = "train one LeJEPA encoder on a synthetic world and write its JSON record (config, metrics, curves)"

# fields whose default is None: the option takes a value or the word "none"
_OPTIONAL = {"m": int, "encoder_layers": int, "lam_start": float, "threads": int}


def _optional(kind):
    def parse(text: str):
        if text.lower() == "none":
            return None
        try:
            return kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {kind.__name__} or 'none', got {text!r}") from None

    parse.__name__ = kind.__name__
    return parse


def _params(text: str) -> dict:
    """``alpha=0.5,beta=2`` or a JSON object.

    Raises ``argparse.ArgumentTypeError``: argparse shows its message, whereas for a
    ``ValueError`` it would print only "invalid value".
    """
    text = text.strip()
    if text.startswith("{"):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise argparse.ArgumentTypeError(f"not a valid JSON object ({exc}): {text!r}") from None
        if not isinstance(value, dict):
            raise argparse.ArgumentTypeError(f"must be a JSON object, got {text!r}")
        return value
    out = {}
    for part in filter(None, text.split(",")):
        key, sep, val = part.partition("=")
        if not sep or not key.strip():
            raise argparse.ArgumentTypeError(f"must look like alpha=0.5 (comma separated) or a JSON object, "
                                             f"got {part!r}")
        try:
            out[key.strip()] = float(val)
        except ValueError:
            raise argparse.ArgumentTypeError(f"the value of {key.strip()!r} must be a number, got {val!r}") from None
    return out


def _choices() -> dict[str, tuple[str, ...]]:
    """The fields whose values come from a registry or a fixed list: argparse offers them."""
    from lejepa_verify.validation.config import DEVICES, MATCHED_INITS, SCHEDULES, latent_names, transition_names
    from lejepa_verify.validation.registries import ENCODERS, OBJECTIVES, OBSERVATIONS

    return {"mixing": OBSERVATIONS.names(), "encoder": ENCODERS.names(), "objective": OBJECTIVES.names(),
            "latent": latent_names(), "transition": transition_names(), "schedule": SCHEDULES,
            "device": DEVICES, "matched_init": MATCHED_INITS}


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
    from lejepa_verify.validation.config import TrainConfig

    choices = _choices()

    p.add_argument("--out", default="train-run", help="folder for record.json (default: ./train-run)")
    p.add_argument("--config", dest="config_file", help="JSON file with config fields (options override it)")
    p.add_argument("--save-arrays", action="store_true", help="also write arrays.npz (held-out z, x, h)")
    p.add_argument("--save-weights", action="store_true", help="also write weights.pt (the encoder)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    for f in fields(TrainConfig):
        default = f.default if f.default is not MISSING else f.default_factory()
        opt = "--" + f.name.replace("_", "-")
        if f.name == "latent_params":
            kind = _params
        elif f.name in _OPTIONAL:
            kind = _optional(_OPTIONAL[f.name])
        else:
            kind = type(default)
        if f.name in choices:
            shown = "the latent law's natural transition" if f.name == "transition" else repr(default)
            p.add_argument(opt, dest=f.name, choices=choices[f.name], default=None,
                           help=f"one of {', '.join(choices[f.name])} (default: {shown})")
        else:
            p.add_argument(opt, dest=f.name, type=kind, default=None, help=f"(default: {default!r})")


def resume_hint(args) -> str:
    return (f"a training run does not resume, and no new record was written to {args.out!r}; "
            "run the same command again to start it over")


def run(args) -> int:
    from lejepa_verify.theory.claims import json_safe
    from lejepa_verify.validation.config import TrainConfig
    from lejepa_verify.validation.trainer import TrainingDiverged, train

    values = {}
    if args.config_file:
        values.update(read_config_file(args.config_file))
    for f in fields(TrainConfig):
        given = getattr(args, f.name)
        if given is not None:
            values[f.name] = given
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
    shown = {"r2_hz": m.r2_hz, "r2_zh": m.r2_zh, "mcc": m.mcc, "orth_err": m.orth_err,
             "procrustes_mse": m.procrustes_mse, "epsilon": m.epsilon, "delta": m.delta, "D": m.D,
             "bound": m.bound, "bound_holds": m.bound_holds, "steps_per_s": m.steps_per_s}
    # standard JSON on stdout: a non-finite number is written as the string "nan", "inf" or "-inf"
    print(json.dumps(json_safe({"status": result.status, "out": args.out, "wall_time": round(result.wall_time, 2),
                                **shown}), indent=2, allow_nan=False))
    return 0
