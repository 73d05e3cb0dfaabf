"""``--backend slurm`` against a real SLURM cluster on localhost (``tests/slurm/conftest.py``).

Every job is submitted with ``sbatch`` through submitit, runs on the local slurmd, and is
watched through ``sacct``: the path our users with clusters take. The tests hold their runs
on a gate file and act on events (a task started, a line on a pipe, the queue empty), never
on the clock.
"""

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import cloudpickle
import pytest

from lejepa_verify.validation.sweep import SlurmOptions, run_sweep
from lejepa_verify.validation.sweep import store
from lejepa_verify.validation.sweep.backends import queue_entry_path
from tests.slurm.conftest import wait_queue_empty
from tests.waiting import HANG_GUARD, wait_for

pytestmark = pytest.mark.slurm
cloudpickle.register_pickle_by_value(sys.modules[__name__])

CLI = [sys.executable, "-m", "lejepa_verify.validation.cli"]
# one CPU per task: the node has as many CPUs as the machine, so two tasks run at once on two cores
SLURM_ARGS = ["--backend", "slurm", "--cpus-per-task", "1", "--time", "10", "--no-progress"]
OPTIONS = SlurmOptions(cpus_per_task=1, time_min=10)
# what may differ between two executions of one run: timing, the process, the host
TIMING = ("steps_per_s", "train_seconds")


def records(out: Path) -> dict[str, dict]:
    folder = store.runs_dir(out)
    return {p.stem: json.loads(p.read_text()) for p in folder.glob("*.json")} if folder.is_dir() else {}


def comparable(rec: dict) -> dict:
    metrics = {k: v for k, v in rec["metrics"].items() if k not in TIMING}
    return {"status": rec["status"], "error": rec["error"], "config": rec["config"], "metrics": metrics,
            "curves": rec["curves"], "seed": rec["seed"]}


def tiny_spec(name: str) -> dict:
    return {"name": name, "fixed": {"steps": 5, "eval_every": 5, "eval_size": 64, "n_bootstrap": 0,
                                    "spectrum_degree": 0, "width": 8, "depth": 1}, "axes": {"seed": [0, 1, 2, 3]}}


def tasks_of(cluster, prefix: str) -> list[str]:
    """The array tasks sacct knows whose job name starts with ``prefix`` (one line per task)."""
    acct = cluster.run("sacct", "-X", "-n", "-P", "-o", "JobID,JobName,State", "-S", "now-1days")
    return [line for line in acct.stdout.splitlines() if line.split("|")[1].startswith(prefix)]


#: states in which sacct may still list a task that has not ended
LIVE_STATES = ("PENDING", "RUNNING", "REQUEUED", "RESIZING", "SUSPENDED", "COMPLETING")


def ended_tasks(cluster, prefix: str, count: int, before=frozenset()) -> list[str]:
    """The tasks of :func:`tasks_of` not in ``before``, once ``count`` of them have ended in sacct.

    slurmctld sends a task's end to the accounting daemon after squeue has dropped it, so an
    empty queue does not yet mean that sacct lists every task (CI saw 3 of 4): this waits for
    that event. A task submitted twice makes the list longer than ``count`` (or keeps the wait
    going until a second array ends), which the callers' equality checks then reject.
    """
    seen: list[str] = []

    def accounted() -> bool:
        seen[:] = [line for line in tasks_of(cluster, prefix) if line not in before]
        return sum(line.split("|")[2].split()[0] not in LIVE_STATES for line in seen) >= count

    wait_for(accounted, f"sacct to list {count} ended tasks named {prefix}*", poll=0.5)
    return list(seen)


def test_a_shipped_sweep_through_slurm_lands_the_records_of_a_local_run(slurm_env, tmp_path):
    cluster = slurm_env
    via_slurm, local = tmp_path / "slurm", tmp_path / "local"
    before = set(tasks_of(cluster, "lejepa-smoke-"))
    done = subprocess.run(CLI + ["sweep", "smoke", "--out", str(via_slurm), *SLURM_ARGS], capture_output=True,
                          text=True, env=cluster.env, timeout=HANG_GUARD)
    assert done.returncode == 0, done.stderr + cluster.log("slurmctld")[-3000:]
    assert "4 runs: 4 ok, 0 failed, 0 diverged (4 run now" in done.stdout
    assert "submitted SLURM array" in done.stderr
    # the jobs really went through SLURM: sacct knows a completed array task per unit of work (the
    # four runs share one shape, so they train as batched units, one per core: issue 21), and the
    # sweep returns when the four records are in; each task still takes a moment to exit
    from lejepa_verify.validation.sweep import expand, load_sweep
    from lejepa_verify.validation.sweep.backends import available_cores
    from lejepa_verify.validation.sweep.run import group_units

    units = group_units(expand(load_sweep("smoke")), available_cores())
    wait_queue_empty(cluster)
    states = [line.split("|")[2] for line in ended_tasks(cluster, "lejepa-smoke-", len(units), before)]
    assert states == ["COMPLETED"] * len(units) and sum(map(len, units)) == 4, states
    # a finished sweep leaves no note of queued runs
    assert not notes(via_slurm)

    done = subprocess.run(CLI + ["sweep", "smoke", "--out", str(local), "--jobs", "2", "--no-progress"],
                          capture_output=True, text=True, env=cluster.env, timeout=HANG_GUARD)
    assert done.returncode == 0, done.stderr
    a, b = records(via_slurm), records(local)
    assert len(a) == 4 and set(a) == set(b)
    for rid in a:
        assert a[rid]["status"] == "ok"
        assert comparable(a[rid]) == comparable(b[rid]), rid


