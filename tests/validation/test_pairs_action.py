"""The ``action`` pair source: what it refuses, that its batches carry the actions of the very draws
the numerics layer makes, and that its pairs are those of the ``transition`` source."""

import numpy as np
import pytest
import torch

from lejepa_verify.numerics.transitions import action_world, sample_action_triples
from lejepa_verify.validation.config import TrainConfig
from lejepa_verify.validation.pairs.base import numpy_rng
from lejepa_verify.validation.worlds import World

WORLD = dict(transition="ou_action", n=3, rho=0.8, mixing="identity", action_dim=2, action_gain=0.6, action_seed=4)


@pytest.mark.parametrize("transition", ["ou", "authors", None])
def test_it_refuses_a_world_without_actions_and_says_why(transition):
    with pytest.raises(ValueError, match="pairs 'action'.*needs transition 'ou_action'"):
        TrainConfig(pairs="action", transition=transition, n=2)


def test_an_action_covariance_that_breaks_stationarity_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="not positive definite"):
        TrainConfig(pairs="action", **{**WORLD, "action_scale": 2.0})


def test_a_batch_is_the_numerics_triple_of_the_same_seed():
    world = World.from_config(TrainConfig(pairs="action", **WORLD))
    gen = torch.Generator().manual_seed(11)
    seed_gen = torch.Generator().manual_seed(11)
    z, z_next, extras = world.train_pairs(500, gen)
    assert set(extras) == {"actions"}
    a = extras["actions"]
    assert z.dtype == z_next.dtype == a.dtype == torch.float32
    assert z.shape == z_next.shape == (500, 3) and a.shape == (500, 2)
    options = {k: WORLD[k] for k in ("action_dim", "action_gain", "action_seed")}
    ref = sample_action_triples(0.8, 500, 3, seed=numpy_rng(seed_gen), **options)
    for got, want in zip((z, a, z_next), ref):
        np.testing.assert_array_equal(got.numpy(), want.astype(np.float32))
    # the step the triple records: z' − ρz − B a is the noise, and the world's B is the numerics one
    B = world.pairs.world_matrices().B
    np.testing.assert_array_equal(B, action_world(3, 0.8, **options).B)


def test_its_pairs_are_those_of_the_transition_source_from_the_same_generator():
    with_actions = World.from_config(TrainConfig(pairs="action", **WORLD))
    plain = World.from_config(TrainConfig(pairs="transition", **WORLD))
    z1, zn1, _ = with_actions.train_pairs(300, torch.Generator().manual_seed(3))
    z2, zn2 = plain.train_pairs(300, torch.Generator().manual_seed(3))
    torch.testing.assert_close(z1, z2, rtol=0, atol=0)
    torch.testing.assert_close(zn1, zn2, rtol=0, atol=0)


def test_held_out_pairs_and_triples_are_the_same_draws_and_the_runs_held_out_set():
    from lejepa_verify.validation.fit import EVAL_SEED_OFFSET, prepare

    config = TrainConfig(pairs="action", eval_size=256, **WORLD)
    run = prepare(config, device="cpu")
    z, a, z_next = run.world.pairs.eval_triples(256, torch.Generator().manual_seed(config.seed + EVAL_SEED_OFFSET))
    torch.testing.assert_close(run.held.z, z, rtol=0, atol=0)
    torch.testing.assert_close(run.held.z_next, z_next, rtol=0, atol=0)
    pz, pzn = run.world.pairs.eval_pairs(256, torch.Generator().manual_seed(config.seed + EVAL_SEED_OFFSET))
    torch.testing.assert_close(pz, z, rtol=0, atol=0)
    assert a.shape == (256, 2)
    # averaged over the actions the pair is the OU channel: the world counts as the Gaussian world
    assert run.world.gaussian_world and run.world.pairs.bound_premise
