"""What runs inside a submitit job: train one config and store its record, whatever happens.

A run that raises is recorded as ``failed`` with its error and traceback; a run whose loss
went NaN/inf (``validation.trainer.TrainingDiverged``) is recorded as ``diverged`` with the
trainer's own record. A killed process leaves no record at all (writes are atomic), so the
next sweep runs it again.

The local backend starts ``jobs`` long-lived workers rather than one process per run: each
process pays the torch import once, then takes runs from the shared list by creating a claim
file with ``O_CREAT | O_EXCL`` (exactly one worker wins each run). Claims live in a folder of
their own per sweep invocation, so the claims of a killed sweep never block a resumed one.
"""

from __future__ import annotations

import os
import platform
import signal
import socket
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from lejepa_verify.validation.sweep import store

# run functions take a TrainConfig and return a TrainResult (or a dict record)
Runner = Callable[[Any], Any]
ARRAYS_DIR = "arrays"


def limit_threads(threads: int) -> None:
    """Pin the math libraries to ``threads`` threads, so ``jobs`` workers share the cores fairly."""
    # set before torch/numpy are first imported in this process: they read these at import
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ[var] = str(threads)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)


def _default_runner(config: Any, arrays_dir: Path | None = None) -> Any:
    from lejepa_verify.validation.trainer import train

    if arrays_dir is None:
        return train(config, progress=False)
    return train(config, progress=False, out=arrays_dir, save_arrays=True)


def _as_record(result: Any) -> dict:
    if hasattr(result, "to_dict"):
        return dict(result.to_dict())
    if isinstance(result, Mapping):
        return dict(result)
    raise TypeError(f"a run function must return a TrainResult or a mapping, got {type(result).__name__}")


def _diverged_class():
    # an exception can only be a TrainingDiverged if the trainer was imported; not importing it
    # here spares a custom run function's failure the cost of importing torch
    trainer = sys.modules.get("lejepa_verify.validation.trainer")
    return getattr(trainer, "TrainingDiverged", None)


def execute(rid: str, config_dict: Mapping[str, Any], runner: Runner | None = None, *,
            out: str | None = None, save_arrays: bool = False) -> dict:
    """Run one config and return its record (never raises for a failing run).

    The record is the trainer's JSON record with ``run_id``, ``status``, ``error``, the
    canonical ``config`` (the dict the id was hashed from) and a ``sweep`` block (host, pid,
    start and end time, seconds including the config rebuild) added. With ``save_arrays``
    (default trainer only) the held-out arrays go to ``OUT/arrays/<run_id>/arrays.npz`` and
    the record's ``arrays`` field gives that path relative to ``OUT``.
    """
    from lejepa_verify.validation.config import TrainConfig

    started = time.time()
    t0 = time.perf_counter()
    error = None
    body: dict = {}
    from lejepa_verify.validation.io import OutOfSpace

    try:
        config = TrainConfig.from_dict(dict(config_dict))
        if runner is not None:
            result = runner(config)
        else:
            result = _default_runner(config, arrays_dir(out, rid) if save_arrays and out is not None else None)
        body = _as_record(result)
        status = store.OK
    except OutOfSpace:
        raise  # a full disk is not the run's failure: no record, so the resumed sweep runs it again
    except Exception as exc:  # noqa: BLE001 - a failing run is recorded, never raised
        diverged = _diverged_class()
        if diverged is not None and isinstance(exc, diverged):
            status = store.DIVERGED
            body = dict(getattr(exc, "record", None) or {})
        else:
            status = store.FAILED
        error = f"{type(exc).__name__}: {exc}"
        if status == store.FAILED:
            error += "\n" + "".join(traceback.format_exception(exc)[-6:])
    return _sweep_record(rid, config_dict, status, body, error, started, time.perf_counter() - t0,
                         out=out if save_arrays and runner is None else None)


def _sweep_record(rid: str, config_dict: Mapping[str, Any], status: str, body: Mapping[str, Any], error: str | None,
                  started: float, seconds: float, *, out: str | None = None) -> dict:
    """A store record: the trainer's ``body`` with the run id, status, error, the canonical config and
    the worker's ``sweep`` block; ``arrays`` where ``out`` is given and the run's arrays are there."""
    body = {k: v for k, v in body.items() if k not in ("run_id", "status")}
    record = {
        "run_id": rid,
        "status": status,
        "error": error,
        "config": dict(config_dict),
        **{k: v for k, v in body.items() if k not in ("config", "error")},
        "sweep": {
            "store_version": store.STORE_VERSION,
            "host": socket.gethostname(),
            "pid": os.getpid(),
            "python": platform.python_version(),
            "started": started,
            "finished": time.time(),
            "seconds": seconds,
        },
    }
    if out is not None:
        npz = arrays_dir(out, rid) / "arrays.npz"
        record["arrays"] = str(npz.relative_to(Path(out))) if npz.exists() else None
    if "config" in body and body["config"] != record["config"]:
        # the trainer's own view of the config (e.g. derived defaults) is kept alongside
        record["trainer_config"] = body["config"]
    return record


