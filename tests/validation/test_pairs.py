"""Pair sources: what each draws, what it refuses, and what the evaluation reports for it."""

import numpy as np
import pytest
import torch

from lejepa_verify.validation.config import TrainConfig
from lejepa_verify.validation.worlds import World

ARM = dict(mixing="arm", encoder="cnn", cnn_channels=[4, 8], cnn_hidden=16, batch_size=16, steps=10, eval_every=5,
           n_bootstrap=10, eval_size=4096)


def _corr(a: torch.Tensor, b: torch.Tensor) -> float:
    a, b = a.double() - a.double().mean(0), b.double() - b.double().mean(0)
    return float((a * b).sum() / torch.sqrt(a.square().sum() * b.square().sum()))


def test_anchor_views_correlate_at_rho_squared_and_held_out_pairs_at_rho():
    world = World.from_config(TrainConfig(pairs="anchor", rho=0.8, n=4, mixing="identity"))
    a, b = world.train_pairs(50_000, torch.Generator().manual_seed(0))
    z, z_next = world.eval_pairs(50_000, torch.Generator().manual_seed(1))
    # correlations of 2·10⁵ pooled pairs: standard error about (1 − r²)/√(2·10⁵) < 1e-3
    assert _corr(a, b) == pytest.approx(0.64, abs=4e-3)
    assert _corr(z, z_next) == pytest.approx(0.8, abs=4e-3)


@pytest.mark.parametrize("setting", [{"latent": "gennorm", "latent_params": {"alpha": 0.5}},
                                     {"latent_params": {"alpha": 4.0}, "latent": "gennorm"},
                                     {"transition": "authors"}])
def test_arm_trajectories_refuse_latent_settings_they_do_not_read(setting):
    with pytest.raises(ValueError, match="does not read the world's latent law"):
        TrainConfig(pairs="arm_trajectory", **{**ARM, **setting})


def test_arm_trajectory_held_out_pairs_are_independent_and_the_bound_is_not_reported():
    from lejepa_verify.validation.trainer import train

    res = train(TrainConfig(pairs="arm_trajectory", trajectory_lag=3, rho=0.3, **ARM), progress=False)
    m, arr = res.metrics, res.arrays
    n = len(arr["z"])
    # fewer rows than eval_size: as many as the bank holds independent pairs, none repeated
    assert m.uncertainty.n_samples == n < 4096
    assert len(np.unique(arr["z"], axis=0)) == n
    # δ is computed at the pairs' measured correlation, not the config's ρ = 0.3
    measured = _corr(torch.from_numpy(arr["z"]), torch.from_numpy(arr["z_next"]))
    expected_delta = m.alignment - 2 * (1 - measured) * m.trace_cov
    assert m.delta == pytest.approx(expected_delta, rel=1e-6, abs=1e-9)
    assert m.bound is None and m.bound_upper is None and m.bound_holds is None
    assert any("not reported" in note for note in m.notes)


def test_an_objective_that_needs_batch_extras_is_refused_with_a_source_that_draws_none():
    # found by the action-world session: this config failed at its first step with KeyError 'actions'
    with pytest.raises(ValueError, match="needs the batch extras actions.*pairs that do: action"):
        TrainConfig(objective="lejepa_action", transition="ou_action", action_dim=2)
    TrainConfig(objective="lejepa_action", transition="ou_action", action_dim=2, pairs="action")
