"""A run's folder holds one run (issue 24, defect 2) and an interrupted run leaves nothing behind."""

import json

import pytest

from lejepa_verify.validation.config import TrainConfig
from lejepa_verify.validation.trained import load_trained_map
from lejepa_verify.validation.trainer import TrainingDiverged, train

TINY = dict(steps=20, eval_size=128, eval_every=10, n_bootstrap=0, width=8, depth=1, spectrum_degree=0)


def test_a_reused_folder_loses_the_companions_of_the_earlier_run(tmp_path):
    train(TrainConfig(seed=0, **TINY), progress=False, out=tmp_path, save_arrays=True, save_weights=True)
    (tmp_path / "candidates").mkdir()
    (tmp_path / "notes.txt").write_text("mine")
    res = train(TrainConfig(seed=1, **TINY), progress=False, out=tmp_path)
    assert json.loads((tmp_path / "record.json").read_text())["seed"] == 1
    # the earlier run's encoder and arrays are gone: nothing loads under the new record
    assert not (tmp_path / "weights.pt").exists() and not (tmp_path / "arrays.npz").exists()
    assert not (tmp_path / "candidates").exists()
    assert (tmp_path / "notes.txt").read_text() == "mine"          # what is not a run's is left alone
    with pytest.raises(ValueError, match="holds no weights.pt"):
        load_trained_map(tmp_path)
    assert res.config.seed == 1


def test_the_loaded_map_is_the_one_of_the_record(tmp_path):
    train(TrainConfig(seed=0, **TINY), progress=False, out=tmp_path, save_arrays=True, save_weights=True)
    res = train(TrainConfig(seed=5, **TINY), progress=False, out=tmp_path, save_arrays=True, save_weights=True)
    h, record = load_trained_map(tmp_path)
    import numpy as np

    from lejepa_verify.validation.metrics import r2

    a = np.load(tmp_path / "arrays.npz")
    assert record["seed"] == 5
    assert r2(h(a["z"]), a["z"]) == pytest.approx(res.metrics.r2_hz, abs=1e-6)


def test_a_diverged_run_replaces_an_ok_record(tmp_path):
    train(TrainConfig(**TINY), progress=False, out=tmp_path, save_weights=True)
    with pytest.raises(TrainingDiverged):
        train(TrainConfig(lr=1e8, **TINY), progress=False, out=tmp_path)
    rec = json.loads((tmp_path / "record.json").read_text())
    assert rec["status"] == "diverged" and not (tmp_path / "weights.pt").exists()


def test_when_every_candidate_diverges_the_diverged_record_is_written(tmp_path):
    train(TrainConfig(**TINY), progress=False, out=tmp_path, save_weights=True)
    with pytest.raises(TrainingDiverged, match="all 2 candidates diverged"):
        train(TrainConfig(lr=1e8, best_of=2, **TINY), progress=False, out=tmp_path)
    rec = json.loads((tmp_path / "record.json").read_text())
    assert rec["status"] == "diverged" and [c["status"] for c in rec["metrics"]["best_of"]["candidates"]] == \
        ["diverged", "diverged"]


def test_nothing_is_created_before_the_run_ends(tmp_path, monkeypatch):
    from lejepa_verify.validation import fit

    out = tmp_path / "new" / "run"

    def interrupted(*args, **kwargs):
        assert not (tmp_path / "new").exists()      # no folder while the run trains
        raise KeyboardInterrupt

    monkeypatch.setattr(fit, "fit", interrupted)
    with pytest.raises(KeyboardInterrupt):
        train(TrainConfig(**TINY), progress=False, out=out)
    assert not (tmp_path / "new").exists()


def test_an_out_that_is_a_file_is_refused_before_training(tmp_path):
    f = tmp_path / "f"
    f.write_text("x")
    with pytest.raises(ValueError, match="is a file, not a folder"):
        train(TrainConfig(**TINY), progress=False, out=f)
