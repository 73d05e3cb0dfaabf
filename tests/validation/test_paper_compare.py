"""The side-by-side page and its one orchestration: a row for every expected run (not run,
failed), their definitions of the bound against a hand computation, the CLI's refusals and exit
status, the report section's overrides, and the former module name kept as an alias."""

import json
import math

import pytest

from lejepa_verify.validation.cli import main
from lejepa_verify.validation.paper import orchestrate
from lejepa_verify.validation.paper.bound import authors_bound
from lejepa_verify.validation.paper.runs import cells, store_dir
from lejepa_verify.validation.run_metrics import RunMetrics
from lejepa_verify.validation.sweep import expand, load_sweep, store


def _fast_page(tmp_path, **kw):
    return orchestrate.run_paper(tmp_path, "quick", tables_only=True, fingerprint_max_n=2, **kw)


def test_every_expected_run_has_a_row_and_a_failed_run_says_why(tmp_path):
    runs = expand(load_sweep("paper_scaling", profile="quick"))
    failed = runs[0]
    store.write_record(store_dir(tmp_path, "paper_scaling", "quick"),
                       {"run_id": failed.run_id, "status": "failed", "error": "ValueError: out of memory at n = 2",
                        "config": failed.config.to_dict(), "metrics": {}})
    cs = cells("paper_scaling", "quick", tmp_path)
    assert len(cs) == len(runs)
    assert [c.status for c in cs].count("failed") == 1 and [c.status for c in cs].count("not run") == len(runs) - 1
    result = _fast_page(tmp_path)
    md = result.markdown
    assert result.failed_runs == 1
    assert "failed (ValueError: out of memory at n = 2)" in md
    for n in (2, 4, 8, 16, 32, 64, 128, 256, 512, 1024):   # every published n has a row
        assert f"\n| {n} |" in md
    assert "not run: the report's pixel section writes" in md
    assert "0.999561" in md
    card = json.loads((tmp_path / "paper_scorecard.json").read_text())
    assert failed.config.objective == "authors_lejepa"
    (row,) = [e for e in card["entries"] if e["id"] == f"scaling.sigreg[n={failed.config.n}]"]
    assert row["verdict"] == "failed" and "out of memory" in row["why"]


def test_their_bound_definitions_by_hand():
    rho = 0.95
    m = RunMetrics(r2_hz=0.9, orth_err=0.1, alignment=0.2, trace_cov=1.9, epsilon=0.1)
    delta, D, b = authors_bound(m, rho)
    assert delta == pytest.approx(0.2 - 2 * 0.05 * 1.9)
    assert D == pytest.approx(delta / (2 * 0.95 * 0.05))
    assert b == pytest.approx(D + (0.1 + D) ** 2)
    # δ is clipped at 0 (theirs stores max(·, 0))
    assert authors_bound(RunMetrics(r2_hz=0.9, orth_err=0.1, alignment=0.1, trace_cov=2.0, epsilon=0.1), rho)[0] == 0.0
    # a run without the quantities gives NaN, never a number that would pass as a bound
    assert math.isnan(authors_bound(RunMetrics(r2_hz=0.9, orth_err=0.1), rho)[2])


def test_cli_refuses_bad_input_before_any_work(tmp_path, capsys):
    assert main(["paper", "--out", str(tmp_path), "--only", "nope", "--tables-only"]) == 2
    assert "unknown sweep 'nope'" in capsys.readouterr().err
    assert main(["paper", "--out", str(tmp_path), "--profile", "huge", "--tables-only"]) == 2
    assert "unknown profile 'huge'" in capsys.readouterr().err
    # a setting that changes what is compared is refused, naming it
    assert main(["paper", "--out", str(tmp_path), "--set", "latent=laplace", "--tables-only"]) == 2
    assert "cannot take --set latent" in capsys.readouterr().err
    # cpu-full runs only the sweeps it lists
    assert main(["paper", "--out", str(tmp_path), "--profile", "cpu-full", "--only", "paper_grid", "--tables-only"]) == 2
    assert "unknown sweep 'paper_grid'" in capsys.readouterr().err
    assert not (tmp_path / "paper.md").exists()


