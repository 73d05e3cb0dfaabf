"""Planning by nearest-neighbour retrieval (numerics.retrieval_planning)."""

from __future__ import annotations

import numpy as np
import pytest

from lejepa_verify.numerics.retrieval_planning import plan_by_retrieval, start_goal_pairs


def bank(n=3000, seed=0):
    return np.random.default_rng(seed).standard_normal((n, 2))


def test_true_latent_costs_about_one_and_a_rotation_plans_identically():
    z = bank()
    pairs = start_goal_pairs(len(z), 30, seed=1)
    true = plan_by_retrieval(z, z, pairs)
    # a dense bank: the retrieved path wiggles around the straight line by about the spacing
    assert 1.0 <= true.median < 1.25
    c, s = np.cos(0.7), np.sin(0.7)
    Q = np.array([[c, -s], [s, c]])
    rot = plan_by_retrieval(3.0 * z @ Q.T, z, pairs)  # a similarity keeps nearest neighbours
    np.testing.assert_array_equal(rot.paths, true.paths)
    np.testing.assert_allclose(rot.costs, true.costs)


def test_cost_is_the_path_length_over_the_oracle():
    # a bank on a line: the plan retrieves the frames between start and goal in order, cost 1
    z = np.stack((np.linspace(0, 1, 11), np.zeros(11)), 1)
    p = plan_by_retrieval(z, z, np.array([[0, 10]]), steps=10)
    assert p.costs[0] == pytest.approx(1.0)
    np.testing.assert_array_equal(p.paths[0], np.arange(11))
    # the representation reversed in the middle: the decoded path runs back and forth
    rep = z.copy()
    rep[1:10, 0] = rep[9:0:-1, 0]
    q = plan_by_retrieval(rep, z, np.array([[0, 10]]), steps=10)
    assert q.costs[0] > 1.5


def test_negative_control_a_nonlinear_representation_costs_more():
    z = bank()
    pairs = start_goal_pairs(len(z), 30, seed=1)
    r = np.sqrt((z ** 2).sum(1, keepdims=True))
    spiral = np.stack((r[:, 0] * np.cos(np.arctan2(z[:, 1], z[:, 0]) + 2 * r[:, 0]),
                       r[:, 0] * np.sin(np.arctan2(z[:, 1], z[:, 0]) + 2 * r[:, 0])), 1)
    base = plan_by_retrieval(z, z, pairs).median
    assert plan_by_retrieval(spiral, z, pairs).median > base + 0.2


@pytest.mark.parametrize("kw, match", [
    (dict(representation=np.zeros((5, 2)) + np.nan), "representation must be finite"),
    (dict(latent=np.zeros(5)), "latent must be an array of shape"),
    (dict(pairs=np.array([[0, 7]])), "pairs must index the bank"),
    (dict(pairs=np.array([[0.0, 1.0]])), "pairs must be an integer array"),
    (dict(steps=0), "steps must be"),
])
def test_bad_input(kw, match):
    args = dict(representation=np.arange(10.0).reshape(5, 2), latent=np.arange(10.0).reshape(5, 2),
                pairs=np.array([[0, 4]]))
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        plan_by_retrieval(**args)
