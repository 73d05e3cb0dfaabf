"""`lejepa-verify evaluate`: measure an encoder trained elsewhere in a world of this package.

``--encoder`` names the encoder: ``package.module:attr`` (importable; the current folder is
searched first), ``path/to/file.py:attr`` (a Python file), a TorchScript file saved with ``torch.jit.save``
(``model.pt``), or a program saved with ``torch.export.save`` (``model.pt2``, its batch dimension
exported as dynamic). ``attr`` may be dotted (``models:bank.encoder``) and must be the
encoder itself (a module instance or a function), not a class. The world is given by the
train command's world and measurement options (``--mixing``, ``--n``, ``--m``, ``--rho``,
``--latent``, ``--latent-params``, ``--transition``, ``--pairs``, ``--mixing-seed``,
``--n-bootstrap``, ``--spectrum-degree``, ``--seed`` and the mixing's and pair source's own
options), or ``--config FILE`` (a JSON config; training settings in it are not read). The
metrics go to stdout as JSON (``validation.evaluate``, docs/guide.md "Evaluating your own
encoder"), and with ``--out FILE`` to a file as well.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sys
from pathlib import Path

NAME = "evaluate"
HELP = ("measure your own encoder (module:attr, file.py:attr, a TorchScript or torch.export file) on "
        "fresh held-out pairs of a world and print its metrics as JSON")

#: core settings evaluate does not read (training's): not offered here
_NOT_READ = ("encoder", "objective", "lam", "lam_start", "lam_ramp_start", "lam_ramp_end", "steps",
             "batch_size", "lr", "weight_decay", "schedule", "eval_every", "best_of", "device", "threads")
#: members whose options describe the world (the others' options describe the learner)
_WORLD_ROLES = ("mixing", "pairs")


def world_options() -> dict:
    """The declared settings this command offers: the core world and measurement settings and the
    options of the mixings and pair sources, by name."""
    from lejepa_verify.validation.config import CORE, declared_options, option_owners

    owners = option_owners()
    out = {}
    for name, opt in declared_options().items():
        if name in CORE:
            if name not in _NOT_READ:
                out[name] = opt
        elif any(owner.split(" ", 1)[0] in _WORLD_ROLES for owner in owners.get(name, [])):
            out[name] = opt
    return out


def add_arguments(p) -> None:
    from lejepa_verify.validation.commands._options import add_option_arguments
    from lejepa_verify.validation.config import option_owners

    p.add_argument("--encoder", dest="encoder_spec", required=True, metavar="SPEC",
                   help="module:attr, path/file.py:attr, a TorchScript file (torch.jit.save) or a "
                        "torch.export file (.pt2)")
    p.add_argument("--config", dest="config_file", help="JSON file with config fields (options override it)")
    p.add_argument("--n-pairs", type=int, default=None, help="held-out pairs to draw (default: --eval-size)")
    p.add_argument("--eval-seed", type=int, default=0, help="seed of the held-out pairs (default 0)")
    p.add_argument("--out", default=None, help="also write the metrics JSON to this file")
    owners = {name: ", ".join(o for o in who if o.split(" ", 1)[0] in _WORLD_ROLES)
              for name, who in option_owners().items()}
    add_option_arguments(p, world_options(), owners)


def load_encoder(spec: str):
    """The encoder ``spec`` names (module docstring); ``ValueError`` naming ``--encoder`` otherwise."""
    if not isinstance(spec, str) or not spec.strip():
        raise ValueError(f"--encoder must be module:attr, file.py:attr or a TorchScript file, got {spec!r}")
    module_part, sep, attr = spec.rpartition(":")
    if sep and module_part and attr and not Path(spec).is_file():
        return _attribute(_module(module_part, spec), attr, spec)
    return _saved_model(spec)


def _module(name: str, spec: str):
    if name.endswith(".py"):
        path = Path(name)
        if not path.is_file():
            raise ValueError(f"--encoder {spec!r}: no Python file {name!r}")
        mod_name = f"_lejepa_user_encoder_{abs(hash(str(path.resolve())))}"
        loader_spec = importlib.util.spec_from_file_location(mod_name, path)
        module = importlib.util.module_from_spec(loader_spec)
        sys.modules[mod_name] = module
        try:
            loader_spec.loader.exec_module(module)
        except Exception as exc:
            sys.modules.pop(mod_name, None)
            raise ValueError(f"--encoder {spec!r}: importing {name!r} failed ({type(exc).__name__}: {exc})") from exc
        return module
    # a console script does not search the current folder; a user's model module usually lives there
    cwd = os.getcwd()
    if cwd not in sys.path:
        sys.path.insert(0, cwd)
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        raise ValueError(f"--encoder {spec!r}: no module {exc.name!r} (searched the current folder and "
                         "the installed packages)") from exc
    except Exception as exc:
        raise ValueError(f"--encoder {spec!r}: importing {name!r} failed ({type(exc).__name__}: {exc})") from exc


def _attribute(module, attr: str, spec: str):
    obj = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise ValueError(f"--encoder {spec!r}: {getattr(obj, '__name__', type(obj).__name__)!s} has no "
                             f"attribute {part!r}")
        obj = getattr(obj, part)
    return obj


def _saved_model(path: str):
    import torch

    if not Path(path).is_file():
        raise ValueError(f"--encoder {path!r} is neither module:attr nor an existing TorchScript file")
    exported = path.endswith(".pt2")
    try:
        if exported:
            return torch.export.load(path).module()
        return torch.jit.load(path, map_location="cpu")
    except Exception as exc:  # noqa: BLE001 - any failure to read the file is the user's file's
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        reader = "torch.export.load" if exported else "torch.jit.load"
        raise ValueError(f"--encoder {path!r} is not a file {reader} can read ({first})") from None


def build_config(args):
    """The ``TrainConfig`` of the world the options name (the config's own encoder is one that
    accepts the world's observations, so that it validates; evaluate never builds it)."""
    from lejepa_verify.validation.commands.train import read_config_file
    from lejepa_verify.validation.config import CORE, TrainConfig, member

    values = {}
    if args.config_file:
        values.update(read_config_file(args.config_file))
    for name in world_options():
        given = getattr(args, name)
        if given is not None:
            values[name] = given
    if "encoder" not in values:
        mixing = member("mixing", values.get("mixing", CORE["mixing"].default))
        shape = mixing.obs_shape(values.get("n", CORE["n"].default))
        values["encoder"] = "cnn" if len(shape) == 3 else "mlp"
    return TrainConfig.from_dict(values)


def run(args) -> int:
    from lejepa_verify.theory.claims import json_safe
    from lejepa_verify.validation.user_encoder import evaluate

    config = build_config(args)
    encoder = load_encoder(args.encoder_spec)
    metrics = evaluate(encoder, config, n_pairs=args.n_pairs, seed=args.eval_seed)
    text = json.dumps(json_safe({"encoder": args.encoder_spec, "world": {k: getattr(config, k) for k in
                                 ("mixing", "latent", "transition", "n", "m", "rho", "pairs")},
                                 "metrics": metrics.to_dict()}), indent=2, allow_nan=False)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0
