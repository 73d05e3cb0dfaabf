"""The empirical side: torch trainer, experiments and sweeps, figures, the report and the CLI.

``validation.TrainConfig``, ``validation.train``, ``validation.run_sweep``, ``validation.collect``
and ``validation.load_trained_map`` are imported on first use, so the CLI starts without torch.
"""

from __future__ import annotations

import importlib

# a submodule must not share its name with an export (``validation.train`` is the function)
_EXPORTS = {
    "TrainConfig": "config",
    "train": "trainer", "TrainResult": "trainer", "TrainingDiverged": "trainer",
    "run_sweep": "sweep", "collect": "sweep", "SweepResult": "sweep",
    "load_trained_map": "trained",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    sub = _EXPORTS.get(name)
    if sub is None:
        raise AttributeError(f"module 'validation' has no attribute {name!r}")
    return getattr(importlib.import_module(f"validation.{sub}"), name)


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
