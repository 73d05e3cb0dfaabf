"""The local backend for real: submitit worker processes training tiny runs in parallel, a sweep
killed with SIGKILL and resumed, failed/diverged/crashed runs, retry, collect."""

import json
import os
import signal
import subprocess
import sys

import cloudpickle
import pandas as pd
import pytest

from lejepa_verify.validation import io as vio
from lejepa_verify.validation.sweep import collect, run_sweep, write_csv
from lejepa_verify.validation.sweep import store
from tests.validation.helpers import HELD_SWEEP, fill, sweep_file
from tests.waiting import wait_for, wait_until_gone

# the test runners below travel to the worker processes by value, whatever the worker's cwd
cloudpickle.register_pickle_by_value(sys.modules[__name__])

# a real training run of a few steps on a tiny MLP: the trainer, not a stand-in
TINY = {"steps": 5, "eval_every": 5, "eval_size": 64, "n_bootstrap": 0, "spectrum_degree": 0, "width": 8,
        "depth": 1, "n_slices": 4}


def tiny_sweep(name, seeds, steps=5, **axes):
    return {"name": name, "fixed": {**TINY, "steps": steps, "eval_every": steps},
            "axes": {"seed": list(seeds), **axes}}


def snapshot(out):
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in store.runs_dir(out).glob("*.json")}


def leftovers(out):
    """Temporary files anywhere in the store: a half-written record would be one of these."""
    return [p for p in store.runs_dir(out).iterdir() if not p.name.endswith(".json") or p.name.startswith(".")]


def test_parallel_real_runs_then_resume_is_a_no_op_and_collect_reads_them(tmp_path):
    spec = tiny_sweep("par", range(3), mixing=["spiral", "banana"])
    out = tmp_path / "out"
    res = run_sweep(spec, out, jobs=2, progress=False)
    assert res.counts == {"total": 6, "ok": 6, "failed": 0, "diverged": 0, "ran": 6, "reused": 0}
    recs = [json.loads(p.read_text()) for p in sorted(store.runs_dir(out).glob("*.json"))]
    assert len(recs) == 6 and not leftovers(out)
    # two worker processes were started (which of them took which run depends on timing)
    assert len(list((out / ".sweep").glob("*/submitit/*_log.err"))) == 2
    assert len({r["sweep"]["pid"] for r in recs}) <= 2
    for r in recs:
        assert r["status"] == "ok" and r["error"] is None
        assert r["config"]["steps"] == 5 and 0.0 <= r["metrics"]["r2_hz"] <= 1.0
        assert store.record_path(out, r["run_id"]).name == f"{r['run_id']}.json"
    # submitit's own files stay in the hidden folder, away from the store
    assert {p.name for p in out.iterdir()} == {"runs", "manifests", ".sweep"}

    before = snapshot(out)
    again = run_sweep(spec, out, jobs=2, progress=False)
    assert again.counts["ran"] == 0 and again.counts["reused"] == 6
    assert snapshot(out) == before
    sessions = [p for p in (out / ".sweep").iterdir() if p.is_dir()]
    assert len(sessions) == 1, "a sweep with nothing to do starts no workers"

    df = collect(out)
    assert len(df) == 6 and set(df["sweep"]) == {"par"}
    by_id = {r["run_id"]: r for r in recs}
    for _, row in df.iterrows():
        rec = by_id[row["run_id"]]
        assert row["mixing"] == rec["config"]["mixing"] and row["seed"] == rec["config"]["seed"]
        assert row["r2_hz"] == pytest.approx(rec["metrics"]["r2_hz"], rel=1e-12)
        assert row["bound"] == pytest.approx(rec["metrics"]["bound"], rel=1e-12)
    csv = write_csv(df, tmp_path / "results.csv")
    back = pd.read_csv(csv)
    assert list(back.columns) == list(df.columns) and len(back) == 6
    assert sorted(back["r2_hz"]) == pytest.approx(sorted(df["r2_hz"]), rel=1e-12)
    pd.testing.assert_frame_equal(res.frame().sort_values("run_id").reset_index(drop=True),
                                  df.sort_values("run_id").reset_index(drop=True), check_dtype=False)


