"""The side-by-side tables: a row for every expected run (not run, failed), their definitions of
the bound against a hand computation, and the CLI's refusals."""

import math

import pytest

from lejepa_verify.validation.cli import main
from lejepa_verify.validation.paper_compare import authors_bound, build_markdown, cells, store_dir
from lejepa_verify.validation.sweep import expand, load_sweep, store


def test_every_expected_run_has_a_row_and_a_failed_run_says_why(tmp_path):
    runs = expand(load_sweep("paper_scaling", profile="quick"))
    failed = runs[0]
    store.write_record(store_dir(tmp_path, "paper_scaling", "quick"),
                       {"run_id": failed.run_id, "status": "failed", "error": "ValueError: out of memory at n = 2",
                        "config": failed.config.to_dict(), "metrics": {}})
    cs = cells("paper_scaling", "quick", tmp_path)
    assert len(cs) == len(runs)
    assert [c.status for c in cs].count("failed") == 1 and [c.status for c in cs].count("not run") == len(runs) - 1
    md, _ = build_markdown(tmp_path, "quick", fingerprint_max_n=2)
    assert "failed (ValueError: out of memory at n = 2)" in md
    for n in (2, 4, 8, 16, 32, 64, 128, 256, 512, 1024):   # every published n has a row
        assert f"\n| {n} |" in md
    assert "comes with the pixel-world issue" in md
    assert "0.999561" in md


def test_their_bound_definitions_by_hand():
    rho = 0.95
    m = {"alignment": 0.2, "trace_cov": 1.9, "epsilon": 0.1}
    delta, D, b = authors_bound(m, rho)
    assert delta == pytest.approx(0.2 - 2 * 0.05 * 1.9)
    assert D == pytest.approx(delta / (2 * 0.95 * 0.05))
    assert b == pytest.approx(D + (0.1 + D) ** 2)
    # δ is clipped at 0 (theirs stores max(·, 0))
    assert authors_bound({"alignment": 0.1, "trace_cov": 2.0, "epsilon": 0.1}, rho)[0] == 0.0


def test_cli_refuses_bad_input_before_any_work(tmp_path, capsys):
    assert main(["paper", "--out", str(tmp_path), "--only", "nope", "--tables-only"]) == 2
    assert "unknown sweep 'nope'" in capsys.readouterr().err
    assert main(["paper", "--out", str(tmp_path), "--profile", "huge", "--tables-only"]) == 2
    assert "unknown profile 'huge'" in capsys.readouterr().err
    assert not (tmp_path / "paper.md").exists()
