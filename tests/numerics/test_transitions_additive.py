"""The Nyström transition operator of additive-noise worlds against Gaussian closed forms (docs/theory.md §1, §3)."""

import math

import numpy as np
import pytest
from scipy import stats

from lejepa_verify.numerics.transitions.additive import nystrom


@pytest.mark.parametrize("a,sigma", [(0.6, 0.8), (0.5, 1.0), (0.9, math.sqrt(1 - 0.9 ** 2))])
def test_linear_drift_has_the_gaussian_stationary_law_and_a_linear_optimum(a, sigma):
    # x' = a x + σ ε is stationary at N(0, σ²/(1 − a²)); its operator is Mehler's, whose top
    # mean-zero eigenvalue is a with the eigenfunction x
    sd = sigma / math.sqrt(1 - a * a)
    op = nystrom(lambda x: a * x, sigma, panel=min(0.5, 0.6 * sigma), half_width=12 * max(sd, 1.0))
    assert op.l1_distance(lambda x: stats.norm.pdf(x, scale=sd)) < 1e-12
    # a linear solve of about a thousand nodes: its rounding, about 1e-13, grows like 1/(1 − a)
    assert op.mean == pytest.approx(0, abs=1e-12) and op.sd == pytest.approx(sd, rel=1e-12)
    assert op.gaussian_l1() < 1e-12
    assert op.stationarity_residual() < 1e-12
    opt = op.alignment_optimum()
    assert opt.top == pytest.approx(a, abs=1e-12) and opt.linear == pytest.approx(a, abs=1e-12)
    assert opt.excess < 1e-12 and opt.nonlinearity < 1e-10


def test_density_off_the_grid_its_log_and_score():
    op = nystrom(lambda x: 0.5 * x, math.sqrt(0.75))
    x = np.array([-7.3, -1.1, 0.0, 0.37, 2.9])
    # the grid density carries an absolute error of about 1e-16, so the tails are good in absolute terms
    np.testing.assert_allclose(op.pdf(x), stats.norm.pdf(x), rtol=1e-11, atol=1e-15)
    bulk = x[1:]
    np.testing.assert_allclose(op.logpdf(bulk), stats.norm.logpdf(bulk), rtol=1e-12)
    np.testing.assert_allclose(op.score(bulk), -bulk, atol=1e-12)
    # far out, where the density underflows, its log stays finite and astronomically small
    far = op.logpdf(np.array([40.0, -60.0]))
    assert np.all(np.isfinite(far)) and np.all(far < stats.norm.logpdf(20.0))


def test_the_cheap_log_density_agrees_with_the_nystrom_one_and_continues_the_tail():
    op = nystrom(lambda x: 0.6 * np.tanh(x), 0.8)
    x = np.linspace(-4.5, 4.5, 301)  # p > 1e-7 here
    value, slope = op.smooth_logpdf(x)
    np.testing.assert_allclose(value, op.logpdf(x), atol=1e-8)
    np.testing.assert_allclose(slope, op.score(x), atol=1e-6)
    # beyond the accurate range: a parabola of curvature −1/σ², continuous with the inside
    edge = op._log_panels[0][-1]
    inside, outside = op.smooth_logpdf(np.array([edge - 1e-9, edge + 1e-9]))[0]
    assert inside == pytest.approx(outside, abs=1e-6)
    far = op.smooth_logpdf(np.array([edge + 10.0, edge + 20.0]))[0]
    assert far[1] - far[0] == pytest.approx(10 * op.smooth_logpdf(np.array([edge]))[1][0] - 0.5 * (400 - 100) / 0.64, rel=1e-9)