def test_a_sweep_killed_midway_resumes_without_losing_or_redoing_a_run(tmp_path, capsys):
    from lejepa_verify.validation.cli import main

    cfg = sweep_file(tmp_path / "kill.toml", "kill", TINY, range(10))
    out = tmp_path / "out"
    args = ["sweep", str(cfg), "--out", str(out), "--jobs", "2", "--no-progress"]
    # the killed sweep runs a stand-in that finishes one run and holds the others, so the kill
    # finds exactly one record and both workers busy, whatever the machine's load
    gate = tmp_path / "gate"
    gate.mkdir()
    (gate / "one").touch()
    proc = subprocess.Popen([sys.executable, "-c", HELD_SWEEP, str(gate), *args], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: len(snapshot(out) if store.runs_dir(out).is_dir() else {}) == 1
                 and len(list((out / ".sweep").glob("*/claims/*"))) == 3,
                 "one record in and both workers busy", proc=proc)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # the workers notice their sweep is gone and stop (they poll every 0.25 s); a SIGKILLed
    # sweep cannot remove its claims, which name the workers
    worker_pids = {int(p.read_text().split()[1]) for p in (out / ".sweep").glob("*/claims/*")}
    assert len(worker_pids) == 2
    wait_until_gone(worker_pids, "the workers of the killed sweep to end")
    done = snapshot(out)
    assert len(done) == 1 and not leftovers(out)
    assert json.loads(next(iter(done.values()))[0])["status"] == "ok"

    # resumed through the same command, with the real trainer
    assert main(args) == 0
    text = capsys.readouterr().out
    assert "10 runs: 10 ok, 0 failed, 0 diverged (9 run now, 1 already in the store)" in text
    after = snapshot(out)
    assert len(after) == 10 and not leftovers(out)
    for name, content in done.items():
        assert after[name] == content, "a completed record was rewritten"
    assert main(["collect", str(out), "--out", str(tmp_path / "t.csv")]) == 0
    assert "10 runs (10 ok)" in capsys.readouterr().out
    table = pd.read_csv(tmp_path / "t.csv")
    assert sorted(table["seed"]) == list(range(10)) and set(table["steps"]) == {TINY["steps"]}


def failing_on_odd_seeds(config):
    """A run function that fails for odd seeds; the others "succeed" without training."""
    if config.seed % 2:
        raise RuntimeError(f"simulated failure for seed {config.seed}")
    return {"metrics": {"r2_hz": 1.0}}


def diverging_on_seed_one(config):
    from lejepa_verify.validation.trainer import TrainingDiverged

    if config.seed == 1:
        raise TrainingDiverged("loss became nan at step 3 of 5",
                               {"status": "diverged", "metrics": {"diverged_at_step": 3}})
    return {"metrics": {"r2_hz": 1.0}}


def crashing_on_seed_two(config):
    if config.seed == 2:
        os._exit(9)  # the worker process dies mid-run, as if killed by the OOM killer
    return {"metrics": {"r2_hz": 1.0}}


def test_failed_runs_are_recorded_and_retry_failed_reruns_only_those(tmp_path):
    spec = tiny_sweep("retry", range(4))
    out = tmp_path / "out"
    res = run_sweep(spec, out, jobs=2, progress=False, runner=failing_on_odd_seeds)
    assert (res.counts["ok"], res.counts["failed"]) == (2, 2) and not res.ok
    failed = [r for r in res.records if r["status"] == "failed"]
    assert sorted(r["config"]["seed"] for r in failed) == [1, 3]
    assert all("simulated failure" in r["error"] and "Traceback" in r["error"] for r in failed)

    ok_before = {k: v for k, v in snapshot(out).items() if json.loads(v[0])["status"] == "ok"}
    # without retry_failed the failures stay as they are, and nothing runs
    same = run_sweep(spec, out, jobs=2, progress=False)
    assert same.counts["ran"] == 0 and same.counts["failed"] == 2
    # with it, exactly the two failed runs run again, now with the real trainer
    fixed = run_sweep(spec, out, jobs=1, progress=False, retry_failed=True)
    assert fixed.counts["ran"] == 2 and fixed.counts["ok"] == 4 and fixed.ok
    after = snapshot(out)
    assert len(after) == 4
    for name, content in ok_before.items():
        assert after[name] == content
    retried = [r for r in fixed.records if r["config"]["seed"] % 2]
    assert all(r["status"] == "ok" and "versions" in r and r["error"] is None for r in retried)
    assert collect(out)["status"].tolist() == ["ok"] * 4


def test_a_diverged_run_keeps_the_trainers_record_and_a_failed_one_its_traceback():
    # the function every worker calls, run here in-process
    from lejepa_verify.validation.config import TrainConfig
    from lejepa_verify.validation.sweep.worker import execute

    cfg = TrainConfig(**TINY, seed=1).to_dict()
    rec = execute("0123456789abcdef", cfg, diverging_on_seed_one)
    assert rec["status"] == "diverged" and rec["metrics"]["diverged_at_step"] == 3
    assert rec["error"] == "TrainingDiverged: loss became nan at step 3 of 5"
    assert rec["config"] == cfg and rec["run_id"] == "0123456789abcdef"
    rec = execute("0123456789abcdef", cfg, failing_on_odd_seeds)
    assert rec["status"] == "failed" and "simulated failure for seed 1" in rec["error"]
    assert "Traceback" in rec["error"] and "metrics" not in rec
    cfg0 = TrainConfig(**TINY, seed=0).to_dict()
    assert execute("0123456789abcdef", cfg0, diverging_on_seed_one)["status"] == "ok"


