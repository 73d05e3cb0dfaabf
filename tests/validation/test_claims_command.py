"""`lejepa-verify claims`: a closed pipe, a selection of ids, an id of another layer (issue 24, defect 12)."""

import json
import os
import subprocess
import sys

import pytest

from tests.waiting import HANG_GUARD

from lejepa_verify.validation.claimrun import load_claims
from lejepa_verify.validation.cli import main

CHEAP = "lemma/hermite-orthogonality"


def test_a_reader_that_is_gone_ends_the_command_quietly():
    # the pipe's read end is closed before the command starts: its first write gets EPIPE, as
    # behind `| head -1` once head has exited (no timing involved)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run([sys.executable, "-m", "lejepa_verify.validation.cli", "claims", "--json", "--no-progress",
                               "--id", CHEAP], stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=HANG_GUARD)
    finally:
        os.close(write_end)
    assert proc.returncode in (0, 141), proc.stderr
    assert "Traceback" not in proc.stderr and "Broken pipe" not in proc.stderr and "BrokenPipeError" not in proc.stderr


def test_json_lists_lean_names_and_every_control(capsys):
    rc = main(["claims", "--json", "--no-progress", "--id", "lean/bound_small_perturbation"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0 and len(out) == 1
    d = out[0]
    assert d["lean"] == ["bound_small_perturbation"]
    assert len(d["controls"]) >= 3 and all(c["rejected"] for c in d["controls"])
    assert {c["kind"] for c in d["controls"]} >= {"dropped hypothesis", "wrong exponent"}


def test_a_selection_lists_only_the_declarations_its_claims_name(capsys):
    rc = main(["claims", "--no-progress", "--id", "lemma/mehler"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "not yet checked" not in out and "not checked" not in out
    section = out.split("Lean declarations", 1)[1]
    assert "mehler_summability" in section and "mazur_ulam" not in section
    named = next(c for c in load_claims(["theory"]) if c.id == "lemma/mehler").lean
    assert f"{43 - len(named)} other declarations: their claims were not in this selection" in section


def test_an_id_of_another_layer_says_which_layer(capsys):
    rc = main(["claims", "--no-progress", "--layer", "validation", "--id", "lemma/mehler"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "'lemma/mehler' is a claim of the theory layer" in err and "unknown" not in err


def test_an_unknown_id_lists_the_valid_ones(capsys):
    rc = main(["claims", "--no-progress", "--id", "lemma/no-such-claim"])
    err = capsys.readouterr().err
    assert rc == 2 and "unknown claim id 'lemma/no-such-claim'" in err and "lemma/mehler" in err


@pytest.mark.parametrize("layers", [["theory"], ["theory", "numerics"]])
def test_claim_modules_are_listed_by_the_registry(layers):
    from lejepa_verify.validation.claimrun import claim_modules, load_claims

    assert "lean_audit" in claim_modules("theory") and "spectral" in claim_modules("numerics")
    claims = load_claims(layers)
    assert claims and {c.layer for c in claims} == set(layers)