def failing_on_seed_one(config):
    if config.seed == 1:
        raise RuntimeError(f"simulated failure for seed {config.seed}")
    return {"metrics": {"r2_hz": 1.0}}


def test_a_run_that_raises_comes_back_as_failed_with_its_error(slurm_env, tmp_path):
    res = run_sweep(tiny_spec("raise"), tmp_path / "out", backend="slurm", slurm=OPTIONS, progress=False,
                    runner=failing_on_seed_one)
    assert (res.counts["ok"], res.counts["failed"]) == (3, 1)
    failed = [r for r in res.records if r["status"] == "failed"]
    assert failed[0]["config"]["seed"] == 1
    assert "RuntimeError: simulated failure for seed 1" in failed[0]["error"] and "Traceback" in failed[0]["error"]


def sleeping_on_seed_three(marker: Path):
    def run(config):
        import time

        if config.seed == 3 and marker.exists():
            job = f"{os.environ['SLURM_ARRAY_JOB_ID']}_{os.environ['SLURM_ARRAY_TASK_ID']}"
            (marker.parent / "job").write_text(job)
            while marker.exists():
                time.sleep(0.2)
        return {"metrics": {"r2_hz": 1.0}}

    return run


def test_a_cancelled_job_is_recorded_as_failed_and_retry_failed_completes_it(slurm_env, tmp_path):
    cluster = slurm_env
    marker = tmp_path / "hold"
    marker.write_text("")
    out = tmp_path / "out"
    result = {}

    def sweep():
        try:
            result["res"] = run_sweep(tiny_spec("cancel"), out, backend="slurm", slurm=OPTIONS, progress=False,
                                      runner=sleeping_on_seed_three(marker))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            result["error"] = exc

    thread = threading.Thread(target=sweep)
    thread.start()
    try:
        wait_for(lambda: (tmp_path / "job").exists(), "the held job to start", alive=thread.is_alive)
        job = (tmp_path / "job").read_text()
        assert cluster.run("scancel", job).returncode == 0
        wait_for(lambda: not thread.is_alive(), "the sweep to see the cancelled job end", poll=0.5)
    finally:
        marker.unlink(missing_ok=True)
        thread.join(timeout=HANG_GUARD)
    assert "error" not in result, result
    res = result["res"]
    assert (res.counts["ok"], res.counts["failed"]) == (3, 1)
    failed = next(r for r in res.records if r["status"] == "failed")
    assert failed["config"]["seed"] == 3 and job in failed["error"]
    acct = cluster.run("sacct", "-X", "-n", "-P", "-o", "State", "-j", job)
    assert acct.stdout.strip().startswith("CANCELLED"), acct.stdout

    # retried (the hold is gone): the failed run runs again and completes; the others are kept
    before = {rid: r for rid, r in records(out).items() if r["status"] == "ok"}
    again = run_sweep(tiny_spec("cancel"), out, backend="slurm", slurm=OPTIONS, progress=False,
                      retry_failed=True, runner=sleeping_on_seed_three(marker))
    assert again.counts["ran"] == 1 and again.counts["ok"] == 4
    after = records(out)
    assert all(after[rid] == rec for rid, rec in before.items())


def test_killing_the_submitting_process_and_running_again_gives_exactly_four_records(slurm_env, tmp_path):
    cluster = slurm_env
    out = tmp_path / "out"
    cmd = CLI + ["sweep", "smoke", "--out", str(out), *SLURM_ARGS]
    before = set(tasks_of(cluster, "lejepa-smoke-"))
    err_file = tmp_path / "err"
    with open(err_file, "w") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=cluster.env)
    try:
        wait_for(lambda: "submitted SLURM array" in err_file.read_text(), "the array to be submitted", proc=proc)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL

    done = subprocess.run(cmd, capture_output=True, text=True, env=cluster.env, timeout=HANG_GUARD)
    assert done.returncode == 0, done.stderr
    wait_queue_empty(cluster)  # the first array's tasks too
    recs = records(out)
    assert len(recs) == 4 and all(r["status"] == "ok" for r in recs.values())
    assert not [p for p in store.runs_dir(out).iterdir() if not p.name.endswith(".json") or p.name.startswith(".")]
    # nothing trained twice: the tasks of the first array (one per unit of runs trained together)
    # are all there were
    from lejepa_verify.validation.sweep import expand, load_sweep
    from lejepa_verify.validation.sweep.backends import available_cores
    from lejepa_verify.validation.sweep.run import group_units

    units = group_units(expand(load_sweep("smoke")), available_cores())
    assert len(set(ended_tasks(cluster, "lejepa-smoke-", len(units), before))) == len(units)
    again = subprocess.run(cmd, capture_output=True, text=True, env=cluster.env, timeout=HANG_GUARD)
    assert again.returncode == 0 and "(0 run now, 4 already in the store)" in again.stdout