def _fake_sweeps(monkeypatch, status="ok"):
    """run_sweep replaced by one that stores every run of the spec with ``status`` and records its keywords."""
    import lejepa_verify.validation.sweep as sweep_pkg
    from lejepa_verify.validation.sweep.run import SweepResult

    seen = []

    def fake(spec, out, **kw):
        seen.append((spec, kw))
        recs = []
        for run in spec.runs():
            rec = {"run_id": run.run_id, "status": status, "config": run.config.to_dict(), "error":
                   "RuntimeError: the fake failed" if status == "failed" else None,
                   "metrics": {"r2_hz": 0.123456789, "orth_err": 0.5} if status == "ok" else {}}
            store.write_record(out, rec)
            recs.append(rec)
        counts = {"total": len(recs), "ok": len(recs) * (status == "ok"), "failed": len(recs) * (status == "failed"),
                  "diverged": 0, "ran": len(recs), "reused": 0}
        return SweepResult(spec.name, kw["profile"], str(out), "local", tuple(recs), counts, 2.5)

    monkeypatch.setattr(sweep_pkg, "run_sweep", fake)
    monkeypatch.setitem(orchestrate.FINGERPRINT_MAX_N, "quick", 2)
    return seen


def test_cli_prints_one_line_per_sweep_applies_set_and_passes_retry_failed(tmp_path, capsys, monkeypatch):
    seen = _fake_sweeps(monkeypatch)
    assert main(["paper", "--out", str(tmp_path), "--profile", "quick", "--only", "paper_2d", "--no-progress",
                 "--set", "steps=5", "--retry-failed"]) == 0
    out = capsys.readouterr().out
    assert "sweep paper_2d [quick]: 12 runs: 12 ok, 0 failed" in out and "0.123456789" not in out
    (spec, kw), = seen
    assert kw["retry_failed"] is True and {r.config.steps for r in spec.runs()} == {5}
    assert (tmp_path / "paper.md").exists()
    manifest = json.loads((tmp_path / "paper_scorecard.json").read_text())["header"]
    assert "steps=5" in " ".join(manifest["overrides"]) and "--set steps=5" in manifest["command"]
    assert "`steps=5`" in (tmp_path / "paper.md").read_text()


def test_cli_exits_1_when_runs_failed(tmp_path, capsys, monkeypatch):
    _fake_sweeps(monkeypatch, status="failed")
    assert main(["paper", "--out", str(tmp_path), "--profile", "quick", "--only", "paper_2d", "--no-progress"]) == 1
    assert "12 runs failed" in capsys.readouterr().out
    # the same store read again without training: still failed, still exit 1
    assert main(["paper", "--out", str(tmp_path), "--profile", "quick", "--only", "paper_2d", "--tables-only"]) == 1


def test_report_section_refuses_what_it_cannot_take_and_says_what_ran(tmp_path):
    from lejepa_verify.validation.report import ReportContext
    from lejepa_verify.validation.sections import paper

    ctx = ReportContext(out=tmp_path, profile="paper", progress=False, train_overrides={"latent": "laplace"})
    with pytest.raises(ValueError, match="cannot take --set latent"):
        paper.check(ctx)
    ctx = ReportContext(out=tmp_path, profile="paper", progress=False, train_overrides={"steps": 5})
    specs, applied = orchestrate.plan("paper", only=["paper_channel"], overrides=ctx.overrides)   # steps is taken
    assert all(r.config.steps == 5 for s in specs.values() for r in s.runs())
    assert any("`steps=5`" in a for a in applied)


def test_quick_report_section_measures_without_training_and_adds_its_counts_to_the_summary(tmp_path, monkeypatch):
    from lejepa_verify.validation.report import ReportContext
    from lejepa_verify.validation.sections import paper

    import lejepa_verify.validation.sweep as sweep_pkg

    monkeypatch.setattr(sweep_pkg, "run_sweep", lambda *a, **k: pytest.fail("the quick section must not train"))
    monkeypatch.setitem(orchestrate.FINGERPRINT_MAX_N, "quick", 2)
    ctx = ReportContext(out=tmp_path, profile="quick", progress=False, train_overrides={"steps": 5})
    md = paper.SECTION.build(ctx)
    assert "trained nothing at profile `quick`" in md and "do not apply here" in md
    card = json.loads((tmp_path / "paper_scorecard.json").read_text())
    assert card["counts"]["measured"] >= 10
    assert [q for q, _ in ctx.summary] == ["paper scorecard (paper_scorecard.json)", "paper: published numbers measured"]
    assert ctx.summary[0][1].startswith(f"{card['counts']['total']} published numbers")


