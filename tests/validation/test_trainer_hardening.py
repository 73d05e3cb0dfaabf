"""The trainer under failure: divergence (an exploding but finite loss, non-finite final metrics)
and a failed run that leaves no folder of its own behind (the trainer's part of the former
hardening tests; the run folder's own tests are in test_run_folder.py)."""

import json

import pytest

from lejepa_verify.validation.cli import main
from lejepa_verify.validation.config import TrainConfig
from tests.validation.helpers import TINY, strict_json


def test_an_exploding_finite_loss_is_recorded_as_diverged_with_step_and_reason(tmp_path, capsys):
    from lejepa_verify.validation.trainer import DIVERGENCE_LOSS_FACTOR, TrainingDiverged, train

    # the reproduction, `train --lr 10 --steps 200` (default network), without the costly extras
    short = {"steps": 200, "eval_every": 50, "n_bootstrap": 0, "spectrum_degree": 0}
    out = tmp_path / "run"
    with pytest.raises(TrainingDiverged) as err:
        train(TrainConfig(**short, lr=10.0), progress=False, out=out)
    rec = json.loads((out / "record.json").read_text())
    assert rec["status"] == "diverged"
    step, reason = rec["metrics"]["diverged_at_step"], rec["metrics"]["divergence"]
    assert 1 <= step <= 200 and "the loss reached" in reason
    assert f"step {step}" in str(err.value)
    # the loss at the stop is finite: the NaN check alone would have let the run end "ok"
    loss = rec["metrics"]["loss"]
    assert isinstance(loss, float) and DIVERGENCE_LOSS_FACTOR < abs(loss) < float("inf")

    # negative control: the same run at the default learning rate ends ok
    res = train(TrainConfig(**short), progress=False)
    assert res.status == "ok" and 0.0 < res.metrics.r2_hz <= 1.0

    # the CLI: standard JSON on stdout, status diverged with the step, exit status 1
    assert main(["train", "--lr", "10", "--steps", "200", "--eval-every", "50", "--n-bootstrap", "0",
                 "--spectrum-degree", "0", "--no-progress", "--out", str(tmp_path / "cli")]) == 1
    printed = strict_json(capsys.readouterr().out)
    assert printed["status"] == "diverged" and isinstance(printed["diverged_at_step"], int) and printed["reason"]


def test_non_finite_final_metrics_make_the_run_diverged_not_ok(monkeypatch):
    import dataclasses

    import lejepa_verify.numerics.bounds as bounds
    import lejepa_verify.validation.trainer as trainer

    real = bounds.approximate_identifiability

    def nan_epsilon(*args, **kwargs):
        return dataclasses.replace(real(*args, **kwargs), epsilon=float("nan"))

    monkeypatch.setattr(bounds, "approximate_identifiability", nan_epsilon)
    with pytest.raises(trainer.TrainingDiverged) as err:
        trainer.train(TrainConfig(**TINY), progress=False)
    assert "epsilon = nan" in str(err.value)
    assert err.value.record["metrics"]["divergence"].startswith("final metrics not finite")
    # negative control: with the real evaluation the same run is ok
    monkeypatch.setattr(bounds, "approximate_identifiability", real)
    assert trainer.train(TrainConfig(**TINY), progress=False).status == "ok"


def test_a_failing_train_removes_the_folder_it_created_but_not_an_existing_one(tmp_path, monkeypatch):
    import lejepa_verify.validation.trainer as trainer

    def broken(*a, **k):
        raise RuntimeError("simulated failure before any record")

    monkeypatch.setattr(trainer, "fit_one", broken)
    new = tmp_path / "new"
    with pytest.raises(RuntimeError):
        trainer.train(TrainConfig(**TINY), progress=False, out=new)
    assert not new.exists()
    kept = tmp_path / "kept"
    kept.mkdir()
    with pytest.raises(RuntimeError):
        trainer.train(TrainConfig(**TINY), progress=False, out=kept)
    assert kept.is_dir()
