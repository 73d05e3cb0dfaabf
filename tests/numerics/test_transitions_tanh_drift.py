"""The saturating drift x' = ρκ tanh(x/κ) + sqrt(1 − ρ²) ε: a stationary law found only numerically."""

import math

import numpy as np
import pytest
from scipy import stats

from lejepa_verify.numerics.transitions import population_energy_defect, sample_pairs, stationary_law, transition_member

TANH = transition_member("tanh_drift")


def test_the_grid_law_matches_a_long_raw_chain():
    rho, chains, steps = 0.6, 100_000, 60
    rng = np.random.default_rng(7)
    x = np.zeros(chains)
    for _ in range(steps):
        x = rho * np.tanh(x) + math.sqrt(1 - rho * rho) * rng.standard_normal(chains)
    op = TANH.operator(rho, tanh_saturation=1.0)
    assert x.var() == pytest.approx(op.sd ** 2, abs=5 * math.sqrt(2 / chains))
    # the whole law: the standardised chain against the world's law (built from the grid's density)
    assert stats.kstest(x / op.sd, stationary_law("tanh_drift", rho).cdf).pvalue > 1e-3


def test_two_grids_agree_and_the_fixed_point_holds():
    fine = TANH.operator(0.6, panel=0.25, tanh_saturation=1.0)
    coarse = TANH.operator(0.6, tanh_saturation=1.0)
    assert coarse.l1_distance(fine.pdf) < 1e-12
    assert coarse.stationarity_residual() < 1e-12
    assert coarse.gaussian_l1() > 1e-3  # not Gaussian
    # a very slow saturation is the OU drift on the bulk of the law: nearly Gaussian
    assert TANH.operator(0.6, tanh_saturation=100.0).gaussian_l1() < 1e-3


def test_pairs_from_its_world_law():
    rho = 0.6
    law = stationary_law("tanh_drift", rho)
    assert law.moment(2) == pytest.approx(1, abs=1e-12) and law.moment(3) == pytest.approx(0, abs=1e-12)
    # lighter tails than N(0, 1): the saturating drift pulls the far values in
    assert law.moment(4) < 3
    z, zn = sample_pairs(law, "tanh_drift", rho, 50_000, seed=5)
    assert stats.kstest(zn[:, 0], law.cdf).pvalue > 1e-3
    assert population_energy_defect(law, "tanh_drift", rho) < 1e-12
    opt = TANH.operator(rho, tanh_saturation=1.0).alignment_optimum()
    assert opt.excess > 1e-3 and opt.nonlinearity > 1e-3
