"""The recorded-trajectory channel of the pixel world (numerics.arm_dynamics)."""

from __future__ import annotations

import numpy as np
import pytest

from lejepa_verify.numerics.arm_dynamics import (
    LINK, MASS, TrajectoryBank, accelerations, latent_from_angles, trajectory_latent_pairs,
)


def kinetic_energy(theta, omega):
    """Independent reference: ½ m (|v_elbow|² + |v_tip|²) of the two point masses, the velocities
    from the forward kinematics by central differences (no mass matrix)."""
    def pos(t):
        e = LINK * np.stack((np.cos(t[:, 0]), np.sin(t[:, 0])), 1)
        return e, e + LINK * np.stack((np.cos(t[:, 0] + t[:, 1]), np.sin(t[:, 0] + t[:, 1])), 1)

    h = 1e-6
    (e1, t1), (e0, t0) = pos(theta + h * omega), pos(theta - h * omega)
    ve, vt = (e1 - e0) / (2 * h), (t1 - t0) / (2 * h)
    return 0.5 * MASS * ((ve ** 2).sum(1) + (vt ** 2).sum(1))


def test_accelerations_satisfy_the_power_balance():
    # dT/dt = θ̇ · (τ − b θ̇) for the Lagrangian of the arm (no potential): a check of M and c
    rng = np.random.default_rng(3)
    th, om, tau = rng.normal(size=(50, 2)), rng.normal(size=(50, 2)), 0.01 * rng.normal(size=(50, 2))
    b = 0.03
    acc = accelerations(th, om, tau, b)
    h = 1e-5
    dT = (kinetic_energy(th + h * om, om + h * acc) - kinetic_energy(th - h * om, om - h * acc)) / (2 * h)
    power = (om * (tau - b * om)).sum(1)
    np.testing.assert_allclose(dT, power, rtol=1e-4, atol=1e-9)
    # negative control: the same balance rejects accelerations without the Coriolis terms
    l2 = LINK ** 2
    cos2 = np.cos(th[:, 1])
    M = np.empty((50, 2, 2))
    M[:, 0, 0], M[:, 0, 1] = 3 * MASS * l2 + 2 * MASS * l2 * cos2, MASS * l2 * (1 + cos2)
    M[:, 1, 0], M[:, 1, 1] = M[:, 0, 1], MASS * l2
    wrong = np.linalg.solve(M, (tau - b * om)[..., None])[..., 0]
    dT_wrong = (kinetic_energy(th + h * om, om + h * wrong) - kinetic_energy(th - h * om, om - h * wrong)) / (2 * h)
    assert np.max(np.abs(dT_wrong - power)) > 100 * np.max(np.abs(dT - power))


def test_bank_is_seeded_bounded_and_non_gaussian():
    a = TrajectoryBank.simulate(n_trajectories=16, length=1500, seed=5)
    b = TrajectoryBank.simulate(n_trajectories=16, length=1500, seed=5)
    np.testing.assert_array_equal(a.theta, b.theta)
    assert np.abs(a.theta).max() <= a.limit + 1e-12
    m = a.marginals(lag=1)
    # near-uniform angles: excess kurtosis well below 0 (a uniform law has −1.2, a Gaussian 0)
    assert max(m.theta_excess_kurtosis) < -0.6
    assert max(m.z_excess_kurtosis) < -0.5
    assert min(m.lag_correlation) > 0.95
    m64 = a.marginals(lag=64)
    assert max(m64.lag_correlation) < min(m.lag_correlation)
    # negative control: the same statistic on a Gaussian sample of the same size is near 0
    from scipy import stats

    g = np.random.default_rng(0).standard_normal(m.n_states)
    assert abs(stats.kurtosis(g)) < 0.1


def test_pairs_at_a_lag_come_from_the_same_trajectory():
    bank = TrajectoryBank.simulate(n_trajectories=4, length=300, seed=1)
    rng = np.random.default_rng(0)
    z, zn = trajectory_latent_pairs(bank, 500, 3, rng)
    assert z.shape == zn.shape == (500, 2)
    flat = latent_from_angles(bank.theta)
    # every pair is (state t, state t + 3) of one recorded trajectory
    for i in range(0, 500, 50):
        k, t = np.argwhere(np.all(np.isclose(flat, z[i]), axis=-1))[0]
        np.testing.assert_allclose(flat[k, t + 3], zn[i])


@pytest.mark.parametrize("lag", [0, -2, 1.5, True, "3", None])
def test_lag_must_be_a_positive_integer(lag):
    bank = TrajectoryBank.simulate(n_trajectories=2, length=50, seed=0)
    with pytest.raises(ValueError, match="trajectory lag must be a positive integer"):
        bank.pairs(10, lag, np.random.default_rng(0))


def test_simulate_refuses_bad_parameters():
    with pytest.raises(ValueError, match="limit must lie in"):
        TrajectoryBank.simulate(limit=3.5)
    with pytest.raises(ValueError, match="n_trajectories"):
        TrajectoryBank.simulate(n_trajectories=0)
    bank = TrajectoryBank.simulate(n_trajectories=2, length=50, seed=0)
    with pytest.raises(ValueError, match="must be < the recorded length"):
        bank.pairs(10, 50, np.random.default_rng(0))


def test_independent_pairs_are_spaced_by_the_decorrelation_time_and_not_repeated():
    import numpy as np

    from lejepa_verify.numerics.arm_dynamics import TrajectoryBank

    bank = TrajectoryBank.simulate(n_trajectories=8, length=1200, seed=3)
    tau = bank.decorrelation_steps()
    z = 2 * np.tan(bank.theta / 2)
    z = (z - z.mean((0, 1))) / z.std((0, 1))
    # at tau the pooled autocorrelation of both joints is below the threshold, one step earlier not
    acf = lambda k: np.abs((z[:, :-k] * z[:, k:]).mean((0, 1))).max()  # noqa: E731
    assert acf(tau) < 0.06 and acf(tau - 1) >= 0.04
    a, b = bank.independent_pairs(10_000, 5, np.random.default_rng(0), spacing=100)
    per = (1200 - 5) // 105
    assert len(a) == 8 * per                       # every independent pair once, fewer than asked
    assert len(np.unique(a, axis=0)) == len(a)
    # each pair is (theta_t, theta_t+5) of one trajectory
    hits = [np.argwhere((bank.theta == row).all(-1))[0] for row in a[:20]]
    for (k, t), later in zip(hits, b[:20]):
        assert np.array_equal(bank.theta[k, t + 5], later)
