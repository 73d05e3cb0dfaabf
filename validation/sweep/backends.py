"""Where runs execute: local processes or a SLURM cluster, both through submitit.

Both backends write records straight into the store (``OUT/runs``); the driver watches the
store, not submitit's result pickles, to count runs done, so progress and resume read the
same truth. submitit's own files (pickles, logs, ``.submission_file`` scripts) go under
``OUT/.sweep/<session>/submitit/``, a hidden folder the store and ``collect`` never read.

A SLURM sweep submits each run once: ``OUT/.sweep/slurm/<run_id>.json`` says under which job
(and job name) a run is queued, written before ``sbatch`` and completed with the job id right
after it. A sweep run again after its submitter was killed adopts the runs whose tasks are
still in the queue (``squeue``) and waits for them; only a run whose task has left the queue
without a record is submitted again.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import signal
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from lejepa_verify.theory.validate import check_int, check_positive
from lejepa_verify.validation.sweep import store, worker

BACKENDS = ("local", "slurm")
POLL_SECONDS = 0.25
# submitit's local executor kills a job after `timeout_min` (default 2 minutes); a worker that
# trains many runs in a row must never be cut off by it
LOCAL_TIMEOUT_MIN = 7 * 24 * 60


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class SlurmOptions:
    """SLURM resources per run (one array task per run).

    ``time_min`` is the wall-clock limit of one run in minutes; ``array_parallelism`` caps how
    many array tasks run at once; ``mem_gb=None`` leaves memory to the cluster's default.
    """

    partition: str | None = None
    time_min: int = 60
    cpus_per_task: int = 2
    gpus_per_node: int = 0
    array_parallelism: int = 64
    mem_gb: float | None = None

    def __post_init__(self) -> None:
        if self.partition is not None and (not isinstance(self.partition, str) or not self.partition.strip()):
            raise ValueError(f"partition must be a non-empty string or None, got {self.partition!r}")
        check_int(self.time_min, "time_min", lo=1)
        check_int(self.cpus_per_task, "cpus_per_task", lo=1)
        check_int(self.gpus_per_node, "gpus_per_node", lo=0)
        check_int(self.array_parallelism, "array_parallelism", lo=1)
        if self.mem_gb is not None:
            check_positive(self.mem_gb, "mem_gb")

    def parameters(self) -> dict[str, Any]:
        """Keyword arguments for ``submitit.SlurmExecutor.update_parameters``."""
        params: dict[str, Any] = {
            "time": int(self.time_min),
            "cpus_per_task": int(self.cpus_per_task),
            "array_parallelism": int(self.array_parallelism),
        }
        if self.partition is not None:
            params["partition"] = self.partition
        if self.gpus_per_node:
            params["gpus_per_node"] = int(self.gpus_per_node)
        if self.mem_gb is not None:
            params["mem"] = f"{int(round(float(self.mem_gb) * 1024))}MB"
        return params

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {
            "partition": self.partition,
            "time_min": self.time_min,
            "cpus_per_task": self.cpus_per_task,
            "gpus_per_node": self.gpus_per_node,
            "array_parallelism": self.array_parallelism,
            "mem_gb": self.mem_gb,
        }


SLURM_COMMANDS = ("sbatch", "srun", "sacct", "squeue")


def check_slurm_available() -> None:
    """Raise ``ValueError`` saying plainly that no SLURM is reachable from here, and why."""
    missing = [c for c in SLURM_COMMANDS if shutil.which(c) is None]
    if missing:
        raise ValueError(
            "backend 'slurm' needs a SLURM cluster, but this machine cannot reach one: "
            f"{', '.join('`' + c + '`' for c in missing)} not found on PATH. Nothing was run. "
            "Run the sweep from a SLURM login node, or use --backend local."
        )


def slurm_executor(folder: Path, options: SlurmOptions, job_name: str):
    """A configured ``submitit.SlurmExecutor`` (needs ``srun`` on PATH, as submitit checks)."""
    import submitit

    ex = submitit.SlurmExecutor(folder=str(folder))
    ex.update_parameters(job_name=job_name, **options.parameters())
    return ex


class Monitor:
    """Watches the store for the records of ``pending`` runs written in this session.

    A run counts as finished when ``OUT/runs/<id>.json`` exists and is not the file that was
    there when the session started (a retried run's old ``failed`` record does not count).
    """

    def __init__(self, out: Path, pending: Sequence[str]):
        self.out = out
        self.pending = list(pending)
        self.before = {rid: self._signature(rid) for rid in self.pending}
        self.finished: dict[str, str] = {}

    def _signature(self, rid: str):
        try:
            st = store.record_path(self.out, rid).stat()
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def poll(self) -> list[tuple[str, str]]:
        """Newly finished ``(run_id, status)`` pairs since the last poll."""
        new = []
        for rid in self.pending:
            if rid in self.finished:
                continue
            sig = self._signature(rid)
            if sig is not None and sig != self.before[rid]:
                rec = store.load_record(self.out, rid)
                if rec is not None:
                    self.finished[rid] = rec["status"]
                    new.append((rid, rec["status"]))
        return new

    @property
    def unfinished(self) -> list[str]:
        """Ids of the pending runs that have no finished record yet."""
        return [rid for rid in self.pending if rid not in self.finished]


def _job_error(job, wait_for_result: bool = True) -> str:
    """What a finished job left to explain itself: its exception, else the tail of its stderr.

    submitit waits up to 15 s for the result pickle of a job that died without one (a slow
    shared file system may show it late); on the local disk a missing pickle is final.
    """
    if not wait_for_result and not job.paths.result_pickle.exists():
        exc = RuntimeError(f"job {job.job_id} ended without a result (killed, or it exited mid-run)")
    else:
        try:
            exc = job.exception()
        except Exception as err:  # noqa: BLE001 - any failure to read it is itself the message
            exc = err
    tail = ""
    try:
        err_text = job.stderr() or ""
        tail = "\n".join(err_text.strip().splitlines()[-8:])
    except Exception:  # noqa: BLE001
        pass
    parts = [f"{type(exc).__name__}: {exc}" if exc is not None else "it finished normally"]
    if tail:
        parts.append(f"last lines of its stderr ({job.paths.stderr}):\n{tail}")
    return "\n".join(parts)


def _record_lost_runs(out: Path, monitor: Monitor, items: dict[str, dict], reason: Callable[[str], str]) -> None:
    """Runs whose job ended without leaving a record: record them as failed, with the reason."""
    for rid in monitor.unfinished:
        rec = store.load_record(out, rid)
        if rec is not None and rec["status"] == store.OK:
            continue  # another task finished it (one of an earlier sweep's): an ok record is never replaced
        store.write_record(out, {
            "run_id": rid,
            "status": store.FAILED,
            "error": reason(rid),
            "config": items[rid],
        })
    monitor.poll()


def _cancel(jobs) -> None:
    for job in jobs:
        try:
            if not job.done():
                job.cancel(check=False)
        except Exception:  # noqa: BLE001 - best effort while interrupted
            pass


def _stop_local(jobs) -> None:
    """Stop local workers: SIGTERM to each controller (a local job's id is its pid), which
    forwards it to its worker; the worker ends at once (see ``worker.local_worker``)."""
    for job in jobs:
        try:
            if not job.done():
                os.kill(int(job.job_id), signal.SIGTERM)
        except (OSError, ValueError):  # already gone, or not a local job
            pass


@contextmanager
def _sigint_ignored_in_children():
    """Start child processes with SIGINT ignored (inherited through exec; Python keeps an
    ignored SIGINT ignored). A Ctrl-C at the terminal reaches the whole process group: the
    sweep alone should handle it, not print a traceback from every worker controller."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        # a Ctrl-C during the milliseconds of the submits is lost; the next one is seen
        signal.signal(signal.SIGINT, previous)


def _full_disk_text(text: str) -> bool:
    return "no space left" in text.lower() or "outofspace" in text.lower()


def _local_gpu_parameters(items: Sequence[tuple[str, dict]]) -> dict:
    """Let local workers see this machine's GPUs when a run asks for ``device = "cuda"``.

    submitit's local executor sets ``CUDA_VISIBLE_DEVICES`` for every job it starts, to the
    empty string unless ``gpus_per_node`` is given: left alone, it would hide every GPU from
    the workers. All workers share the GPUs visible here (a CUDA_VISIBLE_DEVICES list of
    indices is kept as is).
    """
    if not any(cfg.get("device") == "cuda" for _, cfg in items):
        return {}
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None and visible.strip():
        try:
            ids = [int(x) for x in visible.split(",") if x.strip()]
        except ValueError:  # GPU UUIDs: submitit only takes indices, so keep the first device
            ids = [0]
        return {"gpus_per_node": len(ids), "visible_gpus": ids}
    import torch

    count = torch.cuda.device_count()
    if count == 0:
        raise ValueError("device 'cuda' was requested but torch sees no CUDA device on this machine")
    return {"gpus_per_node": count}


def run_local(out: Path, session: Path, items: Sequence[tuple[str, dict]], *, jobs: int,
              runner: worker.Runner | None, on_poll: Callable[[Monitor, int], None],
              save_arrays: bool = False, units: Sequence[Sequence[tuple[str, dict]]] | None = None) -> None:
    """Run ``items`` on ``min(jobs, len(units))`` local worker processes started by submitit; ``units``
    groups them into runs trained together (one run each by default)."""
    import submitit

    units = [list(u) for u in units] if units is not None else [[item] for item in items]
    claims = session / "claims"
    claims.mkdir(parents=True, exist_ok=True)
    n_workers = min(jobs, len(units))
    threads = max(1, available_cores() // n_workers)
    ex = submitit.LocalExecutor(folder=str(session / "submitit"))
    ex.update_parameters(timeout_min=LOCAL_TIMEOUT_MIN, **_local_gpu_parameters(items))
    monitor = Monitor(out, [rid for rid, _ in items])
    job_list = []
    try:
        with _sigint_ignored_in_children():
            for _ in range(n_workers):
                job_list.append(ex.submit(worker.local_worker, str(out), str(claims), units,
                                          watch_pid=os.getpid(), threads=threads, runner=runner,
                                          save_arrays=save_arrays))
        while True:
            monitor.poll()
            running = sum(1 for rid in monitor.unfinished if (claims / rid).exists())
            on_poll(monitor, running)
            # every record is in: the workers have nothing left to claim and exit by themselves
            # (unpickling results and process teardown would add seconds to the wait for nothing)
            if not monitor.unfinished or all(job.done() for job in job_list):
                break
            time.sleep(POLL_SECONDS)
        monitor.poll()
        if monitor.unfinished:
            errors = "\n---\n".join(f"worker {job.job_id}: {_job_error(job, wait_for_result=False)}"
                                    for job in job_list)
            if _full_disk_text(errors):
                # the runs did not fail, the disk did: no failed records, a resumed sweep runs them
                from lejepa_verify.validation.io import OutOfSpace, free_bytes

                raise OutOfSpace(str(out), None, free_bytes(out))

            def reason(rid: str) -> str:
                if (claims / rid).exists():
                    return f"the worker process running this run ended without writing its record\n{errors}"
                return f"no worker took this run: every worker process ended early\n{errors}"

            _record_lost_runs(out, monitor, dict(items), reason)
        on_poll(monitor, 0)
    except BaseException:
        _stop_local(job_list)
        raise
    finally:
        # claims only coordinate this session's workers; they mean nothing afterwards
        shutil.rmtree(claims, ignore_errors=True)


#: where a SLURM sweep notes which runs are queued under which job: ``OUT/.sweep/slurm/<run_id>.json``
QUEUE_DIR = "slurm"
#: the squeue states of a task that has ended (any other state will still write its record)
SLURM_ENDED = ("BOOT_FAIL", "CANCELLED", "COMPLETED", "DEADLINE", "FAILED", "NODE_FAIL", "OUT_OF_MEMORY",
               "PREEMPTED", "REVOKED", "SPECIAL_EXIT", "TIMEOUT")


def queue_entry_path(out: Path, rid: str) -> Path:
    """The note of where run ``rid`` is queued: ``OUT/.sweep/slurm/<rid>.json``."""
    return Path(out) / store.HIDDEN_DIR / QUEUE_DIR / f"{rid}.json"


def _read_entry(out: Path, rid: str) -> dict | None:
    try:
        entry = json.loads(queue_entry_path(out, rid).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # none, or not ours: the run is treated as never submitted
    return entry if isinstance(entry, dict) and isinstance(entry.get("job_name"), str) else None


def _write_entry(out: Path, rid: str, entry: dict) -> None:
    from lejepa_verify.validation.io import atomic_write_json

    atomic_write_json(queue_entry_path(out, rid), entry)


def squeue_tasks(names: Sequence[str]) -> dict[str, tuple[str, str]]:
    """The tasks in the SLURM queue with one of the job ``names``: ``{"<array>_<k>": (state, name)}``.

    ``ValueError`` when squeue does not answer: whether the runs of an earlier sweep still run
    is then unknown, and submitting them again could train them twice.
    """
    if not names:
        return {}
    cmd = ["squeue", "--noheader", "--array", "--name", ",".join(names), "--format", "%i|%T|%j"]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        why = None if done.returncode == 0 else (done.stderr.strip() or f"exit status {done.returncode}")
    except (OSError, subprocess.SubprocessError) as exc:
        why = str(exc)
    if why is not None:
        raise ValueError(f"cannot tell whether the runs an earlier sweep queued still run: squeue failed ({why}); "
                         "nothing was submitted, so that no run trains twice: run the same command again when "
                         "squeue answers")
    tasks = {}
    for line in done.stdout.splitlines():
        parts = line.strip().split("|")
        if len(parts) == 3:
            tasks[parts[0]] = (parts[1], parts[2])
    return tasks


def adopt_queued(out: Path, rids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """The runs of ``rids`` whose SLURM task (noted in the store by an earlier sweep) is still in
    the queue: ``{run_id: (job_id, submitit_folder)}``. Notes of tasks that left the queue are
    removed: those runs are submitted again."""
    entries = {rid: e for rid in rids if (e := _read_entry(out, rid)) is not None}
    if not entries:
        return {}
    queued = squeue_tasks(sorted({e["job_name"] for e in entries.values()}))
    # a note written just before sbatch has no job id yet: its task is found by its unique job
    # name and its index in the array (a batch of one is a plain job, without "_<index>")
    by_name = {(name, int(task.split("_")[1]) if "_" in task else 0): task for task, (_, name) in queued.items()}
    adopted = {}
    for rid, e in entries.items():
        job_id = e.get("job_id") or by_name.get((e["job_name"], e.get("index")))
        if job_id in queued and queued[job_id][0] not in SLURM_ENDED:
            adopted[rid] = (job_id, e["folder"])
        else:
            queue_entry_path(out, rid).unlink(missing_ok=True)
    return adopted


def run_slurm(out: Path, session: Path, items: Sequence[tuple[str, dict]], *, options: SlurmOptions,
              job_name: str, runner: worker.Runner | None, on_poll: Callable[[Monitor, int], None],
              save_arrays: bool = False, units: Sequence[Sequence[tuple[str, dict]]] | None = None) -> None:
    """Run ``items`` as one SLURM job array (one task per unit: a group of runs of one shape trained
    together, one run each by default) and wait for their records.

    ``out`` must be on a file system the compute nodes share. If this process dies, the array
    keeps running and its records still land; a later ``sweep`` skips the runs that finished
    and waits for those still queued (module docstring) instead of submitting them again.
    """
    from submitit.slurm.slurm import SlurmJob

    monitor = Monitor(out, [rid for rid, _ in items])
    adopted = adopt_queued(out, [rid for rid, _ in items])
    by_id = {rid: SlurmJob(folder, job_id) for rid, (job_id, folder) in adopted.items()}
    if adopted:
        earlier = sorted({job_id.split("_")[0] for job_id, _ in adopted.values()})
        print(f"{len(adopted)} runs are still queued in SLURM array {', '.join(earlier)} of an earlier sweep: "
              "waiting for them instead of submitting them again", file=sys.stderr)
    for rid, _ in items:
        rec = store.load_record(out, rid) if rid not in adopted else None
        if rec is not None and rec["status"] == store.OK:
            # its task (an earlier sweep's) ended since this sweep looked: the run is done, not to submit
            monitor.finished[rid] = store.OK
    units = [list(u) for u in units] if units is not None else [[item] for item in items]
    # what is left of each unit: runs neither adopted nor finished
    todo = [kept for u in units if (kept := [(rid, cfg) for rid, cfg in u
                                             if rid not in adopted and rid not in monitor.finished])]
    if todo:
        # a name of this session alone: a note written before sbatch finds its array by it
        name = f"{job_name}-{session.name.rsplit('-', 1)[-1]}"
        folder = session / "submitit"
        for k, unit in enumerate(todo):
            for rid, _ in unit:
                _write_entry(out, rid, {"job_name": name, "index": k, "job_id": None, "folder": str(folder)})
        ex = slurm_executor(folder, options, name)
        with ex.batch():
            job_list = [ex.submit(worker.slurm_task, str(out), unit[0][0], unit[0][1], threads=options.cpus_per_task,
                                  runner=runner, save_arrays=save_arrays) if len(unit) == 1 else
                        ex.submit(worker.slurm_group_task, str(out), unit, threads=options.cpus_per_task,
                                  runner=runner, save_arrays=save_arrays)
                        for unit in todo]
        for k, (unit, job) in enumerate(zip(todo, job_list)):
            for rid, _ in unit:
                _write_entry(out, rid, {"job_name": name, "index": k, "job_id": job.job_id, "folder": str(folder)})
                by_id[rid] = job
        print(f"submitted SLURM array {job_list[0].job_id.split('_')[0]} with {len(job_list)} tasks; "
              f"logs under {folder}", file=sys.stderr)
    try:
        while True:
            monitor.poll()
            running = sum(1 for rid in monitor.unfinished if by_id[rid].state == "RUNNING")
            on_poll(monitor, running)
            if all(by_id[rid].done() for rid in monitor.unfinished):
                break
            time.sleep(max(POLL_SECONDS, 5.0))
        monitor.poll()
        if monitor.unfinished:
            _record_lost_runs(out, monitor, dict(items),
                              lambda rid: f"SLURM task {by_id[rid].job_id} ended without a record\n"
                                          f"{_job_error(by_id[rid])}")
        on_poll(monitor, 0)
    except KeyboardInterrupt:
        arrays = sorted({job.job_id.split("_")[0] for job in by_id.values()})
        raise KeyboardInterrupt(f"the SLURM array {', '.join(arrays)} keeps running; run the same command again "
                                "later: it waits for the runs still queued and collects what finished, or cancel "
                                f"with `scancel {' '.join(arrays)}`") from None
    # every run has its record: nothing of this sweep is queued any more
    for rid, _ in items:
        queue_entry_path(out, rid).unlink(missing_ok=True)
