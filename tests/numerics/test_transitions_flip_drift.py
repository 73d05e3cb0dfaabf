"""The flip drift: a nonlinear additive-noise world that keeps N(0, 1) exactly, with a nonlinear LeJEPA optimum."""

import math

import numpy as np
import pytest
from scipy import stats

from lejepa_verify.numerics.transitions import population_energy_defect, sample_pairs, transition_member

FLIP = transition_member("flip_drift")


def flip_correlation(rho, c):
    """``corr(z, z') = ρ E[z T_c(z)] = ρ(1 − 2E[z²; |z| < c])``, ``E[z²; |z| < c] = 2Φ(c) − 1 − 2cφ(c)``."""
    inner = 2 * stats.norm.cdf(c) - 1 - 2 * c * stats.norm.pdf(c)
    return rho * (1 - 2 * inner)


@pytest.mark.parametrize("c", [0.3, 1.0, 2.5])
def test_the_standard_normal_is_stationary(c):
    _, zn = sample_pairs("gaussian", "flip_drift", 0.7, 100_000, seed=3, flip_radius=c)
    assert stats.kstest(zn[:, 0], "norm").pvalue > 1e-3
    assert population_energy_defect("gaussian", "flip_drift", 0.7, flip_radius=c) < 1e-20
    # the grid's fixed point is N(0, 1) too
    assert FLIP.operator(0.7, flip_radius=c).l1_distance(stats.norm.pdf) < 1e-12


@pytest.mark.parametrize("rho,c", [(0.6, 1.0), (0.9, 0.5)])
def test_lag_one_correlation_and_the_nonlinear_optimum(rho, c):
    z, zn = sample_pairs("gaussian", "flip_drift", rho, 200_000, seed=4, flip_radius=c)
    want = flip_correlation(rho, c)
    assert np.corrcoef(z[:, 0], zn[:, 0])[0, 1] == pytest.approx(want, abs=5 / math.sqrt(200_000))
    opt = FLIP.operator(rho, flip_radius=c).alignment_optimum()
    assert opt.linear == pytest.approx(want, abs=1e-12)
    # z is not an eigenfunction of (T + T*)/2, so something nonlinear correlates better
    assert opt.excess > 1e-3 and opt.nonlinearity > 1e-3


def test_the_grid_optimum_bounds_a_hermite_rayleigh_ritz_from_above():
    # an independent lower bound: E[He_i(z) He_j(z')] by quadrature over (z, η), degree <= 6
    rho, c = 0.6, 1.0
    edges = np.unique(np.concatenate([np.linspace(-10, 10, 81), [-c, c]]))
    t, wt = np.polynomial.legendre.leggauss(12)
    half, mid = 0.5 * np.diff(edges), 0.5 * (edges[1:] + edges[:-1])
    z = (mid[:, None] + half[:, None] * t).ravel()
    wz = (half[:, None] * wt).ravel() * stats.norm.pdf(z)
    eta, we = np.polynomial.hermite_e.hermegauss(80)
    we = we / we.sum()
    zn = rho * np.where(np.abs(z) < c, -z, z)[:, None] + math.sqrt(1 - rho * rho) * eta[None, :]
    he = [np.polynomial.hermite_e.HermiteE.basis(k) for k in range(1, 7)]
    M = np.array([[np.sum(wz[:, None] * we[None, :] * hi(z)[:, None] * hj(zn)) for hj in he] for hi in he])
    gram = np.diag([math.factorial(k) for k in range(1, 7)]).astype(float)
    ritz = np.linalg.eigvalsh(np.linalg.solve(np.sqrt(gram), np.linalg.solve(np.sqrt(gram), 0.5 * (M + M.T)).T))[-1]
    opt = FLIP.operator(rho, flip_radius=c).alignment_optimum()
    assert opt.linear + 1e-3 < ritz <= opt.top + 1e-12


def test_refused_for_a_non_gaussian_law():
    with pytest.raises(ValueError, match="keeps N.0, 1. only"):
        sample_pairs("laplace", "flip_drift", 0.5, 10)
    with pytest.raises(ValueError, match="flip_radius must be"):
        sample_pairs("gaussian", "flip_drift", 0.5, 10, flip_radius=0.0)
