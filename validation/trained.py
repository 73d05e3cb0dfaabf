"""Reload what a training run saved: the composed map ``h = f ∘ g`` as a numpy callable.

``validation.train(config, out=DIR, save_weights=True)`` writes ``DIR/record.json`` and
``DIR/weights.pt``; :func:`load_trained_map` rebuilds the mixing and the encoder from the
record's config, loads the weights and returns ``h`` for numerics (spectra, planning).
"""

from __future__ import annotations

from pathlib import Path

from lejepa_verify.validation.config import TrainConfig
from lejepa_verify.validation.trainer import RECORD_NAME, WEIGHTS_NAME, load_record, numpy_map, train


def load_trained_map(run_dir, *, device: str = "cpu"):
    """``(h, record)`` for the run saved in ``run_dir``; ``ValueError`` if it holds no finished run."""
    import torch

    from lejepa_verify.validation.trainer import build_models

    run_dir = Path(run_dir)
    for name in (RECORD_NAME, WEIGHTS_NAME):
        if not (run_dir / name).is_file():
            raise ValueError(f"run_dir {str(run_dir)!r} holds no {name}: train with out=run_dir, save_weights=True")
    record = load_record(run_dir / RECORD_NAME)
    if record.get("status") != "ok":
        raise ValueError(f"run_dir {str(run_dir)!r} holds a run with status {record.get('status')!r}, not 'ok'")
    config = TrainConfig.from_dict(record["config"])
    mixing, encoder = build_models(config, device)
    encoder.load_state_dict(torch.load(run_dir / WEIGHTS_NAME, map_location=device))
    encoder.eval()
    return numpy_map(encoder, mixing, config.n, device), record


def train_or_load(config: TrainConfig, run_dir, *, progress: bool = True):
    """The map of a run of ``config`` saved in ``run_dir``, training it first unless it is there already."""
    run_dir = Path(run_dir)
    try:
        h, record = load_trained_map(run_dir, device=config.device)
        if record.get("config") == config.to_dict():
            return h, record
    except ValueError:
        pass
    train(config, out=run_dir, save_weights=True, progress=progress)
    return load_trained_map(run_dir, device=config.device)
