"""Bad input, explosions, full disks, Ctrl-C and concurrent runs: every failure is named in one
line, nothing is lost, nothing is trained twice.

Each test reproduces a defect found by trying the package as a new user would; each check has
a negative control (the healthy case the same check must accept).
"""

import dataclasses
import errno
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import cloudpickle
import pytest

from lejepa_verify.validation import io as vio
from lejepa_verify.validation.cli import main
from lejepa_verify.validation.config import TrainConfig
from lejepa_verify.validation.sweep import run_sweep
from lejepa_verify.validation.sweep import store

cloudpickle.register_pickle_by_value(sys.modules[__name__])

TINY = {"steps": 5, "eval_every": 5, "eval_size": 64, "n_bootstrap": 0, "spectrum_degree": 0, "width": 8,
        "depth": 1, "n_slices": 4}
CLI = [sys.executable, "-m", "lejepa_verify.validation.cli"]


def strict_json(text: str):
    """json.loads that refuses NaN / Infinity, which Python's json accepts and standard JSON does not."""
    def refuse(name):
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


def one_error_line(stderr: str) -> str:
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert "Traceback" not in stderr, stderr
    assert len(lines) == 1, stderr
    return lines[0]


# ------------------------------------------------------------------------------------------
# 1. divergence: an exploding but finite loss is not "ok"


def test_an_exploding_finite_loss_is_recorded_as_diverged_with_step_and_reason(tmp_path, capsys):
    from lejepa_verify.validation.trainer import DIVERGENCE_LOSS_FACTOR, TrainingDiverged, train

    # the reproduction, `train --lr 10 --steps 200` (default network), without the costly extras
    short = {"steps": 200, "eval_every": 50, "n_bootstrap": 0, "spectrum_degree": 0}
    out = tmp_path / "run"
    with pytest.raises(TrainingDiverged) as err:
        train(TrainConfig(**short, lr=10.0), progress=False, out=out)
    rec = json.loads((out / "record.json").read_text())
    assert rec["status"] == "diverged"
    step, reason = rec["metrics"]["diverged_at_step"], rec["metrics"]["divergence"]
    assert 1 <= step <= 200 and "the loss reached" in reason
    assert f"step {step}" in str(err.value)
    # the loss at the stop is finite: the NaN check alone would have let the run end "ok"
    loss = rec["metrics"]["loss"]
    assert isinstance(loss, float) and DIVERGENCE_LOSS_FACTOR < abs(loss) < float("inf")

    # negative control: the same run at the default learning rate ends ok
    res = train(TrainConfig(**short), progress=False)
    assert res.status == "ok" and 0.0 < res.metrics.r2_hz <= 1.0

    # the CLI: standard JSON on stdout, status diverged with the step, exit status 1
    assert main(["train", "--lr", "10", "--steps", "200", "--eval-every", "50", "--n-bootstrap", "0",
                 "--spectrum-degree", "0", "--no-progress", "--out", str(tmp_path / "cli")]) == 1
    printed = strict_json(capsys.readouterr().out)
    assert printed["status"] == "diverged" and isinstance(printed["diverged_at_step"], int) and printed["reason"]


def test_non_finite_final_metrics_make_the_run_diverged_not_ok(monkeypatch):
    import lejepa_verify.validation.trainer as trainer

    real = trainer.evaluate

    def nan_epsilon(*args, **kwargs):
        metrics, arrays = real(*args, **kwargs)
        if kwargs.get("final"):
            metrics["epsilon"] = float("nan")
        return metrics, arrays

    monkeypatch.setattr(trainer, "evaluate", nan_epsilon)
    with pytest.raises(trainer.TrainingDiverged) as err:
        trainer.train(TrainConfig(**TINY), progress=False)
    assert "epsilon = nan" in str(err.value)
    assert err.value.record["metrics"]["divergence"].startswith("final metrics not finite")
    # negative control: with the real evaluation the same run is ok
    monkeypatch.setattr(trainer, "evaluate", real)
    assert trainer.train(TrainConfig(**TINY), progress=False).status == "ok"


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