def test_a_crashed_worker_is_recorded_and_the_other_goes_on(tmp_path):
    res = run_sweep(tiny_sweep("crash", range(4)), tmp_path / "crash", jobs=2, progress=False,
                    runner=crashing_on_seed_two)
    crashed = [r for r in res.records if r["status"] == "failed"]
    assert [r["config"]["seed"] for r in crashed] == [2]
    assert "ended without writing its record" in crashed[0]["error"]
    assert res.counts["ok"] == 3

    # a second sweep shares three run ids with it (same configs): collect keeps one row per
    # run, an ok record over a failed one
    run_sweep(tiny_sweep("other", [1, 2, 3]), tmp_path / "other", jobs=1, progress=False,
              runner=failing_on_odd_seeds)
    df = collect(tmp_path).set_index("seed")
    assert len(df) == 4 and df["status"].to_dict() == {0: "ok", 1: "ok", 2: "ok", 3: "ok"}
    assert df.loc[2, "sweep"] == "crash;other" and df.loc[0, "sweep"] == "crash"
    assert len(collect(tmp_path, sweep="other")) == 3
    with pytest.raises(ValueError, match="sweeps found: crash, other"):
        collect(tmp_path, sweep="nope")


def test_a_diverged_run_in_a_sweep_stays_out_of_the_ok_rows(tmp_path):
    from lejepa_verify.validation.sweep import collect

    spec = {"name": "boom", "fixed": {**TINY, "steps": 100, "eval_every": 50}, "axes": {"lr": [1e-2, 10.0]}}
    res = run_sweep(spec, tmp_path / "out", jobs=1, progress=False)
    assert (res.counts["ok"], res.counts["diverged"]) == (1, 1)
    df = collect(tmp_path / "out")
    assert sorted(df["status"]) == ["diverged", "ok"]
    assert df.loc[df["status"] == "ok", "lr"].tolist() == [1e-2]
    bad = df[df["status"] == "diverged"].iloc[0]
    assert "diverged at step" in bad["error"]


def test_disk_filling_up_mid_sweep_raises_out_of_space_and_keeps_the_finished_records(small_tmpfs, monkeypatch):
    out = small_tmpfs / "sweep"
    spec = {"name": "full", "fixed": TINY, "axes": {"seed": [0, 1, 2]}}
    monkeypatch.setattr(store, "RECORD_BYTES", 1000)  # the stub's records are small
    res = run_sweep(spec, out, jobs=1, progress=False, runner=stub_runner)
    assert res.counts["ok"] == 3
    done = {p.name: p.read_bytes() for p in store.runs_dir(out).glob("*.json")}
    # a bigger sweep with the same runs and three new ones resumes; the disk fills up during run 3
    spec["axes"]["seed"] = [0, 1, 2, 3, 4, 5]
    with pytest.raises(vio.OutOfSpace) as err:
        run_sweep(spec, out, jobs=1, progress=False, runner=filling_runner(small_tmpfs))
    assert str(small_tmpfs) in str(err.value) and "no space left" in str(err.value)
    after = {p.name: p.read_bytes() for p in store.runs_dir(out).iterdir()}
    assert all(after.get(k) == v for k, v in done.items()), "a finished record was lost or rewritten"
    assert all(k.endswith(".json") and not k.startswith(".") for k in after), "a half-written file was left"
    # the runs the disk stopped have no record (not a "failed" one): a resume runs them
    assert all(json.loads(v)["status"] == "ok" for v in after.values()) and len(after) < 6
    # after freeing space the same sweep finishes the rest
    (small_tmpfs / "filler").unlink()
    res = run_sweep(spec, out, jobs=1, progress=False, runner=stub_runner)
    assert res.counts["ok"] == 6 and res.counts["ran"] == 6 - len(after)


def stub_runner(config):
    return {"metrics": {"r2_hz": 1.0}}


def filling_runner(folder):
    def run(config):
        if config.seed == 3:
            fill(folder, 0)
        return {"metrics": {"r2_hz": 1.0}}

    return run


def test_retry_failed_runs_a_truncated_record_again_instead_of_stopping(tmp_path, capsys):
    from lejepa_verify.validation.cli import main

    spec = tiny_sweep("trunc", range(3))
    out = tmp_path / "out"
    first = run_sweep(spec, out, jobs=1, progress=False, runner=failing_on_odd_seeds)
    assert (first.counts["ok"], first.counts["failed"]) == (2, 1)
    ok0 = next(r for r in first.records if r["config"]["seed"] == 0)
    path = store.record_path(out, ok0["run_id"])
    path.write_text(path.read_text()[:100])  # a record cut short (a copy interrupted, a full disk elsewhere)
    kept = store.record_path(out, next(r for r in first.records if r["config"]["seed"] == 2)["run_id"]).read_bytes()
    # a dry run shows it and changes nothing
    cfg = sweep_file(tmp_path / "trunc.toml", "trunc", spec["fixed"], range(3))
    assert main(["sweep", str(cfg), "--out", str(out), "--dry-run"]) == 0
    assert "unusable" in capsys.readouterr().out and path.exists()
    # the sweep quarantines it and runs it again, with the failed run
    res = run_sweep(spec, out, jobs=1, progress=False, retry_failed=True, runner=stub_runner)
    assert res.counts["ran"] == 2 and res.counts["ok"] == 3
    assert (store.runs_dir(out) / store.QUARANTINE_DIR / path.name).exists()
    assert json.loads(path.read_text())["status"] == "ok"
    assert store.record_path(out, next(r for r in first.records if r["config"]["seed"] == 2)["run_id"]).read_bytes() \
        == kept