def test_alpha_figure_follows_its_table_and_reacher_rows_read_the_pixel_summary(tmp_path):
    from lejepa_verify.numerics.latents import latent_law
    from lejepa_verify.numerics.transport import transport_r2
    from lejepa_verify.validation.paper.alpha import alpha_figure
    from lejepa_verify.validation.paper.orchestrate import figure_saver
    from lejepa_verify.validation.paper_numbers import load

    pixels = tmp_path / "pixels"
    pixels.mkdir()
    row = {"kind": "ou", "param": 0.99, "steps": 123, "r2_hz": 0.4321, "orth_err": 0.9, "bound": None,
           "bound_upper": None, "plan_median": 1.234, "plan_quartiles": [1.1, 1.5], "r2_z1": 0.5, "r2_z2": 0.4}
    traj = {**row, "kind": "trajectory", "param": 4, "r2_hz": 0.2468, "plan_median": 1.777, "r2_z1": 0.95,
            "r2_z2": 0.02}
    (pixels / "summary.json").write_text(json.dumps({"profile": "quick", "true_latent": {
        "plan_median": 1.0, "plan_quartiles": [1.0, 1.2]}, "runs": [{**row, "name": "ou_rho0.99"},
                                                                    {**traj, "name": "traj_lag4"}]}))
    result = _fast_page(tmp_path, save_figure=figure_saver(tmp_path))
    md = result.markdown
    assert "| 0.99 | 0.95 ± 4e-04 | 0.432 (123 steps, profile quick) |" in md
    assert "ou_rho0.99 1.23" in md and "traj_lag4 1.78" in md
    assert "| 4 | 0.997 / 0.991 |" in md and "| 0.51 / 0.43 | 0.950 / 0.020 |" in md
    assert (tmp_path / "figures" / "paper_alpha.png").stat().st_size > 1000
    assert md.index("![α ablation") > md.index("### α ablation") and md.index("![α ablation") < md.index("### α ablation, every")
    by = {e.published.id: e for e in result.scorecard.entries}
    assert by["reacher_table.ou_r2_h_to_z[rho=0.99]"].ours.value == pytest.approx(0.4321)
    assert by["reacher_table.traj_r2_h_to_z0[delta=4]"].ours.value == pytest.approx(0.95)
    assert by["reacher_table.traj_r2_h_to_z0[delta=4]"].verdict == "not_reached"
    # the planning claims from the summary: 1.234 lies outside the true latent's IQR 1.0-1.2, so not reproduced;
    # the trajectory encoder's median lies above the OU encoder's
    assert by["planning.caption_claim_c[gaussian]"].ours.holds is False
    assert by["planning.caption_claim_c[trajectory]"].ours.holds is True
    # with no α run stored the figure draws only their published curve and the transport prediction
    d = {"alpha": list(load().gennorm_alpha.alpha)}
    from lejepa_verify.validation.paper.alpha import alpha_table

    _, d = alpha_table(load(), orchestrate.Evidence(tmp_path, "quick", {}), {})
    assert all(math.isnan(g) for g in d["grid"])
    assert d["transport"][d["alpha"].index(2.0)] == pytest.approx(1.0, abs=1e-6)   # a Gaussian is linear
    assert d["transport"][0] == pytest.approx(transport_r2(latent_law("gennorm", alpha=0.125)))
    (ax,) = alpha_figure(d).axes
    assert [line.get_label() for line in ax.get_lines() if not line.get_label().startswith("_")] == [
        "theirs, published (grid; read off their figure, ±0.03)", "transport prediction (on the law)"]
    # a summary that does not parse, or whose rows lack a key, says so, never a crash
    for bad in ("{not json", json.dumps({"profile": "quick", "runs": [{"name": "ou_rho0.99"}]})):
        (pixels / "summary.json").write_text(bad)
        md = _fast_page(tmp_path).markdown
        assert "unreadable `" in md, bad
    # NaN (json_safe writes the string "nan") is a dash, not a crash
    (pixels / "summary.json").write_text(json.dumps({"profile": "quick", "runs": [
        {**row, "name": "ou_rho0.99", "r2_hz": "nan", "plan_median": "nan", "plan_quartiles": ["nan", "nan"]}]}))
    md = _fast_page(tmp_path).markdown
    assert "| 0.99 | 0.95 ± 4e-04 | nan (123 steps" in md or "| 0.99 | 0.95 ± 4e-04 | — |" in md


