"""The side-by-side tables: a row for every expected run (not run, failed), their definitions of
the bound against a hand computation, and the CLI's refusals."""

import math

import pytest

from lejepa_verify.validation.cli import main
from lejepa_verify.validation.paper_compare import (authors_bound, build_markdown, cells, figure_saver,
                                                    store_dir)
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
    assert "not run: the report's pixel section writes" in md
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


def test_alpha_figure_follows_its_table_and_reacher_rows_read_the_pixel_summary(tmp_path):
    import json

    from lejepa_verify.validation.paper_numbers import load

    pixels = tmp_path / "pixels"
    pixels.mkdir()
    row = {"kind": "ou", "param": 0.99, "steps": 123, "r2_hz": 0.4321, "orth_err": 0.9, "bound": None,
           "bound_upper": None, "plan_median": 1.234, "plan_quartiles": [1.1, 1.5]}
    traj = {**row, "kind": "trajectory", "param": 4, "r2_hz": 0.2468, "plan_median": 1.777}
    (pixels / "summary.json").write_text(json.dumps({"profile": "quick", "runs": [
        {**row, "name": "ou_rho0.99"}, {**traj, "name": "traj_lag4"}]}))
    md, data = build_markdown(tmp_path, "quick", fingerprint_max_n=2, save_figure=figure_saver(tmp_path))
    assert "0.432 (123 steps, profile quick)" in md and "median 1.23 (IQR 1.1–1.5), ou_rho0.99" in md
    assert "0.247 (traj_lag4)" in md and "median 1.78" in md
    assert (tmp_path / "figures" / "paper_alpha.png").stat().st_size > 1000
    assert md.index("![α ablation") > md.index("### α ablation") and md.index("![α ablation") < md.index("### The bound")
    # with no α run stored the figure draws only their published curve and the transport prediction
    from lejepa_verify.numerics.latents import latent_law
    from lejepa_verify.numerics.transport import transport_r2
    from lejepa_verify.validation.paper_compare import alpha_figure

    d = data["alpha"]
    assert d["alpha"] == list(load().gennorm_alpha.alpha) and all(math.isnan(g) for g in d["grid"])
    assert d["transport"][d["alpha"].index(2.0)] == pytest.approx(1.0, abs=1e-6)   # a Gaussian is linear
    assert d["transport"][0] == pytest.approx(transport_r2(latent_law("gennorm", alpha=0.125)))
    (ax,) = alpha_figure(d).axes
    assert [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")] == [
        "theirs, published (grid; read off their figure, ±0.03)", "transport prediction (on the law)"]
    # a summary that does not parse, or whose rows lack a key, is a row that says so, never a crash
    for bad in ("{not json", json.dumps({"profile": "quick", "runs": [{"name": "ou_rho0.99"}]})):
        (pixels / "summary.json").write_text(bad)
        md, _ = build_markdown(tmp_path, "quick", fingerprint_max_n=2)
        assert md.count("unreadable `") == 4, bad
    # NaN (json_safe writes the string "nan") is a dash, not a crash
    (pixels / "summary.json").write_text(json.dumps({"profile": "quick", "runs": [
        {**row, "name": "ou_rho0.99", "r2_hz": "nan", "plan_median": "nan", "plan_quartiles": ["nan", "nan"]}]}))
    md, _ = build_markdown(tmp_path, "quick", fingerprint_max_n=2)
    assert "| — (123 steps, profile quick) |" in md and "median — (IQR —–—), ou_rho0.99" in md


def test_cli_prints_one_line_per_sweep_not_its_records(tmp_path, capsys, monkeypatch):
    import lejepa_verify.validation.sweep as sweep_pkg
    from lejepa_verify.validation.sweep.run import SweepResult

    def fake_run_sweep(spec, out, **kw):
        rec = {"run_id": "x", "status": "ok", "metrics": {"r2_hz": 0.123456789}}
        counts = {"total": 1, "ok": 1, "failed": 0, "diverged": 0, "ran": 1, "reused": 0}
        return SweepResult(spec.name, kw["profile"], str(out), "local", (rec,), counts, 2.5)

    monkeypatch.setattr(sweep_pkg, "run_sweep", fake_run_sweep)
    assert main(["paper", "--out", str(tmp_path), "--profile", "quick", "--only", "paper_2d", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "sweep paper_2d [quick]: 1 runs: 1 ok, 0 failed, 0 diverged (1 run now, 0 already in the store) in 2.5 s" in out
    assert "0.123456789" not in out and (tmp_path / "paper.md").exists()


def test_channel_table_measures_the_pair_correlation_and_compares_finished_runs(tmp_path):
    from lejepa_verify.validation.paper_compare import channel_table

    runs = expand(load_sweep("paper_channel", profile="quick"))
    assert {r.config.views for r in runs} == {"pair", "anchor"}
    # every setting but the channel is shared: the two views' configs differ only there
    by = {(r.config.mixing, r.config.views): r.config.to_dict() for r in runs}
    for w in {r.config.mixing for r in runs}:
        a, b = by[(w, "pair")], by[(w, "anchor")]
        assert {k for k in a if a[k] != b[k]} == {"pairs"}
    where = store_dir(tmp_path, "paper_channel", "quick")
    for r, r2 in zip(runs[:2], (0.9, 0.8)):   # the spiral's pair and anchor runs
        store.write_record(where, {"run_id": r.run_id, "status": "ok", "config": r.config.to_dict(), "wall_time": 1.0,
                                   "metrics": {"r2_hz": r2, "procrustes_mse": 0.1, "bound": 0.2, "bound_upper": 0.05}})
    rows = channel_table(tmp_path, "quick")
    lines = "\n".join(rows)
    rho = runs[0].config.rho
    for views, expected in (("pair", rho), ("anchor", rho ** 2)):    # ρ and ρ² measured, within 2 s.e.
        (cell,) = [r.split("|")[3] for r in rows if r.startswith(f"| spiral | {views} |")]
        value, se = (float(t) for t in cell.split("(")[0].split("±"))
        assert abs(value - expected) <= se, (views, value, se)
    assert "R²(anchor) − R²(pair) = -0.1000" in lines
    assert "0 of 1 | 1 of 1 |" in lines            # the error above bound_upper is counted, not hidden
    assert "0 of 1 (not run)" in lines              # the coupling's runs are rows that say so
