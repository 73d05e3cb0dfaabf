"""Reload what a training run saved: the composed map ``h = f ∘ g`` as a numpy callable.

``validation.train(config, out=DIR, save_weights=True)`` writes ``DIR/record.json`` and
``DIR/weights.pt``; :func:`load_trained_map` rebuilds the mixing and the encoder from the
record's config, loads the weights and returns ``h`` for numerics (spectra, planning).
:func:`train_or_load` reuses such a folder when it holds a finished run of the same config
(the same run id) whose weights load, and trains again otherwise: a folder with a corrupt,
empty or mismatched ``weights.pt``, a diverged run or another config is replaced, not an error.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from lejepa_verify.validation.config import TrainConfig
from lejepa_verify.validation.record import RECORD_NAME, WEIGHTS_NAME, RunRecord
from lejepa_verify.validation.trainer import numpy_map, train


def load_trained_map(run_dir, *, device: str = "cpu"):
    """``(h, record)`` for the run saved in ``run_dir`` (``record`` its JSON record as plain data);
    ``ValueError`` naming the problem if it holds no finished run with loadable weights."""
    import torch

    from lejepa_verify.validation.fit import build_models

    run_dir = Path(run_dir)
    for name in (RECORD_NAME, WEIGHTS_NAME):
        if not (run_dir / name).is_file():
            raise ValueError(f"run_dir {str(run_dir)!r} holds no {name}: train with out=run_dir, save_weights=True")
    record = RunRecord.read(run_dir)
    if not record.ok:
        raise ValueError(f"run_dir {str(run_dir)!r} holds a run with status {record.status!r}, not 'ok'")
    if record.config is None:
        raise ValueError(f"run_dir {str(run_dir)!r} holds a record whose config this version cannot rebuild")
    mixing, encoder = build_models(record.config, device)
    try:
        state = torch.load(run_dir / WEIGHTS_NAME, map_location=device, weights_only=True)
        encoder.load_state_dict(state)
    except (OSError, RuntimeError, ValueError, EOFError, KeyError, TypeError, AttributeError,
            pickle.UnpicklingError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"run_dir {str(run_dir)!r}: {WEIGHTS_NAME} does not load into the {record.config.encoder} "
                         f"encoder of its record ({detail})") from None
    encoder.eval()
    return numpy_map(encoder, mixing, record.config.n, device), record.to_dict()


def train_or_load(config: TrainConfig, run_dir, *, progress: bool = True):
    """The map of a run of ``config`` saved in ``run_dir``, training it first unless a finished run of
    the same config (the same run id) with loadable weights is there already."""
    from lejepa_verify.validation.sweep.store import run_id

    run_dir = Path(run_dir)
    try:
        h, record = load_trained_map(run_dir, device=config.device)
        if run_id(record["config"]) == run_id(config):
            return h, record
    except ValueError:
        pass
    train(config, out=run_dir, save_weights=True, progress=progress)
    return load_trained_map(run_dir, device=config.device)
