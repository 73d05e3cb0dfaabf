"""The CLI front door (``validation.cli``): claims JSON shape, exit status, a report directory that
cannot be written, and a full disk or a Ctrl-C said in one line with how to go on."""

import json
import os
import subprocess
import sys

import pytest

from lejepa_verify.validation import io as vio
from lejepa_verify.validation.cli import main
from tests.validation.helpers import CLI, fill, one_error_line, started_cli
from tests.waiting import HANG_GUARD, interrupt_when


def test_claims_json_has_the_documented_fields(capsys):
    rc = main(["claims", "--layer", "theory", "--json", "--no-progress"])
    out = json.loads(capsys.readouterr().out)
    assert isinstance(out, list) and out, "the theory layer registers claims"
    for obj in out:
        for key in ("id", "statement", "source", "layer", "passed", "control_rejected", "evidence", "seconds"):
            assert key in obj
        assert obj["layer"] == "theory"
        assert isinstance(obj["passed"], bool) and isinstance(obj["control_rejected"], bool)
    assert rc == (0 if all(o["passed"] and o["control_rejected"] for o in out) else 1)


def test_unwritable_out_dir_fails_before_work(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    rc = main(["report", "--out", str(blocker / "sub"), "--no-progress"])
    assert rc == 2
    assert "out directory" in capsys.readouterr().err
    assert not (blocker.parent / "sub").exists()


@pytest.mark.parametrize("opt,val", [("--profile", "huge"), ("--device", "tpu"), ("--backend", "pbs")])
def test_unknown_profile_device_backend(tmp_path, capsys, opt, val):
    rc = main(["report", "--out", str(tmp_path / "r"), opt, val, "--no-progress"])
    assert rc == 2
    assert val in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_console_script_is_installed():
    r = subprocess.run([sys.executable, "-m", "lejepa_verify.validation.cli", "--help"], capture_output=True, text=True)
    assert r.returncode == 0 and "claims" in r.stdout and "report" in r.stdout


# ------------------------------------------------------------------ full disks and Ctrl-C


def test_cli_on_a_full_disk_fails_in_one_line_naming_the_folder(small_tmpfs, tmp_path):
    fill(small_tmpfs, 8192)
    out = small_tmpfs / "o"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    for args in (["sweep", "mixings_2d", "--out", str(out), "--no-progress"],
                 ["train", "--out", str(out), "--no-progress"],
                 ["report", "--out", str(out), "--no-progress"]):
        done = subprocess.run(CLI + args, capture_output=True, text=True, env=env, timeout=HANG_GUARD)
        assert done.returncode == 2, done.stderr
        line = one_error_line(done.stderr)
        assert str(out) in line and "free" in line and "needs about" in line, line
        assert not out.exists(), "a refused command left its folder behind"
    # nothing half-written: the folder holds no file but what was there
    assert [p.name for p in small_tmpfs.rglob("*") if p.is_file()] == ["filler"]


def test_the_cli_says_a_full_disk_in_one_line_with_how_to_resume(monkeypatch, capsys, tmp_path):
    from lejepa_verify.validation.commands import collect as collect_cmd

    def full(args):
        raise vio.OutOfSpace(str(tmp_path), 5000, 0)

    monkeypatch.setattr(collect_cmd, "run", full)
    assert main(["collect", str(tmp_path)]) == 1
    line = one_error_line(capsys.readouterr().err)
    assert "no space left" in line and str(tmp_path) in line and "run the same command again" in line


@pytest.mark.parametrize("command", ["train", "report"])
def test_ctrl_c_of_train_and_report_prints_one_line_and_exits_130(tmp_path, command):
    out = tmp_path / "out"
    started = tmp_path / "started"
    args = ["--steps", "1000000"] if command == "train" else []
    # interrupt as soon as the command's work has begun (its arguments parsed): an interrupted
    # run must leave nothing behind, whenever the signal comes
    cmd = started_cli(started, command, *args, "--no-progress", "--out", str(out))
    rc, _, err = interrupt_when(cmd, lambda proc: started.exists())
    assert rc == 130, err
    line = one_error_line(err)
    assert "interrupted" in line and "run the same command again" in line, err
    if command == "train":
        assert not out.exists(), "an interrupted run left its empty folder behind"
