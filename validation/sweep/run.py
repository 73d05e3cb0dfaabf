"""``run_sweep``: expand a sweep, skip what the store already holds, run the rest, report counts."""

from __future__ import annotations

import errno
import os
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from lejepa_verify.theory.validate import check_choice, check_int
from lejepa_verify.validation.io import OutOfSpace, atomic_write_json, ensure_writable_dir, folder_lock, free_bytes
from lejepa_verify.validation.sweep import backends, store
from lejepa_verify.validation.sweep.spec import PROFILES, SweepRun, SweepSpec, load_sweep


@dataclass(frozen=True)
class SweepResult:
    """What a sweep left in its store: every run's record in grid order, and the counts.

    ``counts`` holds ``total``, ``ok``, ``failed``, ``diverged`` (over all runs of the sweep),
    ``ran`` (runs executed by this call) and ``reused`` (records found in the store).
    """

    name: str
    profile: str
    out: str
    backend: str
    records: tuple[Mapping[str, Any], ...]
    counts: Mapping[str, int]
    wall_time: float
    points: tuple[Mapping[str, Any], ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when no run failed (a diverged run is a result, not an error)."""
        return self.counts.get(store.FAILED, 0) == 0

    def summary(self) -> str:
        """One line: the counts and the wall time (what the CLI prints; the records stay in the store)."""
        c = self.counts
        return (f"sweep {self.name} [{self.profile}]: {c['total']} runs: {c['ok']} ok, {c['failed']} failed, "
                f"{c['diverged']} diverged ({c['ran']} run now, {c['reused']} already in the store) "
                f"in {self.wall_time:.1f} s")

    def frame(self):
        """These records as a pandas DataFrame, one row per run (see :func:`collect`)."""
        from lejepa_verify.validation.sweep.table import records_frame

        return records_frame(self.records, sweeps={r["run_id"]: [self.name] for r in self.records})

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {
            "name": self.name,
            "profile": self.profile,
            "out": self.out,
            "backend": self.backend,
            "counts": dict(self.counts),
            "wall_time": self.wall_time,
            "run_ids": [r["run_id"] for r in self.records],
        }


def manifest_path(out: Path, spec: SweepSpec) -> Path:
    """Where the manifest of a sweep and profile is stored: ``OUT/manifests/<name>-<profile>.json``."""
    return out / store.MANIFESTS_DIR / f"{spec.name}-{spec.profile}.json"


def _write_manifest(out: Path, spec: SweepSpec, runs: list[SweepRun]) -> None:
    atomic_write_json(manifest_path(out, spec), {
        **spec.to_dict(),
        "runs": [{"run_id": r.run_id, "point": dict(r.point)} for r in runs],
    })


def _has_arrays(out: Path, rec: Mapping[str, Any]) -> bool:
    rel = rec.get("arrays")
    return isinstance(rel, str) and (out / rel).is_file()


def _cost(run: SweepRun) -> tuple:
    """Order for the workers: the longest runs first, so no worker is left alone at the end."""
    c = run.config
    return (-(getattr(c, "steps", 1) * getattr(c, "batch_size", 1)), -getattr(c, "n", 1), run.run_id)


def group_units(runs: list[SweepRun], jobs: int) -> list[list[SweepRun]]:
    """The pending runs as units of work: runs of one shape (``validation.many.shape_key``) together,
    in at most ``MAX_BATCH`` runs per unit, and a group split into ``jobs`` units where it is
    large enough, so that every worker has work; the longest units first."""
    from lejepa_verify.validation.many import MAX_BATCH, shape_key

    groups: dict[tuple, list[SweepRun]] = {}
    for r in sorted(runs, key=_cost):
        groups.setdefault(shape_key(r.config), []).append(r)
    units = []
    for group in groups.values():
        parts = max(-(-len(group) // MAX_BATCH), min(jobs, len(group)))
        units += [group[k::parts] for k in range(parts)]
    return sorted(units, key=lambda u: sum(_cost(r)[0] for r in u))


def run_sweep(spec_or_path: str | os.PathLike | Mapping[str, Any] | SweepSpec, out: str | os.PathLike, *,
              backend: str = "local", jobs: int | None = None, retry_failed: bool = False,
              progress: bool = True, profile: str = "quick",
              slurm: backends.SlurmOptions | None = None, save_arrays: bool = False,
              runner=None) -> SweepResult:
    """Run every run of a sweep that the store in ``out`` does not hold yet.

    ``spec_or_path``: a config file, a shipped sweep's name (``validation/sweeps/*.toml``), a
    parsed mapping or a :class:`SweepSpec`. Before any run starts, every run's TrainConfig is
    built (an unknown key or value raises ``ValueError``), ``--backend slurm`` checks that SLURM
    is reachable, and ``out`` is proved writable. Completed runs are skipped; runs recorded as
    ``failed`` or ``diverged`` are skipped too unless ``retry_failed``. ``jobs`` local worker
    processes run in parallel (default: the number of cores). ``runner`` replaces
    ``validation.trainer.train`` (a picklable function of a TrainConfig) for custom experiments.
    ``save_arrays`` keeps each new run's held-out arrays (``z, x, h`` ...) in
    ``OUT/arrays/<run_id>/arrays.npz`` (the record's ``arrays`` field), e.g. for 2D panels; a
    stored run without its arrays is then run again.
    """
    t0 = time.perf_counter()
    check_choice(backend, "backend", backends.BACKENDS)
    check_choice(profile, "profile", PROFILES)
    if jobs is None:
        jobs = backends.available_cores()
    jobs = check_int(jobs, "jobs", lo=1)
    if slurm is not None and backend != "slurm":
        raise ValueError(f"slurm options were given with backend {backend!r}; they need backend 'slurm'")
    slurm = slurm if slurm is not None else backends.SlurmOptions()

    spec = load_sweep(spec_or_path, profile=profile)
    runs = spec.runs()
    if backend == "slurm":
        backends.check_slurm_available()
    out_path = ensure_writable_dir(out, "out", needed=_space_needed(Path(out), runs, retry_failed, save_arrays)).resolve()
    # one sweep at a time in a folder: a second one would train every run a second time
    with folder_lock(out_path / store.HIDDEN_DIR / LOCK_NAME, "sweep", out_path):
        return _run_locked(spec, runs, out_path, t0=t0, backend=backend, jobs=jobs, retry_failed=retry_failed,
                           progress=progress, slurm=slurm, save_arrays=save_arrays, runner=runner)


LOCK_NAME = "lock"


def _space_needed(out: Path, runs: list[SweepRun], retry_failed: bool, save_arrays: bool) -> int:
    """About the bytes the runs still to do will write (a read-only look at the store)."""
    todo = 0
    for r in runs:
        rec = store.load_record(out, r.run_id) if out.is_dir() else None
        todo += rec is None or (retry_failed and rec["status"] in store.RETRYABLE)
    return todo * store.RECORD_BYTES * (4 if save_arrays else 1)


def _run_locked(spec: SweepSpec, runs: list[SweepRun], out_path: Path, *, t0: float, backend: str, jobs: int,
                retry_failed: bool, progress: bool, slurm: backends.SlurmOptions, save_arrays: bool,
                runner) -> SweepResult:
    store.remove_stale_temporaries(out_path)
    _write_manifest(out_path, spec, runs)
    pending: list[SweepRun] = []
    reused = 0
    failed_before = 0
    for r in runs:
        rec = store.load_record(out_path, r.run_id)
        if rec is None or (retry_failed and rec["status"] in store.RETRYABLE) or \
                (save_arrays and runner is None and rec["status"] == store.OK and not _has_arrays(out_path, rec)):
            pending.append(r)
        else:
            reused += 1
            failed_before += rec["status"] != store.OK

    if pending:
        _execute(spec, out_path, pending, total=len(runs), done_before=reused, failed_before=failed_before,
                 backend=backend, jobs=jobs,
                 slurm=slurm, progress=progress, runner=runner, save_arrays=save_arrays)

    records = []
    for r in runs:
        rec = store.load_record(out_path, r.run_id)
        if rec is None:
            raise RuntimeError(f"run {r.run_id} of sweep {spec.name!r} has no record after the sweep ended")
        records.append(rec)
    counts = {"total": len(runs), store.OK: 0, store.FAILED: 0, store.DIVERGED: 0,
              "ran": len(pending), "reused": reused}
    for rec in records:
        counts[rec["status"]] += 1
    return SweepResult(name=spec.name, profile=spec.profile, out=str(out_path), backend=backend,
                       records=tuple(records), counts=counts, wall_time=time.perf_counter() - t0,
                       points=tuple(dict(r.point) for r in runs))


def _execute(spec: SweepSpec, out: Path, pending: list[SweepRun], *, total: int, done_before: int,
             failed_before: int, backend: str,
             jobs: int, slurm: backends.SlurmOptions, progress: bool, runner, save_arrays: bool) -> None:
    from tqdm.auto import tqdm

    session = out / store.HIDDEN_DIR / f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    session.mkdir(parents=True, exist_ok=True)
    items = [(r.run_id, store.config_dict(r.config)) for r in sorted(pending, key=_cost)]
    # runs of one shape are trained as one batched model (validation.many); a custom run function's alone
    units = ([[(r.run_id, store.config_dict(r.config)) for r in unit] for unit in group_units(pending, jobs)]
             if runner is None else None)
    bar = tqdm(total=total, initial=done_before, desc=f"sweep {spec.name} [{spec.profile}]", unit="run",
               file=sys.stderr, disable=not progress, dynamic_ncols=True, smoothing=0.0, mininterval=1.0)
    shown = [""]

    def on_poll(monitor: backends.Monitor, running: int) -> None:
        n_done = len(monitor.finished)
        failed = failed_before + sum(1 for s in monitor.finished.values() if s != store.OK)
        postfix = f"done={n_done + done_before} running={running} failed={failed}"
        if postfix != shown[0]:
            shown[0] = postfix
            bar.set_postfix_str(postfix, refresh=False)
        # update(0) redraws at most once per mininterval: elapsed time and ETA keep ticking
        bar.update(max(0, n_done + done_before - bar.n))

    try:
        if backend == "local":
            backends.run_local(out, session, items, jobs=jobs, runner=runner, on_poll=on_poll,
                               save_arrays=save_arrays, units=units)
        else:
            backends.run_slurm(out, session, items, options=slurm, job_name=f"lejepa-{spec.name}",
                               runner=runner, on_poll=on_poll, save_arrays=save_arrays, units=units)
    except OSError as exc:
        # submitit's pickles and logs are written without our atomic writer: name the folder
        if isinstance(exc, OutOfSpace) or exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        raise OutOfSpace(str(out), None, free_bytes(out)) from None
    finally:
        bar.close()
