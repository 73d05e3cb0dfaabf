"""The report writer: claims table, sections (a failing one is listed, not dropped), atomic files."""

import json

import pytest

from lejepa_verify.validation.cli import main
from lejepa_verify.validation.report import ReportContext, Section, write_report

CLAIM = "cor-4.5/planning-in-rotated-latent"


def _ok(ctx: ReportContext) -> str:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    ctx.add_summary("answer", 42.0)
    return "fine section\n\n" + ctx.save_figure(fig, "line", "a line")


def _broken(ctx: ReportContext) -> str:
    raise RuntimeError("this section broke")


def test_report_lists_claims_figures_and_failed_sections(tmp_path):
    summary = write_report(tmp_path, progress=False, claim_ids=[CLAIM],
                           sections=[Section("Works", 1, _ok), Section("Breaks", 2, _broken)])
    text = (tmp_path / "report.md").read_text()
    assert f"`{CLAIM}`" in text and "1 of 1 claims verified" in text
    assert "## Works" in text and "![a line](figures/line.png)" in text
    assert "## Breaks" in text and "This section FAILED" in text and "this section broke" in text
    assert "Sections that FAILED: Breaks" in text
    assert "| answer | 42 |" in text.split("## Claims")[0], "a section's summary row heads the report"
    assert (tmp_path / "figures" / "line.png").stat().st_size > 0 and (tmp_path / "figures" / "line.pdf").exists()
    claims = json.loads((tmp_path / "claims.json").read_text())
    assert [c["id"] for c in claims] == [CLAIM] and claims[0]["control_rejected"] is True
    assert summary["failed_sections"] == [{"section": "Breaks", "error": "RuntimeError: this section broke"}]
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")], "no temporary file is left behind"


def test_unknown_training_override_fails_before_any_work(tmp_path):
    with pytest.raises(ValueError, match="unknown config key 'stepz'"):
        write_report(tmp_path / "r", progress=False, train_overrides={"stepz": 3}, sections=[])
    assert not (tmp_path / "r").exists()


def test_cli_set_is_parsed_and_validated(tmp_path, capsys):
    rc = main(["report", "--out", str(tmp_path / "r"), "--set", "steps", "--no-progress"])
    assert rc == 2 and "KEY=VALUE" in capsys.readouterr().err
    rc = main(["report", "--out", str(tmp_path / "r"), "--set", "lam=2", "--no-progress"])
    assert rc == 2 and "lam must lie in [0, 1]" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_sections_option_selects_by_module_name_and_refuses_unknown_names(tmp_path, capsys):
    from lejepa_verify.validation.report import load_sections, section_names

    names = section_names()
    assert {"pixels", "paper", "training"} <= set(names) and "__init__" not in names
    assert [s.title for s in load_sections(["paper"])] == ["The paper, side by side"]
    assert [s.title for s in load_sections(["paper", "pixels", "paper"])] == [   # report order, each once
        "The pixel world: a CPU-sized Reacher", "The paper, side by side"]
    # every module's section, in report order, when no names are given
    assert len(load_sections()) == len(names)
    rc = main(["report", "--out", str(tmp_path / "r"), "--sections", "pixels", "nope", "--no-progress"])
    err = capsys.readouterr().err
    assert rc == 2 and "unknown section 'nope'" in err and "pixels" in err
    assert not (tmp_path / "r").exists()


def test_overrides_reach_the_runs_of_every_section_grid(tmp_path):
    # issue 24, defect 3: the pixel records kept rho 0.99 after --set rho=0.5, the training section
    # named the Gaussian latent after --set latent=laplace
    from lejepa_verify.validation.report import ReportContext
    from lejepa_verify.validation.sections import pixels, training

    ctx = ReportContext(out=tmp_path, profile="cpu", train_overrides={"rho": 0.5, "steps": 5})
    runs = pixels._runs(ctx)
    assert {c.rho for *_, c in runs} == {0.5} and {c.steps for *_, c in runs} == {5}
    spec, applied = ctx.sweep("pixels")
    assert any("rho" in o.describe("pixels") for o in applied)
    ctx = ReportContext(out=tmp_path, train_overrides={"latent": "laplace", "steps": 5})
    configs = [r.config for r in ctx.sweep(training.SWEEP)[0].runs()]
    assert {c.latent for c in configs} == {"laplace"}
    assert "laplace latent" in training._world_text(configs[0]) and "gaussian" not in training._world_text(configs[0])


def test_the_device_and_a_mixing_override_reach_the_planning_section(tmp_path):
    # issue 24, defect 4: "TrainConfig() got multiple values for keyword argument 'device'"
    from lejepa_verify.validation.report import ReportContext
    from lejepa_verify.validation.sections import planning

    ctx = ReportContext(out=tmp_path, train_overrides={"device": "cpu", "mixing": "banana"})
    assert ctx.config(mixing="spiral").mixing == "banana"
    planning.check(ctx)
    with pytest.raises(ValueError, match="2D latent world"):
        planning.check(ReportContext(out=tmp_path, train_overrides={"n": 4}))