def test_train_cli_prints_standard_json_when_a_metric_is_not_finite(monkeypatch, capsys, tmp_path):
    import lejepa_verify.validation.trainer as trainer

    real = trainer.train

    def with_inf_speed(config, **kwargs):
        import dataclasses

        res = real(config, **kwargs)
        return dataclasses.replace(res, metrics=dataclasses.replace(res.metrics, steps_per_s=float("inf")))

    monkeypatch.setattr(trainer, "train", with_inf_speed)
    assert main(["train", "--steps", "5", "--eval-every", "5", "--eval-size", "64", "--n-bootstrap", "0",
                 "--spectrum-degree", "0", "--width", "8", "--depth", "1", "--no-progress",
                 "--out", str(tmp_path / "r")]) == 0
    printed = strict_json(capsys.readouterr().out)
    # non-finite numbers are written as strings, as in the records
    assert printed["steps_per_s"] == "inf" and printed["status"] == "ok"


# ------------------------------------------------------------------------------------------
# 2. report --set on a key a sweep varies


def test_a_report_override_of_a_swept_key_replaces_the_axis_and_says_so(tmp_path):
    from lejepa_verify.validation.report import ReportContext
    from lejepa_verify.validation.sections import experiments

    ctx = ReportContext(out=tmp_path, train_overrides={"steps": 50, "seed": 0})
    specs = experiments._specs(ctx)
    for name, (spec, applied) in specs.items():
        runs = spec.runs()
        assert {r.config.seed for r in runs} == {0}, name
        assert {r.config.steps for r in runs} == {50}, name
    spec, applied = specs["mixings_2d"]
    seed = next(o for o in applied if o.key == "seed")
    assert seed.replaced_axis == (0, 1)
    assert "replaces the axis `seed` of `mixings_2d` (0, 1)" in seed.describe("mixings_2d")
    # 4 mixings x 3 objectives, seed 0 only
    assert len(spec.runs()) == 12
    # negative control: without overrides the seed axis is there
    plain = experiments._specs(ReportContext(out=tmp_path))["mixings_2d"][0]
    assert {r.config.seed for r in plain.runs()} == {0, 1}


def test_an_override_of_a_case_key_merges_the_cases_it_makes_equal(tmp_path):
    from lejepa_verify.validation.sweep import load_sweep
    from lejepa_verify.validation.sweep.spec import apply_overrides

    spec, applied = apply_overrides(load_sweep("gennorm_alpha"), {"mixing": "identity", "lam": 0.3})
    runs = spec.runs()
    assert {r.config.mixing for r in runs} == {"identity"} and {r.config.lam for r in runs} == {0.3}
    # the two cases differed only in mixing and lam: one remains, one run per alpha
    assert len(runs) == 5 and all(o.replaced_in_cases for o in applied)


def test_a_report_override_no_sweep_can_run_fails_before_the_claims(tmp_path, monkeypatch):
    from lejepa_verify.validation import claimrun
    from lejepa_verify.validation.report import write_report

    def no_claims(*a, **k):
        raise AssertionError("the claims ran before the overrides were checked")

    monkeypatch.setattr(claimrun, "run_claims", no_claims)
    # n = 4 is a valid TrainConfig field value, but the 2D mixings of the sweeps refuse it
    with pytest.raises(ValueError, match="mixing 'spiral' is defined for n = 2 only"):
        write_report(tmp_path / "rep", train_overrides={"n": 4}, progress=False)


def test_set_none_is_none_for_an_optional_field():
    from lejepa_verify.validation.commands.report import parse_overrides

    assert parse_overrides(["lam_start=none", "steps=50"]) == {"lam_start": None, "steps": 50}
    TrainConfig.from_dict(parse_overrides(["lam_start=none"]))
    # negative control: a non-optional field keeps the word, and the config refuses it
    with pytest.raises(ValueError, match="mixing"):
        TrainConfig.from_dict(parse_overrides(["mixing=none"]))


# ------------------------------------------------------------------------------------------
# 3. everything a run checks is checked before any run starts


@pytest.mark.parametrize("args,needles", [
    (["--latent", "uniform", "--transition", "ar1", "--rho", "0.3"], ["rho must be 1/k", "0.3"]),
    (["--seed", "1180591620717411303424"], ["seed must be in [0, 4294967295]"]),
    (["--mixing-seed", "-1"], ["mixing_seed"]),
])
def test_train_refuses_what_the_run_would_refuse_and_leaves_no_folder(tmp_path, capsys, args, needles):
    out = tmp_path / "never"
    assert main(["train", *args, "--out", str(out), "--no-progress"]) == 2
    err = one_error_line(capsys.readouterr().err)
    for needle in needles:
        assert needle in err
    assert not out.exists()


