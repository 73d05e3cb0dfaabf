"""The experiments section (``validation.sections.experiments``) under ``report --set``: an
override of a swept key replaces the axis and says so; one no sweep can run fails first."""

import pytest


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


def test_a_report_override_no_sweep_can_run_fails_before_the_claims(tmp_path, monkeypatch):
    from lejepa_verify.validation import claimrun
    from lejepa_verify.validation.report import write_report

    def no_claims(*a, **k):
        raise AssertionError("the claims ran before the overrides were checked")

    monkeypatch.setattr(claimrun, "run_claims", no_claims)
    # n = 4 is a valid TrainConfig field value, but the 2D mixings of the sweeps refuse it
    with pytest.raises(ValueError, match="mixing 'spiral' is defined for n = 2 only"):
        write_report(tmp_path / "rep", train_overrides={"n": 4}, progress=False)
