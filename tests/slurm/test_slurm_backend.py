"""``--backend slurm`` against a real SLURM cluster on localhost (``tests/slurm/conftest.py``).

Every job is submitted with ``sbatch`` through submitit, runs on the local slurmd, and is
watched through ``sacct``: the path our users with clusters take.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import cloudpickle
import pytest

from lejepa_verify.validation.sweep import SlurmOptions, run_sweep
from lejepa_verify.validation.sweep import store
from tests.slurm.conftest import wait_queue_empty

pytestmark = pytest.mark.slurm
cloudpickle.register_pickle_by_value(sys.modules[__name__])

CLI = [sys.executable, "-m", "lejepa_verify.validation.cli"]
# one CPU per task: the node has as many CPUs as the machine, so two tasks run at once on two cores
SLURM_ARGS = ["--backend", "slurm", "--cpus-per-task", "1", "--time", "10", "--no-progress"]
OPTIONS = SlurmOptions(cpus_per_task=1, time_min=10)
# what may differ between two executions of one run: timing, the process, the host
TIMING = ("steps_per_s", "train_seconds")


def records(out: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in store.runs_dir(out).glob("*.json")}


def comparable(rec: dict) -> dict:
    metrics = {k: v for k, v in rec["metrics"].items() if k not in TIMING}
    return {"status": rec["status"], "error": rec["error"], "config": rec["config"], "metrics": metrics,
            "curves": rec["curves"], "seed": rec["seed"]}


def tiny_spec(name: str) -> dict:
    return {"name": name, "fixed": {"steps": 5, "eval_every": 5, "eval_size": 64, "n_bootstrap": 0,
                                    "spectrum_degree": 0, "width": 8, "depth": 1}, "axes": {"seed": [0, 1, 2, 3]}}


def test_a_shipped_sweep_through_slurm_lands_the_records_of_a_local_run(slurm_env, tmp_path):
    cluster = slurm_env
    via_slurm, local = tmp_path / "slurm", tmp_path / "local"
    t0 = time.time()
    done = subprocess.run(CLI + ["sweep", "smoke", "--out", str(via_slurm), *SLURM_ARGS], capture_output=True,
                          text=True, env=cluster.env, timeout=300)
    assert done.returncode == 0, done.stderr + cluster.log("slurmctld")[-3000:]
    assert "4 runs: 4 ok, 0 failed, 0 diverged (4 run now" in done.stdout
    assert "submitted SLURM array" in done.stderr
    slurm_seconds = time.time() - t0
    # the jobs really went through SLURM: sacct knows four completed array tasks (the sweep returns
    # when the four records are in; each task still takes a moment to exit)
    wait_queue_empty(cluster)
    acct = cluster.run("sacct", "-X", "-n", "-P", "-o", "JobName,State", "--name", "lejepa-smoke")
    assert acct.stdout.split().count("lejepa-smoke|COMPLETED") == 4, acct.stdout

    done = subprocess.run(CLI + ["sweep", "smoke", "--out", str(local), "--jobs", "2", "--no-progress"],
                          capture_output=True, text=True, env=cluster.env, timeout=300)
    assert done.returncode == 0, done.stderr
    a, b = records(via_slurm), records(local)
    assert len(a) == 4 and set(a) == set(b)
    for rid in a:
        assert a[rid]["status"] == "ok"
        assert comparable(a[rid]) == comparable(b[rid]), rid
    print(f"4 smoke runs through SLURM: {slurm_seconds:.1f} s")


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
        deadline = time.time() + 180
        while not (tmp_path / "job").exists():
            assert thread.is_alive(), result
            assert time.time() < deadline, "the held job never started"
            time.sleep(0.2)
        job = (tmp_path / "job").read_text()
        assert cluster.run("scancel", job).returncode == 0
        thread.join(timeout=240)
        assert not thread.is_alive(), "the sweep never saw the cancelled job finish"
    finally:
        marker.unlink(missing_ok=True)
        thread.join(timeout=60)
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
    err_file = tmp_path / "err"
    with open(err_file, "w") as err:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err, env=cluster.env)
    try:
        deadline = time.time() + 120
        while "submitted SLURM array" not in err_file.read_text():
            assert proc.poll() is None, err_file.read_text()
            assert time.time() < deadline
            time.sleep(0.1)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert len(records(out)) < 4, "the sweep had finished before the kill: the test proves nothing"

    done = subprocess.run(cmd, capture_output=True, text=True, env=cluster.env, timeout=300)
    assert done.returncode == 0, done.stderr
    wait_queue_empty(cluster, timeout=120)  # the first array's tasks too
    recs = records(out)
    assert len(recs) == 4 and all(r["status"] == "ok" for r in recs.values())
    assert not [p for p in store.runs_dir(out).iterdir() if not p.name.endswith(".json") or p.name.startswith(".")]
    again = subprocess.run(cmd, capture_output=True, text=True, env=cluster.env, timeout=120)
    assert again.returncode == 0 and "(0 run now, 4 already in the store)" in again.stdout