# ------------------------------------------------------------------------------------------
# nothing trained twice: a resumed sweep adopts the runs still queued


# ``python -c HELD GATE OUT NAME``: run_sweep of tiny_spec(NAME) through SLURM with runs that note
# each start in GATE/ran-<seed> and wait for GATE/release; prints the counts as JSON
HELD = '''
import json, sys, time
from pathlib import Path
from lejepa_verify.validation.sweep import SlurmOptions, run_sweep

GATE = Path(sys.argv[1])


def held(config):
    with open(GATE / f"ran-{config.seed}", "a") as fh:
        fh.write("started\\n")
    while not (GATE / "release").exists():
        time.sleep(0.1)
    return {"metrics": {"r2_hz": 1.0}}


spec = {"name": sys.argv[3], "fixed": {"steps": 5}, "axes": {"seed": [0, 1, 2, 3]}}
res = run_sweep(spec, sys.argv[2], backend="slurm", slurm=SlurmOptions(cpus_per_task=1, time_min=10),
                progress=False, runner=held)
print(json.dumps(res.counts))
'''


def notes(out):
    """The store's notes of queued runs (``backends.queue_entry_path``)."""
    return list(queue_entry_path(out, "x").parent.glob("*.json"))


def start_held(cluster, gate, out, name):
    return subprocess.Popen([sys.executable, "-c", HELD, str(gate), str(out), name], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=cluster.env)


def kill_once_queued_and_started(cluster, gate, out, name):
    """Start a held sweep, SIGKILL it once every run is noted with its job id and a task runs."""
    first = start_held(cluster, gate, out, name)

    def queued_and_started():
        with_ids = [n for n in notes(out) if json.loads(n.read_text()).get("job_id")]
        return len(with_ids) == 4 and any(gate.glob("ran-*"))

    try:
        wait_for(queued_and_started, "the runs to be queued and one to start", proc=first, poll=0.2)
        first.send_signal(signal.SIGKILL)
    finally:
        first.wait()
    assert first.returncode == -signal.SIGKILL
    return sorted({json.loads(p.read_text())["job_id"].split("_")[0] for p in notes(out)})


def test_a_resumed_sweep_waits_for_the_runs_still_queued_instead_of_submitting_them_again(slurm_env, tmp_path):
    cluster = slurm_env
    gate, out = tmp_path / "gate", tmp_path / "out"
    gate.mkdir()
    (first_array,) = kill_once_queued_and_started(cluster, gate, out, "adopt")
    assert records(out) == {}  # every run is held: none has finished

    second = start_held(cluster, gate, out, "adopt")
    try:
        # the resumed sweep says it adopts the queued runs (a line on its stderr), or that it
        # submitted them again, which is the double training this test is about
        seen = []
        for line in second.stderr:
            seen.append(line)
            if "still queued" in line or "submitted SLURM array" in line:
                break
        assert "4 runs are still queued in SLURM array" in line and first_array in line, "".join(seen)
        (gate / "release").touch()
        out_text, err_text = second.communicate(timeout=HANG_GUARD)
    finally:
        (gate / "release").touch()
        if second.poll() is None:
            second.kill()
            second.wait()
    assert second.returncode == 0, err_text
    assert json.loads(out_text.strip().splitlines()[-1])["ok"] == 4
    assert "submitted SLURM array" not in err_text
    # each run trained once, in the first array's task
    assert {p.name: p.read_text().count("started") for p in gate.glob("ran-*")} == \
        {f"ran-{s}": 1 for s in range(4)}
    wait_queue_empty(cluster)
    assert [line.split("|")[0].split("_")[0] for line in ended_tasks(cluster, "lejepa-adopt-", 4)] == [first_array] * 4
    assert len(records(out)) == 4 and not notes(out)


def test_runs_whose_tasks_left_the_queue_without_a_record_are_submitted_again(slurm_env, tmp_path):
    cluster = slurm_env
    gate, out = tmp_path / "gate", tmp_path / "out"
    gate.mkdir()
    (first_array,) = kill_once_queued_and_started(cluster, gate, out, "gone")
    # the array is cancelled while its submitter is gone: no task will write a record
    assert cluster.run("scancel", first_array).returncode == 0
    wait_queue_empty(cluster)
    (gate / "release").touch()

    second = start_held(cluster, gate, out, "gone")
    out_text, err_text = second.communicate(timeout=HANG_GUARD)
    assert second.returncode == 0, err_text
    assert "still queued" not in err_text and "submitted SLURM array" in err_text
    assert json.loads(out_text.strip().splitlines()[-1])["ok"] == 4
    assert len(records(out)) == 4
