"""SIGReg (sliced Epps–Pulley), alignment, whitening and InfoNCE against closed forms."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from lejepa_verify.validation.objectives import objective_class
from lejepa_verify.validation.objectives import (
    alignment, directions, quadrature, sigreg, sigreg_null_mean, whitening_penalty,
)
# the term, not the member module of the same name (validation/objectives/__init__.py says why)
from lejepa_verify.validation.objectives.terms import infonce


def _phi_interval(t_max):
    return 2 * special.ndtr(t_max) - 1


def test_quadrature_integrates_the_gaussian_weight():
    t, w = quadrature(401, 3.0)
    exact = math.sqrt(2 * math.pi) * _phi_interval(3.0)   # ∫_{−3}^{3} e^{−t²/2} dt
    assert float(w.double().sum()) == pytest.approx(exact, rel=1e-4)


def test_null_mean_closed_form():
    # ∫_{−T}^{T} (1 − e^{−t²}) e^{−t²/2} dt
    T = 3.0
    exact = math.sqrt(2 * math.pi) * _phi_interval(T) - math.sqrt(2 * math.pi / 3) * _phi_interval(T * math.sqrt(3))
    assert sigreg_null_mean(801, T) == pytest.approx(exact, rel=1e-5)
    assert sigreg_null_mean(17, T) == pytest.approx(exact, rel=2e-2)   # trapezoid with 17 knots


def test_epps_pulley_integral_matches_closed_form():
    # B ∫_R |φ̂ − φ|² e^{−t²/2} dt = B [√(2π)/B² Σ e^{−(x_j−x_k)²/2} − 2√π/B Σ e^{−x_j²/4} + √(2π/3)]
    rng = np.random.default_rng(0)
    x = rng.standard_t(4, size=64)
    B = len(x)
    d = x[:, None] - x[None, :]
    exact = B * (math.sqrt(2 * math.pi) / B ** 2 * np.exp(-d ** 2 / 2).sum()
                 - 2 * math.sqrt(math.pi) / B * np.exp(-x ** 2 / 4).sum() + math.sqrt(2 * math.pi / 3))
    t, w = quadrature(2001, 12.0)
    h = torch.tensor(np.stack([x, np.zeros(B)], 1), dtype=torch.float64)
    A = torch.tensor([[1.0], [0.0]], dtype=torch.float64)
    got = float(sigreg(h, A, t.double(), w.double()))
    assert got == pytest.approx(exact, rel=1e-6)


def test_sigreg_under_the_gaussian_null_has_the_predicted_mean():
    gen = torch.Generator().manual_seed(1)
    t, w = quadrature(17, 3.0)
    vals = []
    for _ in range(300):
        h = torch.randn(256, 2, generator=gen)
        vals.append(float(sigreg(h, directions(2, 1, gen), t, w)))
    vals = np.array(vals)
    se = vals.std(ddof=1) / math.sqrt(len(vals))
    assert abs(vals.mean() - sigreg_null_mean(17, 3.0)) < 4 * se


def test_sigreg_grows_with_the_batch_for_a_non_gaussian_law():
    gen = torch.Generator().manual_seed(2)
    t, w = quadrature(17, 3.0)
    A = directions(2, 16, gen)
    def mean_stat(B):
        # uniform with unit variance: same first two moments as the Gaussian
        return np.mean([float(sigreg((torch.rand(B, 2, generator=gen) - 0.5) * math.sqrt(12), A, t, w))
                        for _ in range(20)])
    small, large = mean_stat(512), mean_stat(4096)
    null = sigreg_null_mean(17, 3.0)
    assert small > 3 * null
    # the statistic is B times a positive population quantity: 8 times the batch, ~8 times the value
    assert 5 < (large - null) / (small - null) < 11


def test_directions_are_unit_vectors():
    gen = torch.Generator().manual_seed(3)
    for m in (2, 5):
        A = directions(m, 7, gen)
        assert A.shape == (m, 7)
        torch.testing.assert_close(A.norm(dim=0), torch.ones(7))


def test_alignment_is_the_mean_squared_distance():
    h1 = torch.tensor([[0.0, 0.0], [1.0, 1.0]])
    h2 = torch.tensor([[3.0, 4.0], [1.0, 1.0]])
    assert float(alignment(h1, h2)) == pytest.approx(12.5)


@settings(max_examples=30)
@given(st.integers(0, 10_000))
def test_whitening_penalty_vanishes_on_whitened_data(seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(200, 3, generator=g, dtype=torch.float64) @ torch.randn(3, 3, generator=g, dtype=torch.float64)
    # orthonormal, centred columns scaled by sqrt(N - 1): a sample covariance of exactly I (to rounding),
    # whatever the conditioning of the draw (inverting a Cholesky factor loses digits on a bad one)
    q, _ = torch.linalg.qr(x - x.mean(0))
    white = q * (len(x) - 1) ** 0.5
    assert float(whitening_penalty(white)) < 1e-18 + 1e-12
    assert float(whitening_penalty(2 * white)) == pytest.approx(3 * 9, rel=1e-9)


@settings(max_examples=30)
@given(st.integers(0, 10_000), st.floats(0.3, 3.0))
def test_infonce_is_symmetric_and_bounded_by_log_batch_for_equal_views(seed, sigma):
    g = torch.Generator().manual_seed(seed)
    h1, h2 = torch.randn(32, 2, generator=g), torch.randn(32, 2, generator=g)
    assert float(infonce(h1, h2, sigma)) == pytest.approx(float(infonce(h2, h1, sigma)), rel=1e-5)
    # identical views: each positive is the most similar, so the loss is below log B
    assert float(infonce(h1, h1, sigma)) <= math.log(32) + 1e-6


def test_objective_combines_terms_with_lambda():
    gen = torch.Generator().manual_seed(4)
    h1, h2 = torch.randn(64, 2), torch.randn(64, 2)
    obj = objective_class("whitening")(lam=0.25)
    loss, parts = obj(h1, h2, gen)
    assert float(loss) == pytest.approx(0.25 * float(parts["whitening"]) + 0.75 * float(parts["alignment"]), rel=1e-6)
    with pytest.raises(ValueError, match="objective"):
        objective_class("barlow_twins")
    with pytest.raises(ValueError, match="lam"):
        objective_class("lejepa")(lam=1.5)
