"""The side-by-side sweeps' runs as the paper tables and the scorecard read them.

Every run a sweep lists (``validation/sweeps/paper_*.toml`` at a profile, with the overrides a
report applied) is a :class:`Cell`: its config and, when the store holds it, its
:class:`~lejepa_verify.validation.record.RunRecord`. A run not in the store is a cell that says
"not run"; a failed one keeps its reason; an unreadable record is a failed cell naming the file.
:class:`Evidence` gathers what the tables and the scorecard measure from: the cells of each
sweep, the stores of the other profiles (where a longer run may have tested a cause), the
mixing's fingerprint and the pixel section's runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Sequence

#: where ``lejepa-verify paper`` and the report keep the side-by-side stores, under their folder
SWEEP_DIR = "sweeps"
#: the side-by-side sweeps, in the order the tables appear
SWEEPS = ("paper_scaling", "paper_scaling_objectives", "paper_alpha", "paper_2d", "paper_grid", "paper_channel")
#: their training length (App. H.4: 20 000 steps, batch 256, every synthetic experiment)
THEIR_STEPS = 20000
THEIR_BATCH = 256
NOT_RUN = "not run"


def store_dir(out: Path, name: str, profile: str) -> Path:
    """Where the runs of sweep ``name`` at ``profile`` are stored under ``out``."""
    return Path(out) / SWEEP_DIR / f"{name}-{profile}"


def their_best_of(config) -> int:
    """Their number of restarts per (n, seed): ``K = 3`` for ``n ≤ 32`` in the scaling experiment
    (their coupling world), 1 elsewhere (App. H.9)."""
    return 3 if config.mixing == "authors_coupling" and config.n <= 32 and config.encoder == "matched" \
        and config.mixing_layers == 4 else 1


@dataclass(frozen=True)
class Cell:
    """One expected run: its sweep, config and id, and its record when the store holds it.

    Attributes
    ----------
    sweep : str
        The sweep that lists it.
    config : TrainConfig
        The run's config.
    run_id : str
        Its id in the store.
    store : Path
        The store that was read.
    record : RunRecord or None
        What the store holds (``None``: not run).
    unreadable : str
        Why the stored record could not be read ("" when it could, or when there is none).
    """

    sweep: str
    config: Any
    run_id: str
    store: Path
    record: Any = None
    unreadable: str = ""

    @property
    def status(self) -> str:
        """``ok``, ``failed``, ``diverged`` or ``not run`` (an unreadable record is ``failed``)."""
        if self.unreadable:
            return "failed"
        return NOT_RUN if self.record is None else self.record.status

    @property
    def ok(self) -> bool:
        """Whether the run finished with metrics."""
        return self.record is not None and self.record.ok and self.record.metrics is not None

    @property
    def reason(self) -> str:
        """Why there is no value: the error of a failed run, how a run diverged, or where it was looked for."""
        if self.unreadable:
            return self.unreadable
        if self.record is None:
            return f"not in {self.store}"
        if self.record.error:
            return str(self.record.error)
        if self.record.divergence is not None:
            return f"diverged at step {self.record.divergence.step}: {self.record.divergence.reason}"
        return ""

    @property
    def wall_time(self) -> float | None:
        """The run's wall time in seconds, when stored."""
        return None if self.record is None else self.record.wall_time

    def metric(self, name: str) -> float:
        """The metric ``name`` of a finished run (a field of ``RunMetrics``); NaN otherwise."""
        return self.record.metric(name) if self.ok else math.nan

    def final_curve(self, name: str) -> float:
        """The last point of the training curve ``name`` (``alignment``, ``regulariser``, ``loss``:
        means over the last evaluation window of training batches); NaN when absent."""
        if not self.ok:
            return math.nan
        values = self.record.curves.get(name) or []
        try:
            return float(values[-1])
        except (IndexError, TypeError, ValueError):
            return math.nan

    def ref(self) -> dict:
        """What the scorecard says about the run that measured a number: where, which, how long."""
        c = self.config
        return {"sweep": self.sweep, "store": str(self.store), "run_id": self.run_id, "status": self.status,
                "steps": c.steps, "batch_size": c.batch_size, "best_of": c.best_of, "seed": c.seed,
                "wall_time": self.wall_time, **({"reason": self.reason} if self.status != "ok" else {})}


def read_cell(sweep: str, run, where: Path) -> Cell:
    """The :class:`Cell` of ``run`` (a ``SweepRun``) in the store ``where``."""
    from lejepa_verify.validation.record import RunRecord
    from lejepa_verify.validation.sweep import store

    if not where.is_dir():
        return Cell(sweep, run.config, run.run_id, where)
    try:
        raw = store.load_record(where, run.run_id)
        rec = None if raw is None else RunRecord.from_dict(raw)
    except ValueError as exc:
        return Cell(sweep, run.config, run.run_id, where, unreadable=f"unreadable record: {exc}")
    return Cell(sweep, run.config, run.run_id, where, rec)