def test_the_checks_accept_what_a_run_accepts():
    # negative controls of the checks above: rho = 1/2 is a uniform AR(1) chain, 2**32 - 1 a seed
    TrainConfig(latent="uniform", transition="ar1", rho=0.5, **TINY)
    TrainConfig(seed=2**32 - 1, **TINY)


def test_sweep_dry_run_refuses_a_config_that_would_fail_at_start(tmp_path, capsys):
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[fixed]\nlatent = 'uniform'\ntransition = 'ar1'\nsteps = 5\n[axes]\nrho = [0.5, 0.3]\n")
    assert main(["sweep", str(cfg), "--dry-run", "--out", str(tmp_path / "o")]) == 2
    err = one_error_line(capsys.readouterr().err)
    assert "rho=0.3" in err and "1/k" in err
    cfg.write_text("[fixed]\nlatent = 'uniform'\ntransition = 'ar1'\nsteps = 5\n[axes]\nrho = [0.5, 0.25]\n")
    assert main(["sweep", str(cfg), "--dry-run", "--out", str(tmp_path / "o")]) == 0


def test_a_failing_train_removes_the_folder_it_created_but_not_an_existing_one(tmp_path, monkeypatch):
    import lejepa_verify.validation.trainer as trainer

    def broken(*a, **k):
        raise RuntimeError("simulated failure before any record")

    monkeypatch.setattr(trainer, "_train", broken)
    new = tmp_path / "new"
    with pytest.raises(RuntimeError):
        trainer.train(TrainConfig(**TINY), progress=False, out=new)
    assert not new.exists()
    kept = tmp_path / "kept"
    kept.mkdir()
    with pytest.raises(RuntimeError):
        trainer.train(TrainConfig(**TINY), progress=False, out=kept)
    assert kept.is_dir()


# ------------------------------------------------------------------------------------------
# 4. full disks: one line, nothing half-written, how to resume


@pytest.fixture
def small_tmpfs(tmp_path):
    """A real 256 kB tmpfs (needs root and a kernel that lets this sandbox mount)."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill(folder: Path, leave: int) -> None:
    """Fill the file system of ``folder`` until about ``leave`` bytes are free."""
    free = vio.free_bytes(folder)
    with open(folder / "filler", "wb") as fh:
        fh.write(b"\0" * max(0, free - leave))


def test_cli_on_a_full_disk_fails_in_one_line_naming_the_folder(small_tmpfs, tmp_path):
    fill(small_tmpfs, 8192)
    out = small_tmpfs / "o"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    for args in (["sweep", "mixings_2d", "--out", str(out), "--no-progress"],
                 ["train", "--out", str(out), "--no-progress"],
                 ["report", "--out", str(out), "--no-progress"]):
        done = subprocess.run(CLI + args, capture_output=True, text=True, env=env, timeout=120)
        assert done.returncode == 2, done.stderr
        line = one_error_line(done.stderr)
        assert str(out) in line and "free" in line and "needs about" in line, line
        assert not out.exists(), "a refused command left its folder behind"
    # nothing half-written: the folder holds no file but what was there
    assert [p.name for p in small_tmpfs.rglob("*") if p.is_file()] == ["filler"]


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


def test_an_enospc_write_raises_out_of_space_and_leaves_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "record.json"
    vio.atomic_write_text(target, "old\n")

    def full(fh, *a):
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(vio.OutOfSpace) as err:
        vio._atomic(target, full, size=1234)
    assert err.value.errno == errno.ENOSPC and err.value.needed == 1234
    assert str(tmp_path) in str(err.value) and "1.2 kB needed" in str(err.value)
    assert target.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["record.json"]
    # the exception crosses process boundaries (worker -> sweep) with its fields
    back = cloudpickle.loads(cloudpickle.dumps(err.value))
    assert (back.folder, back.needed) == (str(tmp_path), 1234)
    # negative control: another OSError stays what it was
    with pytest.raises(PermissionError):
        vio._atomic(target, lambda fh: (_ for _ in ()).throw(PermissionError(errno.EACCES, "denied")))


def test_the_cli_says_a_full_disk_in_one_line_with_how_to_resume(monkeypatch, capsys, tmp_path):
    from lejepa_verify.validation.commands import collect as collect_cmd

    def full(args):
        raise vio.OutOfSpace(str(tmp_path), 5000, 0)

    monkeypatch.setattr(collect_cmd, "run", full)
    assert main(["collect", str(tmp_path)]) == 1
    line = one_error_line(capsys.readouterr().err)
    assert "no space left" in line and str(tmp_path) in line and "run the same command again" in line


# ------------------------------------------------------------------------------------------
# 5. permissions


def test_written_files_get_the_permissions_of_a_normally_created_file(tmp_path):
    old = os.umask(0o027)
    try:
        p = vio.atomic_write_text(tmp_path / "a.txt", "x")
        plain = tmp_path / "plain.txt"
        plain.write_text("x")
        assert stat.S_IMODE(p.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode) == 0o640
    finally:
        os.umask(old)
    old = os.umask(0o022)
    try:
        rec = store.write_record(tmp_path / "s", {"run_id": "0123456789abcdef", "status": "ok"})
        assert stat.S_IMODE(rec.stat().st_mode) == 0o644
    finally:
        os.umask(old)


# ------------------------------------------------------------------------------------------
# 6. Ctrl-C: one line, exit status 130, how to resume


def _ctrl_c(cmd, wait_for, timeout=120):
    """Start ``cmd`` in its own process group, wait for ``wait_for()``, then SIGINT the group as
    a terminal's Ctrl-C would (the sweep's worker processes get it too)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env={**os.environ, "OMP_NUM_THREADS": "1"})
    deadline = time.time() + timeout
    try:
        while not wait_for():
            assert proc.poll() is None, proc.communicate()
            assert time.time() < deadline, "the process never reached the point to interrupt"
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.returncode, out, err


