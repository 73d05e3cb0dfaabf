"""Sweeps that resume and scale out: a grid of training runs, a results store, submitit backends.

    from lejepa_verify.validation.sweep import run_sweep, collect
    result = run_sweep("mixings_2d", "out/mixings", jobs=2)   # a shipped sweep, or a TOML/YAML path
    df = collect("out")                                        # one row per run: config and metrics

See :mod:`validation.sweep.spec` for the config schema, :mod:`validation.sweep.store` for the
store's layout and run ids, :mod:`validation.sweep.backends` for the local and SLURM backends.
"""

from lejepa_verify.validation.sweep.backends import BACKENDS, SlurmOptions, check_slurm_available
from lejepa_verify.validation.sweep.run import SweepResult, run_sweep
from lejepa_verify.validation.sweep.spec import PROFILES, SweepRun, SweepSpec, expand, load_sweep, shipped_sweeps
from lejepa_verify.validation.sweep.store import canonical_json, run_id
from lejepa_verify.validation.sweep.table import collect, write_csv

__all__ = [
    "BACKENDS",
    "PROFILES",
    "SlurmOptions",
    "SweepResult",
    "SweepRun",
    "SweepSpec",
    "canonical_json",
    "check_slurm_available",
    "collect",
    "expand",
    "load_sweep",
    "run_id",
    "run_sweep",
    "shipped_sweeps",
    "write_csv",
]
