"""The record of one run: one typed object, one writer and one reader of its JSON form.

A :class:`RunRecord` is what a run leaves: its status (``ok``, ``diverged`` or ``failed``), its
config, its metrics (:class:`~lejepa_verify.validation.run_metrics.RunMetrics`, for an ``ok``
run), how it diverged (:class:`Divergence`), its curves, the versions it ran with, its wall
time and threads; a record in a sweep's store adds the run id, the error of a failed run, the
worker's timing and where its arrays are. :meth:`RunRecord.to_dict` is the JSON written to
disk (the layout version 0.1.0 wrote: old readers and plain ``json.load`` keep working) and
:meth:`RunRecord.from_dict` the one reader; every reader of records (the sweep table, the
report sections, the paper tables, ``collect``, the CLI) reads the fields of a ``RunRecord``.

A stored config that this version cannot rebuild (a member it does not have) is kept as its
plain mapping in ``config_dict``; ``config`` is then ``None``.
"""

from __future__ import annotations

import importlib
import math
import platform
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from lejepa_verify.theory.claims import json_safe
from lejepa_verify.validation.run_metrics import RunMetrics

RECORD_NAME = "record.json"
ARRAYS_NAME = "arrays.npz"
WEIGHTS_NAME = "weights.pt"
CANDIDATES_DIR = "candidates"
#: about the size of a record (config, metrics, curves, spectrum), for the up-front space check
RECORD_BYTES = 64_000

OK = "ok"
FAILED = "failed"
DIVERGED = "diverged"
STATUSES = (OK, FAILED, DIVERGED)

#: the keys of a record's top level that this module reads into fields (anything else is kept in ``extra``)
_KNOWN = ("status", "seed", "wall_time", "steps_per_s", "threads", "config", "metrics", "curves", "versions",
          "run_id", "error", "sweep", "arrays", "trainer_config")


def versions(packages: tuple[str, ...] = ("numpy", "scipy", "torch")) -> dict[str, str]:
    """Versions of Python, of ``packages`` (those a run depends on by default) and of this package;
    a package that is not installed is reported as such."""
    out = {"python": platform.python_version()}
    for name in packages:
        try:
            out[name] = importlib.import_module(name).__version__
        except Exception:  # noqa: BLE001 - a missing optional package is reported, not raised
            out[name] = "not installed"
    try:
        from importlib.metadata import version

        out["lejepa-verify"] = version("lejepa-verify")
    except Exception:  # noqa: BLE001 - an uninstalled checkout still trains
        out["lejepa-verify"] = "not installed"
    return out


@dataclass(frozen=True)
class Divergence:
    """How a run stopped early.

    Attributes
    ----------
    step : int
        The step at which it was detected (``steps`` for final metrics that were not finite).
    reason : str
        One sentence: the loss became NaN, exceeded its limit, the embedding exploded ...
    values : dict
        The numbers that decided it (``loss``, ``scale``, or the non-finite final metrics).
    """

    step: int
    reason: str
    values: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The ``metrics`` block of a diverged record: ``diverged_at_step``, ``divergence`` and the values."""
        return {"diverged_at_step": self.step, "divergence": self.reason, **dict(self.values)}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Divergence | None":
        """From a diverged record's ``metrics``; ``None`` when it holds no step."""
        if not isinstance(d, Mapping) or "diverged_at_step" not in d:
            return None
        rest = {k: v for k, v in d.items() if k not in ("diverged_at_step", "divergence")}
        return cls(int(d["diverged_at_step"]), str(d.get("divergence") or ""), rest)