def test_ctrl_c_of_a_sweep_prints_one_line_and_the_resume_works(tmp_path):
    cfg = tmp_path / "c.yaml"
    settings = {**TINY, "steps": 300, "eval_every": 300}
    cfg.write_text("name: c\nfixed:\n" + "".join(f"  {k}: {v}\n" for k, v in settings.items())
                   + "axes:\n  seed: [0, 1, 2, 3, 4, 5]\n")
    out = tmp_path / "out"
    cmd = CLI + ["sweep", str(cfg), "--out", str(out), "--jobs", "2", "--no-progress"]
    rc, _, err = _ctrl_c(cmd, lambda: store.runs_dir(out).is_dir() and any(store.runs_dir(out).glob("*.json")))
    assert rc == 130
    line = one_error_line(err)
    assert "interrupted" in line and "run the same command again to resume" in line
    # the workers stop too (no worker left training after the sweep is gone)
    pids = {int(p.read_text().split()[1]) for p in (out / ".sweep").glob("*/claims/*")}
    from lejepa_verify.validation.sweep.worker import _alive

    deadline = time.time() + 10
    while any(_alive(pid) for pid in pids):
        assert time.time() < deadline, "workers outlived the interrupted sweep"
        time.sleep(0.1)
    done = len(list(store.runs_dir(out).glob("*.json")))
    assert 1 <= done < 6
    assert main(["sweep", str(cfg), "--out", str(out), "--jobs", "2", "--no-progress"]) == 0
    assert len(list(store.runs_dir(out).glob("*.json"))) == 6


@pytest.mark.parametrize("command", ["train", "report"])
def test_ctrl_c_of_train_and_report_prints_one_line_and_exits_130(tmp_path, command):
    out = tmp_path / "out"
    started = tmp_path / "started"
    if command == "train":
        cmd = CLI + ["train", "--steps", "1000000", "--no-progress", "--out", str(out)]
    else:
        cmd = CLI + ["report", "--out", str(out), "--no-progress"]
    # interrupt once the work has begun: both create their output folder first
    rc, _, err = _ctrl_c(cmd, out.exists)
    assert rc == 130, err
    line = one_error_line(err)
    assert "interrupted" in line and "run the same command again" in line, err
    if command == "train":
        assert not out.exists(), "an interrupted run left its empty folder behind"


# ------------------------------------------------------------------------------------------
# 7. two sweeps on one folder


