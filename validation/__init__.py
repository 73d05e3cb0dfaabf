"""The empirical side: torch trainer, experiments and sweeps, figures, the report and the CLI.

``validation.TrainConfig``, ``validation.train``, ``validation.train_many``, ``validation.run_sweep``, ``validation.collect``
and ``validation.load_trained_map`` are imported on first use, so the CLI starts without torch.
"""

from __future__ import annotations

from lejepa_verify.theory.lazy import lazy_exports

# a submodule must not share its name with an export (``validation.train`` is the function)
_EXPORTS = {
    "TrainConfig": "config",
    "train": "trainer", "TrainResult": "trainer", "TrainingDiverged": "trainer", "train_many": "trainer",
    "run_sweep": "sweep", "collect": "sweep", "SweepResult": "sweep",
    "load_trained_map": "trained",
    "evaluate": "user_encoder",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
