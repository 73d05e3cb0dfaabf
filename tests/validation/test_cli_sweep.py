"""`lejepa-verify sweep` (``validation.commands.sweep``): refusals before any run, Ctrl-C with
how to resume, and one sweep at a time in a folder.

The interrupt and lock tests act at a known state of the sweep (``helpers.HELD_SWEEP``: runs
held until the test releases them) and wait for events, never for the clock.
"""

import json
import os
import subprocess
import sys

from lejepa_verify.validation.cli import main
from lejepa_verify.validation.sweep import store
from tests.validation.helpers import CLI, HELD_SWEEP, TINY, one_error_line, sweep_file
from tests.waiting import HANG_GUARD, interrupt_when, wait_for, wait_until_gone


def test_sweep_dry_run_refuses_a_config_that_would_fail_at_start(tmp_path, capsys):
    cfg = tmp_path / "bad.toml"
    cfg.write_text("[fixed]\nlatent = 'uniform'\ntransition = 'ar1'\nsteps = 5\n[axes]\nrho = [0.5, 0.3]\n")
    assert main(["sweep", str(cfg), "--dry-run", "--out", str(tmp_path / "o")]) == 2
    err = one_error_line(capsys.readouterr().err)
    assert "rho=0.3" in err and "1/k" in err
    cfg.write_text("[fixed]\nlatent = 'uniform'\ntransition = 'ar1'\nsteps = 5\n[axes]\nrho = [0.5, 0.25]\n")
    assert main(["sweep", str(cfg), "--dry-run", "--out", str(tmp_path / "o")]) == 0


def test_a_non_utf8_sweep_file_is_named(tmp_path, capsys):
    cfg = tmp_path / "s.toml"
    cfg.write_bytes(b"[fixed]\nmixing = 'caf\xe9'\n")
    assert main(["sweep", str(cfg), "--dry-run"]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert str(cfg) in line and "UTF-8" in line


def _claims(out):
    return list((out / store.HIDDEN_DIR).glob("*/claims/*"))


def _records(out):
    folder = store.runs_dir(out)
    return list(folder.glob("*.json")) if folder.is_dir() else []


def test_ctrl_c_of_a_sweep_prints_one_line_stops_its_workers_and_the_resume_works(tmp_path):
    cfg = sweep_file(tmp_path / "c.toml", "c", TINY, range(6))
    out = tmp_path / "out"
    gate = tmp_path / "gate"
    gate.mkdir()
    (gate / "one").touch()  # one run finishes, every other one is held
    args = ["sweep", str(cfg), "--out", str(out), "--jobs", "2", "--no-progress"]
    pids = set()

    def one_in_and_both_workers_busy(proc):
        # the finished run's claim stays: three claims = each worker holds a run
        claims = _claims(out)
        if len(_records(out)) == 1 and len(claims) == 3:
            pids.update(int(p.read_text().split()[1]) for p in claims)
            return True
        return False

    rc, _, err = interrupt_when([sys.executable, "-c", HELD_SWEEP, str(gate), *args], one_in_and_both_workers_busy)
    assert rc == 130, err
    line = one_error_line(err)
    assert "interrupted" in line and "run the same command again to resume" in line
    assert "1 run records are in" in line
    # the workers stop too (no worker left training after the sweep is gone)
    assert len(pids) == 2
    wait_until_gone(pids, "the workers of the interrupted sweep to end")
    assert len(_records(out)) == 1
    # resumed with the real trainer: the five other runs, the finished one kept
    assert main(args) == 0
    assert len(_records(out)) == 6


def test_two_sweeps_on_one_folder_do_not_both_train(tmp_path):
    cfg = sweep_file(tmp_path / "two.toml", "two", TINY, range(4))
    out = tmp_path / "out"
    gate = tmp_path / "gate"
    gate.mkdir()
    args = ["sweep", str(cfg), "--out", str(out), "--jobs", "1", "--no-progress"]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    # the first sweep holds its runs until the second has been refused
    first = subprocess.Popen([sys.executable, "-c", HELD_SWEEP, str(gate), *args], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
    try:
        wait_for(lambda: bool(_claims(out)), "the first sweep to start a run", proc=first)
        second = subprocess.run(CLI + args, capture_output=True, text=True, env=env, timeout=HANG_GUARD)
        (gate / "release").touch()
        _, first_err = first.communicate(timeout=HANG_GUARD)
    finally:
        (gate / "release").touch()
        if first.poll() is None:
            first.kill()
            first.wait()
    assert first.returncode == 0, first_err
    assert second.returncode == 2
    line = one_error_line(second.stderr)
    assert "another sweep is already working in" in line and str(out) in line and f"pid {first.pid}" in line
    recs = [json.loads(p.read_text()) for p in _records(out)]
    assert len(recs) == 4 and len(list((out / store.HIDDEN_DIR).glob("*/submitit"))) == 1
    # negative control: once the first has finished the lock is free, and a rerun reuses everything
    assert main(args) == 0

