"""`lejepa-verify report` end to end with tiny training runs (slow: run with `pytest -m slow`)."""

import json

import pytest

from lejepa_verify.validation.cli import main


@pytest.mark.slow
def test_report_end_to_end_then_resumed(tmp_path):
    args = ["report", "--out", str(tmp_path), "--jobs", "2", "--no-progress",
            "--set", "steps=20", "--set", "eval_size=512", "--set", "n_bootstrap=10"]
    main(args)  # tiny runs do not recover the latent; the exit status is about claims and sections
    text = (tmp_path / "report.md").read_text()
    assert "This section FAILED" not in text
    for name in ("alignment_penalty", "bound_vs_error", "r2_vs_alpha", "dimension_scaling",
                 "lambda_rho_heatmaps", "planning"):
        assert (tmp_path / "figures" / f"{name}.png").stat().st_size > 0, name
        assert f"figures/{name}.png" in text
    assert (tmp_path / "results.csv").read_text().count("\n") > 10
    claims = json.loads((tmp_path / "claims.json").read_text())
    assert claims and all({"id", "passed", "control_rejected", "evidence", "seconds"} <= set(c) for c in claims)
    # a second report resumes the sweeps: nothing is trained again
    main(args)
    table = (tmp_path / "report.md").read_text().split("| sweep | runs |")[1].split("\n\n")[0]
    rows = [line.split("|") for line in table.splitlines() if line.startswith("| `")]
    sweeps = {r[1].strip(" `"): (int(r[6]), int(r[7])) for r in rows}  # name -> (ran now, reused)
    assert set(sweeps) == {"mixings_2d", "lambda_rho", "gennorm_alpha", "dimension_scaling"}
    assert all(ran == 0 and reused > 0 for ran, reused in sweeps.values()), sweeps