def cells_of(spec, out: Path, runs=None) -> list[Cell]:
    """Every run of the resolved sweep ``spec`` (its ``runs``, when already expanded) with what its
    store under ``out`` holds of it."""
    where = store_dir(out, spec.name, spec.profile)
    return [read_cell(spec.name, run, where) for run in (spec.runs() if runs is None else runs)]


def cells(name: str, profile: str, out: Path) -> list[Cell]:
    """Every run of the shipped sweep ``name`` at ``profile`` with what the store in ``out`` holds of it."""
    from lejepa_verify.validation.sweep import load_sweep

    return cells_of(load_sweep(name, profile=profile), out)


def mean_std(values: Sequence[float]) -> tuple[float, float]:
    """Mean and standard deviation (ddof 1; NaN for one value) of the finite ``values``; NaN, NaN when none."""
    v = [x for x in values if math.isfinite(x)]
    if not v:
        return math.nan, math.nan
    mean = sum(v) / len(v)
    if len(v) == 1:
        return mean, math.nan
    return mean, math.sqrt(sum((x - mean) ** 2 for x in v) / (len(v) - 1))


@dataclass
class Evidence:
    """What the paper tables and the scorecard are measured from (module docstring).

    Attributes
    ----------
    out : Path
        The folder holding ``sweeps/`` (and, for a report, ``pixels/``).
    profile : str
        The profile whose stores are read.
    specs : dict[str, SweepSpec]
        The sweeps as they were run (overrides applied), by name.
    fingerprint_max_n : int
        The largest ``n`` at which the mixing's fingerprint is computed (0: none).
    applied : tuple[str, ...]
        Sentences saying what the report's overrides replaced.
    runs : dict[str, list[SweepRun]]
        The sweeps' runs where already expanded (expanding builds every config: seconds).
    """

    out: Path
    profile: str
    specs: Mapping[str, Any]
    fingerprint_max_n: int = 1024
    applied: tuple = ()
    runs: Mapping[str, Any] = field(default_factory=dict)
    _cells: dict = field(default_factory=dict, repr=False)
    _fingerprints: dict = field(default_factory=dict, repr=False)
    _pixels: Any = field(default=None, repr=False)

    def cells(self, sweep: str) -> list[Cell]:
        """The cells of ``sweep`` at this profile; empty when the sweep is not part of this page."""
        if sweep not in self.specs:
            return []
        if sweep not in self._cells:
            self._cells[sweep] = cells_of(self.specs[sweep], self.out, self.runs.get(sweep))
        return self._cells[sweep]

    def find(self, sweep: str, **where) -> list[Cell]:
        """The cells of ``sweep`` whose config has every ``field = value`` of ``where`` (dotted
        ``latent_params.alpha`` reads a mapping's entry)."""
        def value(config, key):
            if key.startswith("latent_params."):
                return config.latent_params.get(key.split(".", 1)[1])
            return getattr(config, key)

        return [c for c in self.cells(sweep) if all(_same(value(c.config, k), v) for k, v in where.items())]

    def elsewhere(self, cell: Cell, **settings) -> Cell | None:
        """The run of ``cell``'s config with ``settings`` changed (e.g. their step count), looked up in
        this sweep's store of every profile; ``None`` when no store holds it."""
        from lejepa_verify.validation.sweep import PROFILES, store
        from lejepa_verify.validation.sweep.spec import SweepRun

        try:
            config = cell.config.replace(**settings)
        except ValueError:
            return None
        rid = store.run_id(config)
        if rid == cell.run_id:
            return None
        for profile in PROFILES:
            where = store_dir(self.out, cell.sweep, profile)
            if where.is_dir() and store.record_path(where, rid).is_file():
                return read_cell(cell.sweep, SweepRun(rid, config, {}), where)
        return None

    def fingerprint(self, n: int):
        """The mixing's :class:`~.fingerprint.Fingerprint` at ``n`` (computed once), or ``None``
        above ``fingerprint_max_n``."""
        from lejepa_verify.validation.paper.fingerprint import fingerprint_both

        if n > self.fingerprint_max_n:
            return None
        if n not in self._fingerprints:
            self._fingerprints[n] = fingerprint_both(n)
        return self._fingerprints[n]

    def pixels(self):
        """The pixel section's runs under ``out/pixels`` (:class:`~.pixel_runs.PixelRuns`)."""
        from lejepa_verify.validation.paper.pixel_runs import read_pixel_runs

        if self._pixels is None:
            self._pixels = read_pixel_runs(self.out)
        return self._pixels


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        try:
            return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=0.0)
        except (TypeError, ValueError):
            return False
    return a == b