def test_two_sweeps_on_one_folder_do_not_both_train(tmp_path):
    cfg = tmp_path / "two.yaml"
    settings = {**TINY, "steps": 1000, "eval_every": 1000}
    cfg.write_text("name: two\nfixed:\n" + "".join(f"  {k}: {v}\n" for k, v in settings.items())
                   + "axes:\n  seed: [0, 1, 2, 3]\n")
    out = tmp_path / "out"
    cmd = CLI + ["sweep", str(cfg), "--out", str(out), "--jobs", "1", "--no-progress"]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    first = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.time() + 120
        while not list((out / ".sweep").glob("*/claims")):
            assert first.poll() is None, first.communicate()
            assert time.time() < deadline
            time.sleep(0.05)
        second = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
        first_out, first_err = first.communicate(timeout=300)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, first_err
    assert second.returncode == 2
    line = one_error_line(second.stderr)
    assert "another sweep is already working in" in line and str(out) in line and f"pid {first.pid}" in line
    recs = [json.loads(p.read_text()) for p in store.runs_dir(out).glob("*.json")]
    assert len(recs) == 4 and len(list((out / ".sweep").glob("*/submitit"))) == 1
    # negative control: once the first has finished the lock is free, and a rerun reuses everything
    assert main(["sweep", str(cfg), "--out", str(out), "--no-progress"]) == 0


def test_the_lock_is_released_when_its_holder_is_killed(tmp_path):
    lock = tmp_path / "lock"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\n"
        "from lejepa_verify.validation.io import folder_lock\n"
        f"with folder_lock({str(lock)!r}, 'sweep', 'x'):\n"
        "    print('held', flush=True)\n"
        "    time.sleep(60)\n")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(vio.FolderBusy, match=f"pid {holder.pid}"):
            with vio.folder_lock(lock, "sweep", "x"):
                pass
    finally:
        holder.kill()
        holder.wait()
    with vio.folder_lock(lock, "sweep", "x"):
        pass


# ------------------------------------------------------------------------------------------
# 8. tracebacks that escaped the error handling


def test_train_config_file_errors_name_the_file(tmp_path, capsys):
    missing = tmp_path / "nofile.json"
    listing = tmp_path / "list.json"
    listing.write_text("[1, 2]")
    broken = tmp_path / "broken.json"
    broken.write_text("{\"steps\": 5,")
    latin = tmp_path / "latin.json"
    latin.write_bytes(b"{\"mixing\": \"caf\xe9\"}")
    for path, needle in ((missing, "cannot be read"), (listing, "must hold a JSON object"),
                         (broken, "is not valid JSON"), (latin, "is not UTF-8")):
        assert main(["train", "--config", str(path), "--out", str(tmp_path / "o")]) == 2
        line = one_error_line(capsys.readouterr().err)
        assert str(path) in line and needle in line, line
    good = tmp_path / "good.json"
    good.write_text(json.dumps(TINY))
    assert main(["train", "--config", str(good), "--no-progress", "--out", str(tmp_path / "o")]) == 0


def test_a_non_utf8_sweep_file_is_named(tmp_path, capsys):
    cfg = tmp_path / "s.toml"
    cfg.write_bytes(b"[fixed]\nmixing = 'caf\xe9'\n")
    assert main(["sweep", str(cfg), "--dry-run"]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert str(cfg) in line and "UTF-8" in line


def test_collect_into_an_existing_folder_is_refused(tmp_path, capsys):
    (tmp_path / "runs").mkdir()
    assert main(["collect", str(tmp_path), "--out", str(tmp_path)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "is a folder" in line and "results.csv" in line
    assert main(["collect", str(tmp_path), "--out", str(tmp_path / "t.csv")]) == 0


@pytest.mark.parametrize("value,needle", [
    ("alpha", "must look like alpha=0.5"),
    ("alpha=x", "must be a number"),
    ("{not json", "not a valid JSON object"),
    ("[1]", "or a JSON object"),
])
def test_latent_params_errors_keep_their_message(tmp_path, capsys, value, needle):
    # argparse's usage error comes back as exit status 2 (main does not raise SystemExit)
    assert main(["train", "--latent-params", value, "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert needle in err and "invalid _params value" not in err


def test_lam_start_none_is_accepted_by_report_set_as_by_train(tmp_path, capsys):
    from lejepa_verify.validation.commands.train import _optional

    assert _optional(float)("none") is None
    from lejepa_verify.validation.commands.report import parse_overrides

    assert TrainConfig.from_dict({**TINY, **parse_overrides(["lam_start=none"])}).lam_start is None
