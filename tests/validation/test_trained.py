"""A saved run reloads into the same composed map h = f ∘ g that was evaluated in training."""

import numpy as np
import pytest

from lejepa_verify.validation.config import TrainConfig
from lejepa_verify.validation.trained import load_trained_map, train_or_load
from lejepa_verify.validation.trainer import train


def test_reloaded_map_reproduces_the_held_out_outputs(tmp_path):
    cfg = TrainConfig(steps=40, eval_size=256, n_bootstrap=5, spectrum_degree=0)
    res = train(cfg, progress=False, out=tmp_path, save_arrays=True, save_weights=True)
    h, record = load_trained_map(tmp_path)
    assert record["config"] == cfg.to_dict()
    np.testing.assert_allclose(h(res.arrays["z"]), res.arrays["h"], rtol=1e-5, atol=1e-5)


def test_train_or_load_reuses_a_matching_run_and_retrains_a_different_one(tmp_path):
    cfg = TrainConfig(steps=30, eval_size=256, n_bootstrap=5, spectrum_degree=0)
    _, first = train_or_load(cfg, tmp_path, progress=False)
    _, again = train_or_load(cfg, tmp_path, progress=False)
    assert again["wall_time"] == first["wall_time"]  # read back, not retrained
    other = TrainConfig(steps=31, eval_size=256, n_bootstrap=5, spectrum_degree=0)
    _, changed = train_or_load(other, tmp_path, progress=False)
    assert changed["config"]["steps"] == 31


def test_missing_or_failed_runs_are_named(tmp_path):
    with pytest.raises(ValueError, match="run_dir .* holds no record.json"):
        load_trained_map(tmp_path)


@pytest.mark.parametrize("damage", [b"", b"not a torch file", "other_encoder"])
def test_train_or_load_retrains_over_a_corrupt_empty_or_mismatched_weights_file(tmp_path, damage):
    import torch

    cfg = TrainConfig(steps=20, eval_size=128, eval_every=10, n_bootstrap=0, width=8, depth=1, spectrum_degree=0)
    train_or_load(cfg, tmp_path, progress=False)
    if damage == "other_encoder":
        torch.save({"0.weight": torch.zeros(3, 3)}, tmp_path / "weights.pt")
    else:
        (tmp_path / "weights.pt").write_bytes(damage)
    with pytest.raises(ValueError, match="weights.pt does not load"):
        load_trained_map(tmp_path)
    h, record = train_or_load(cfg, tmp_path, progress=False)
    assert record["status"] == "ok" and h(__import__("numpy").zeros((2, 2))).shape == (2, 2)
