"""The absolute autoregression x' = ρ|x| + sqrt(1 − ρ²) ε: a skew-normal stationary law in closed form."""

import math

import numpy as np
import pytest
from scipy import stats

from lejepa_verify.numerics.transitions import (available_transitions, population_energy_defect, sample_pairs,
                                                 stationary_law, transition_member)

ABS = transition_member("abs_drift")


def test_a_long_raw_chain_settles_at_the_closed_form_moments():
    # the chain run forward from 0 (a second method: no stationary law assumed)
    rho, chains, steps = 0.7, 100_000, 60
    rng = np.random.default_rng(1)
    x = np.zeros(chains)
    for _ in range(steps):
        x = rho * np.abs(x) + math.sqrt(1 - rho * rho) * rng.standard_normal(chains)
    mu, s = ABS.location_scale(rho)
    assert mu == pytest.approx(rho * math.sqrt(2 / math.pi)) and s ** 2 == pytest.approx(1 - 2 * rho ** 2 / math.pi)
    assert x.mean() == pytest.approx(mu, abs=5 * x.std() / math.sqrt(chains))
    assert x.var() == pytest.approx(s * s, abs=5 * math.sqrt(2 / chains))
    # and its law is the skew-normal with shape α = ρ/sqrt(1 − ρ²)
    assert stats.kstest(x, stats.skewnorm(rho / math.sqrt(1 - rho * rho)).cdf).pvalue > 1e-3


@pytest.mark.parametrize("rho", [0.3, 0.8])
def test_the_world_law_is_the_standardised_skew_normal(rho):
    law = stationary_law("abs_drift", rho)
    delta = rho  # the skew-normal's δ = α/sqrt(1 + α²)
    b = delta * math.sqrt(2 / math.pi)
    skewness = (4 - math.pi) / 2 * b ** 3 / (1 - b * b) ** 1.5
    assert law.moment(1) == pytest.approx(0, abs=1e-12) and law.moment(2) == pytest.approx(1, abs=1e-12)
    assert law.moment(3) == pytest.approx(skewness, abs=1e-10)
    assert not law.is_gaussian
    assert available_transitions(law) == ("authors", "langevin", "abs_drift")
    # the grid's fixed point reproduces the closed form
    op = ABS.operator(rho)
    assert op.l1_distance(lambda x: ABS.closed_form_pdf(x, rho)) < 1e-12
    assert op.gaussian_l1() > 1e-3


def test_pairs_keep_the_law_and_the_optimum_is_nonlinear():
    rho = 0.6
    law = stationary_law("abs_drift", rho)
    z, zn = sample_pairs(law, "abs_drift", rho, 50_000, seed=2)
    assert stats.kstest(zn[:, 0], law.cdf).pvalue > 1e-3
    assert population_energy_defect(law, "abs_drift", rho) < 1e-10
    opt = ABS.operator(rho).alignment_optimum()
    assert opt.linear == pytest.approx(np.corrcoef(z[:, 0], zn[:, 0])[0, 1], abs=5 / math.sqrt(50_000))
    assert opt.excess > 0.05 and opt.nonlinearity > 0.05


def test_only_its_own_law_at_its_own_rho():
    with pytest.raises(ValueError, match="not available for law gaussian.*stationary_law"):
        sample_pairs("gaussian", "abs_drift", 0.5, 10)
    with pytest.raises(ValueError, match=r"rho = 0.5 moves its own stationary law custom\(abs_drift\(rho=0.5\)\)"):
        sample_pairs(stationary_law("abs_drift", 0.6), "abs_drift", 0.5, 10)