@dataclass(frozen=True)
class RunRecord:
    """One run's record (module docstring).

    Attributes
    ----------
    status : str
        ``"ok"``, ``"diverged"`` or ``"failed"``.
    config : TrainConfig or None
        The run's config (``None`` when the stored one cannot be rebuilt; see ``config_dict``).
    config_dict : dict
        The config as stored.
    metrics : RunMetrics or None
        Final metrics of an ``ok`` run.
    divergence : Divergence or None
        How a diverged run stopped.
    curves : dict[str, list]
        One entry per evaluation: ``step``, ``lr``, ``lam``, ``loss``, ``alignment``,
        ``regulariser``, ``r2_hz``, ``orth_err``.
    versions : dict[str, str]
        Python and package versions.
    wall_time, steps_per_s : float or None
        Seconds the run took, and its training speed.
    threads : int or None
        torch threads it ran on.
    seed : int or None
        The config's seed.
    run_id, error : str or None
        A store's id of the run, and the error of a failed one.
    sweep : dict or None
        The sweep worker's host, pid and timing.
    arrays : str or None
        Where a store keeps the run's held-out arrays (relative to the store).
    best_of : dict or None
        Best-of-K selection of a diverged run whose candidates all diverged.
    extra : dict
        Keys this version does not know (written by a newer one), kept and written back.
    """

    status: str
    config: Any
    config_dict: Mapping[str, Any]
    metrics: RunMetrics | None = None
    divergence: Divergence | None = None
    curves: Mapping[str, list] = field(default_factory=dict)
    versions: Mapping[str, str] = field(default_factory=dict)
    wall_time: float | None = None
    steps_per_s: float | None = None
    threads: int | None = None
    seed: int | None = None
    run_id: str | None = None
    error: str | None = None
    sweep: Mapping[str, Any] | None = None
    arrays: str | None = None
    trainer_config: Mapping[str, Any] | None = None
    best_of: Mapping[str, Any] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether the run finished with finite metrics."""
        return self.status == OK

    def metric(self, name: str) -> float:
        """The scalar metric ``name`` of a finished run; NaN when the run did not finish or lacks it."""
        if self.metrics is None:
            return math.nan
        v = getattr(self.metrics, name, None)
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else math.nan

    # ------------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        """The JSON record (the layout of version 0.1.0, plus the store's keys where set)."""
        if self.metrics is not None:
            metrics = self.metrics.to_dict()
        elif self.divergence is not None:
            metrics = self.divergence.to_dict()
        else:
            metrics = {}
        if self.best_of is not None and self.metrics is None:
            metrics["best_of"] = dict(self.best_of)
        out: dict[str, Any] = {}
        if self.run_id is not None:
            out["run_id"] = self.run_id
        out["status"] = self.status
        if self.run_id is not None:
            out["error"] = self.error
        out.update({"seed": self.seed, "wall_time": self.wall_time, "steps_per_s": self.steps_per_s,
                    "threads": self.threads, "config": dict(self.config_dict), "metrics": metrics,
                    "curves": dict(self.curves), "versions": dict(self.versions)})
        for key in ("sweep", "arrays", "trainer_config"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out.update(self.extra)
        return json_safe(out)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "RunRecord":
        """Read a record (of this version or an earlier one); ``ValueError`` when it is not one."""
        if not isinstance(d, Mapping) or d.get("status") not in STATUSES:
            raise ValueError(f"a run record needs a status in {STATUSES}, got {type(d).__name__}")
        from lejepa_verify.validation.config import TrainConfig

        config_dict = dict(d.get("config") or {})
        try:
            config = TrainConfig.from_dict(config_dict)
        except (ValueError, TypeError):
            config = None
        raw = d.get("metrics") or {}
        metrics = RunMetrics.from_dict(raw) if d["status"] == OK and "r2_hz" in raw else None
        divergence = Divergence.from_dict(raw) if d["status"] == DIVERGED else None
        best_of = raw.get("best_of") if metrics is None and isinstance(raw, Mapping) else None
        return cls(
            status=str(d["status"]), config=config, config_dict=config_dict, metrics=metrics,
            divergence=divergence, curves=dict(d.get("curves") or {}), versions=dict(d.get("versions") or {}),
            wall_time=_num(d.get("wall_time")), steps_per_s=_num(d.get("steps_per_s")),
            threads=d.get("threads"), seed=d.get("seed"), run_id=d.get("run_id"), error=d.get("error"),
            sweep=d.get("sweep"), arrays=d.get("arrays"), trainer_config=d.get("trainer_config"),
            best_of=best_of, extra={k: v for k, v in d.items() if k not in _KNOWN},
        )

    def write(self, path) -> Path:
        """Write atomically to ``path`` (a file, or a folder's ``record.json``)."""
        from lejepa_verify.validation.io import atomic_write_json

        p = Path(path)
        return atomic_write_json(p / RECORD_NAME if p.is_dir() else p, self.to_dict())

    @classmethod
    def read(cls, path) -> "RunRecord":
        """Read ``path`` (a ``record.json`` or the folder holding it); ``ValueError`` naming a bad file."""
        from lejepa_verify.validation.io import read_json_file

        p, data = read_json_file(path, RECORD_NAME, "run record")
        try:
            return cls.from_dict(data)
        except ValueError as exc:
            raise ValueError(f"{str(p)!r}: {exc}") from None


def _num(v: Any) -> float | None:
    if v is None or isinstance(v, bool):
        return None
    if isinstance(v, str) and v in ("nan", "inf", "-inf"):
        return float(v)
    return float(v) if isinstance(v, (int, float)) else None


class TrainingDiverged(RuntimeError):
    """A run diverged: the loss became NaN or inf or far exceeded its start, the embedding
    exploded, or a final metric was not finite (``validation.loop``). ``record`` is its JSON
    record (status ``"diverged"``), ``run_record`` the same as a :class:`RunRecord`."""

    def __init__(self, message: str, record: "RunRecord | Mapping[str, Any]"):
        super().__init__(message)
        self.run_record = record if isinstance(record, RunRecord) else None
        self.record = record.to_dict() if isinstance(record, RunRecord) else dict(record)

    def __reduce__(self):
        # raised in worker processes and unpickled in the sweep: keep the record
        return (TrainingDiverged, (str(self), self.record))


@dataclass(frozen=True)
class TrainResult:
    """The outcome of one finished run.

    ``metrics`` is a :class:`~lejepa_verify.validation.run_metrics.RunMetrics` (``R²`` both ways,
    MCC, orthogonality error, Procrustes error, ε, δ, D, the bound and their bootstrap
    uncertainty, the spectrum in Gaussian worlds); ``curves`` maps names to lists, one entry
    per evaluation; ``arrays`` (not part of the record) holds the held-out ``z, z_next, x, h, h_next``.
    """

    config: Any
    metrics: RunMetrics | None
    curves: Mapping[str, list]
    wall_time: float
    status: str
    versions: Mapping[str, str]
    threads: int
    arrays: Mapping[str, Any] | None = field(default=None, repr=False, compare=False)
    #: how a diverged run stopped (``train_many`` returns diverged runs; ``train`` raises them)
    divergence: Divergence | None = None
    best_of: Mapping[str, Any] | None = None

    @property
    def record(self) -> RunRecord:
        """This result as the record written to disk."""
        return RunRecord(status=self.status, config=self.config, config_dict=self.config.to_dict(),
                         metrics=self.metrics, divergence=self.divergence, curves=dict(self.curves),
                         versions=dict(self.versions), wall_time=self.wall_time,
                         steps_per_s=None if self.metrics is None else self.metrics.steps_per_s,
                         threads=self.threads, seed=self.config.seed, best_of=self.best_of)

    @classmethod
    def from_diverged(cls, exc: "TrainingDiverged") -> "TrainResult":
        """The result of a run that diverged, from its ``TrainingDiverged``."""
        rec = exc.run_record
        return cls(rec.config, None, dict(rec.curves), rec.wall_time, DIVERGED, dict(rec.versions), rec.threads,
                   divergence=rec.divergence, best_of=rec.best_of)

    def to_dict(self) -> dict:
        """The JSON record: config, final metrics, curves, versions, seed, wall time, status."""
        return self.record.to_dict()
