"""The CLI front door: claims JSON shape, exit status, and a report directory that cannot be written."""

import json
import subprocess
import sys

import pytest

from lejepa_verify.validation.cli import main


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