def test_channel_table_measures_the_pair_correlation_and_compares_finished_runs(tmp_path):
    from lejepa_verify.validation.paper.channel import channel_table
    from lejepa_verify.validation.paper.runs import Evidence

    runs = expand(load_sweep("paper_channel", profile="quick"))
    assert {r.config.pairs for r in runs} == {"transition", "anchor"}
    # every setting but the channel is shared: the two views' configs differ only there
    by = {(r.config.mixing, r.config.pairs): r.config.to_dict() for r in runs}
    for w in {r.config.mixing for r in runs}:
        a, b = by[(w, "transition")], by[(w, "anchor")]
        assert {k for k in a if a[k] != b[k]} == {"pairs"}
    where = store_dir(tmp_path, "paper_channel", "quick")
    for r, r2 in zip(runs[:2], (0.9, 0.8)):   # the spiral's pair and anchor runs
        store.write_record(where, {"run_id": r.run_id, "status": "ok", "config": r.config.to_dict(), "wall_time": 1.0,
                                   "metrics": {"r2_hz": r2, "orth_err": 0.1, "procrustes_mse": 0.1, "bound": 0.2,
                                               "bound_upper": 0.05}})
    rows = channel_table(Evidence(tmp_path, "quick", {"paper_channel": load_sweep("paper_channel", profile="quick")}))
    lines = "\n".join(rows)
    rho = runs[0].config.rho
    for views, expected in (("pair", rho), ("anchor", rho ** 2)):    # ρ and ρ² measured, within 2 s.e.
        (cell,) = [r.split("|")[3] for r in rows if r.startswith(f"| spiral | {views} |")]
        value, se = (float(t) for t in cell.split("(")[0].split("±"))
        assert abs(value - expected) <= se, (views, value, se)
    assert "R²(anchor) − R²(pair) = -0.1000" in lines
    assert "0 of 1 | 1 of 1 |" in lines            # the error above bound_upper is counted, not hidden
    assert "0 of 1 (not run)" in lines              # the coupling's runs are rows that say so


def test_the_former_module_name_still_imports():
    from lejepa_verify.validation import paper_compare
    from lejepa_verify.validation.paper import fingerprint

    assert paper_compare.fingerprint is fingerprint.fingerprint
    assert callable(paper_compare.reacher_table) and callable(paper_compare.build_markdown)


def test_no_module_of_the_paper_package_imports_the_report_sections():
    import ast
    from pathlib import Path

    import lejepa_verify.validation.paper as pkg

    for path in Path(pkg.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        names = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module] + \
                [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        assert not [m for m in names if "validation.sections" in m or "validation.report" in m], path.name


def test_the_documented_one_seed_command_plans_one_run_per_n():
    # `lejepa-verify paper --profile cpu-full --only paper_scaling --set seed=0 --set mixing_seed=0`
    # (the --help text and the sweep file say so): their first seed alone, one run per n
    from lejepa_verify.validation.paper.orchestrate import plan_runs

    _, _, runs = plan_runs("cpu-full", ["paper_scaling"], {"seed": 0, "mixing_seed": 0})
    got = sorted((r.config.n, r.config.seed, r.config.mixing_seed) for r in runs["paper_scaling"])
    assert got == [(n, 0, 0) for n in (2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)]
    _, _, every = plan_runs("cpu-full", ["paper_scaling"])
    assert len(every["paper_scaling"]) == 50 and {r.config.mixing_seed for r in every["paper_scaling"]} == set(range(5))
