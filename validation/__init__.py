"""The empirical side: torch trainer, experiments and sweeps, figures, the report and the CLI.

``validation.TrainConfig`` and ``validation.train`` are looked up lazily so that the CLI
starts without importing torch.
"""

from __future__ import annotations

import importlib

# a submodule must not share its name with a function exported here (``validation.train``)
_SUBMODULES = ("config", "trainer", "sweep")


def __getattr__(name: str):
    if name.startswith("_"):
        raise AttributeError(name)
    for sub in _SUBMODULES:
        try:
            mod = importlib.import_module(f"validation.{sub}")
        except ModuleNotFoundError as exc:
            if exc.name == f"validation.{sub}":
                continue
            raise
        if hasattr(mod, name) and name != sub:
            return getattr(mod, name)
    raise AttributeError(f"module 'validation' has no attribute {name!r}")