def execute_group(items: Sequence[tuple[str, Mapping[str, Any]]], runner: Runner | None = None, *,
                  out: str | None = None, save_arrays: bool = False) -> list[dict]:
    """The records of several runs of one shape, trained as one batched model
    (``validation.trainer.train_many``); each record is the one :func:`execute` would write, its
    ``sweep.seconds`` the run's share of the group's time. A custom run function, a single run, or
    a group that cannot be trained together (its configs do not build, or the batch fails as a
    whole) runs one at a time through :func:`execute`, each failure recorded with its run."""
    from lejepa_verify.validation.io import OutOfSpace

    if runner is not None or len(items) < 2:
        return [execute(rid, cfg, runner, out=out, save_arrays=save_arrays) for rid, cfg in items]
    from lejepa_verify.validation.config import TrainConfig
    from lejepa_verify.validation.trainer import train_many

    started = time.time()
    t0 = time.perf_counter()
    try:
        results = train_many([TrainConfig.from_dict(dict(cfg)) for _, cfg in items], progress=False)
    except OutOfSpace:
        raise
    except Exception:  # noqa: BLE001 - each run then gets its own attempt and its own record
        return [execute(rid, cfg, runner, out=out, save_arrays=save_arrays) for rid, cfg in items]
    share = (time.perf_counter() - t0) / len(items)
    records = []
    for (rid, cfg), res in zip(items, results):
        error = None
        if res.status != store.OK:
            # the text train's TrainingDiverged carries, as execute records it
            d = res.divergence
            error = ("TrainingDiverged: " + (f"diverged at step {d.step} of {res.config.steps}: {d.reason}"
                                             if d is not None else f"all {res.config.best_of} candidates diverged"))
        elif save_arrays and out is not None:
            _save_arrays(arrays_dir(out, rid), res.arrays)
        records.append(_sweep_record(rid, cfg, res.status, res.to_dict(), error, started, share,
                                     out=out if save_arrays else None))
    return records


def _save_arrays(folder: Path, arrays: Mapping[str, Any]) -> None:
    import io

    import numpy as np

    from lejepa_verify.validation.io import atomic_write_bytes

    buf = io.BytesIO()
    np.savez(buf, **arrays)
    atomic_write_bytes(folder / "arrays.npz", buf.getvalue())


def arrays_dir(out: str | os.PathLike, rid: str) -> Path:
    """The folder of the held-out arrays of run ``rid``: ``OUT/arrays/<rid>``."""
    return Path(out) / ARRAYS_DIR / rid


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie counts as dead; one we may not signal runs)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
        return stat[stat.rindex(b")") + 2:][:1] not in (b"Z", b"X")
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def _watch(pid: int, period: float = 0.25) -> None:
    """End this worker when the sweep that started it is gone.

    submitit's local controller outlives its parent by design; without this, a sweep killed
    with SIGKILL would leave workers training (and competing for the cores) behind it.
    """

    def loop() -> None:
        while True:
            time.sleep(period)
            if not process_alive(pid):
                os._exit(3)

    threading.Thread(target=loop, name="sweep-parent-watch", daemon=True).start()


def claim(claims_dir: Path, rid: str) -> bool:
    """Create ``claims_dir/rid`` exclusively; True for exactly one caller."""
    try:
        fd = os.open(claims_dir / rid, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return False
    except FileNotFoundError:
        # the sweep removed its claims folder: every run has its record, the session is over
        return False
    with os.fdopen(fd, "w") as fh:
        fh.write(f"{socket.gethostname()} {os.getpid()} {time.time()}\n")
    return True


def local_worker(out: str, claims_dir: str, units: Sequence[Sequence[tuple[str, dict]]], *, watch_pid: int | None,
                 threads: int, runner: Runner | None = None, save_arrays: bool = False) -> dict:
    """A local submitit job: claim and run units (groups of runs of one shape, trained as one batched
    model; a unit may hold one run) until none is left; returns what it ran.

    The sweep starts its workers with SIGINT ignored (a Ctrl-C meant for the sweep must not
    print their tracebacks) and stops them with SIGTERM, which submitit's job wrapper would
    only log: here it ends the process at once. The run in progress leaves no record (writes
    are atomic), so a resumed sweep runs it again.
    """
    signal.signal(signal.SIGTERM, lambda signum, frame: os._exit(128 + signum))
    if watch_pid is not None:
        _watch(watch_pid)
    limit_threads(threads)
    if runner is None:
        # pay the trainer's imports once, outside every run's own timing: torch, numerics, and
        # torch._dynamo, which torch imports lazily when the first optimiser is built
        import torch._dynamo  # noqa: F401

        import lejepa_verify.validation.trainer  # noqa: F401
    claims = Path(claims_dir)
    ran = []
    for unit in units:
        # a unit is claimed by its first run; its other runs are marked as running with it
        if not claim(claims, unit[0][0]):
            continue
        for rid, _ in unit[1:]:
            claim(claims, rid)
        for rec in execute_group(unit, runner, out=out, save_arrays=save_arrays):
            store.write_record(out, rec)
            ran.append(rec["run_id"])
    return {"pid": os.getpid(), "ran": ran}


def slurm_group_task(out: str, unit: Sequence[tuple[str, dict]], *, threads: int, runner: Runner | None = None,
                     save_arrays: bool = False) -> list[str]:
    """A SLURM array task for a group of runs of one shape (one batched model); runs another task
    already finished are left out."""
    todo = [(rid, cfg) for rid, cfg in unit
            if (rec := store.load_record(out, rid)) is None or rec["status"] != store.OK]
    limit_threads(threads)
    for rec in execute_group(todo, runner, out=out, save_arrays=save_arrays):
        store.write_record(out, rec)
    return [rid for rid, _ in unit]


def slurm_task(out: str, rid: str, cfg: dict, *, threads: int, runner: Runner | None = None,
               save_arrays: bool = False) -> str:
    """A SLURM array task: one run, one record. Skips a run another task already finished."""
    existing = store.load_record(out, rid)
    if existing is not None and existing["status"] == store.OK:
        return rid
    limit_threads(threads)
    store.write_record(out, execute(rid, cfg, runner, out=out, save_arrays=save_arrays))
    return rid
