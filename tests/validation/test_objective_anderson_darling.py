"""The ``anderson_darling`` objective: A² against scipy, its null mean 1 at every B, its mean at a
wrong scale by quadrature, non-Gaussian controls, gradients, and a training run."""

import math

import numpy as np
import pytest
import torch
from scipy import integrate, special, stats

from lejepa_verify.validation.config import TrainConfig
from lejepa_verify.validation.objectives import objective_class
from lejepa_verify.validation.objectives.anderson_darling import (AndersonDarling, anderson_darling, null_mean,
                                                                  scale_curvature)
from lejepa_verify.validation.trainer import train

TINY = dict(steps=20, eval_every=10, eval_size=128, n_bootstrap=0, spectrum_degree=0, width=8, depth=1)


def _a2(samples: torch.Tensor) -> torch.Tensor:
    """A² of each row of ``samples`` (R, B)."""
    return anderson_darling(torch.sort(samples, dim=-1).values.unsqueeze(-1)).squeeze(-1)


def _mean_and_se(values: torch.Tensor) -> tuple[float, float]:
    v = values.double()
    return float(v.mean()), float(v.std() / math.sqrt(v.numel()))


def test_a2_equals_scipys_statistic_with_known_parameters():
    # scipy's goodness_of_fit with loc = 0, scale = 1 known: the same fully specified null
    rng = np.random.default_rng(0)
    for u in (rng.standard_normal(40), rng.standard_t(3, size=200), 1.7 * rng.standard_normal(7)):
        ref = stats.goodness_of_fit(stats.norm, u, known_params={"loc": 0.0, "scale": 1.0}, statistic="ad",
                                    n_mc_samples=9, random_state=0).statistic
        got = float(_a2(torch.tensor(u).unsqueeze(0)))
        assert got == pytest.approx(ref, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("B, reps", [(5, 40000), (64, 8000), (512, 1500)])
def test_null_mean_is_one_at_every_sample_size(B, reps):
    # E[A²] = ∫ F(1 − F)/(F(1 − F)) dF = 1 exactly, not only in the limit; 4 standard errors
    gen = torch.Generator().manual_seed(B)
    mean, se = _mean_and_se(_a2(torch.randn(reps, B, generator=gen, dtype=torch.float64)))
    assert null_mean() == 1.0
    assert abs(mean - 1.0) < 4 * se, (mean, se)
    assert se < 0.02


def test_null_variance_approaches_its_asymptotic_value():
    # Anderson and Darling (1952): Var A² → 2(π² − 9)/3 ≈ 0.5797; at B = 256 the sample variance of
    # 8000 draws has a relative standard error of about sqrt(2/8000)·sqrt(kurtosis excess factor) < 5 %
    gen = torch.Generator().manual_seed(7)
    v = float(_a2(torch.randn(8000, 256, generator=gen, dtype=torch.float64)).var())
    assert v == pytest.approx(2 * (math.pi ** 2 - 9) / 3, rel=0.1)


def _integral(c: float, B: float) -> float:
    """∫ [G(1 − G) + B (G − Φ)²] / (Φ(1 − Φ)) dΦ with G(x) = Φ(x/c)."""
    def integrand(x):
        F, G = special.ndtr(x), special.ndtr(x / c)
        return (G * (1 - G) + B * (G - F) ** 2) / (F * special.ndtr(-x)) * math.exp(-x * x / 2) / math.sqrt(2 * math.pi)

    return integrate.quad(integrand, -30, 30, limit=400, epsabs=1e-14, epsrel=1e-12)[0]


@pytest.mark.parametrize("c", [0.8, 1.25])
def test_mean_at_a_wrong_scale_matches_quadrature(c):
    # E(F_B − Φ)² = G(1 − G)/B + (G − Φ)² for N(0, c²) samples, so E[A²] is the integral above
    B, reps = 64, 6000
    gen = torch.Generator().manual_seed(int(100 * c))
    mean, se = _mean_and_se(_a2(c * torch.randn(reps, B, generator=gen, dtype=torch.float64)))
    assert abs(mean - _integral(c, B)) < 4 * se


def test_scale_curvature_is_the_second_difference_of_the_population_discrepancy():
    # the part of E[A²] proportional to B is B ∫ (G − Φ)²/(Φ(1 − Φ)) dΦ ≈ B S''(c − 1)²/2
    def discrepancy(c):
        return _integral(c, 1.0) - _integral(c, 0.0)

    d = 1e-2
    second = (discrepancy(1 + d) + discrepancy(1 - d) - 2 * discrepancy(1.0)) / d ** 2
    assert scale_curvature() == pytest.approx(second, rel=1e-3)


def test_a_non_gaussian_law_with_the_same_two_moments_scores_higher_and_grows_like_b():
    gen = torch.Generator().manual_seed(3)

    def uniform_mean(B):
        u = (torch.rand(200, B, generator=gen, dtype=torch.float64) - 0.5) * math.sqrt(12.0)
        return _mean_and_se(_a2(u))

    (small, se_s), (large, se_l) = uniform_mean(256), uniform_mean(1024)
    assert small - 1.0 > 10 * se_s
    # B times a positive population discrepancy (plus the O(1) part): 4 times B, about 4 times the excess
    assert 3.0 < (large - 1.0) / (small - 1.0) < 5.0


def test_the_sliced_penalty_is_one_for_gaussian_embeddings_and_sees_dependence_the_covariance_misses():
    gen = torch.Generator().manual_seed(4)
    obj = AndersonDarling(lam=1.0, n_slices=8, m=2)
    null = [float(obj.penalty(torch.randn(512, 2, generator=gen, dtype=torch.float64), gen)) for _ in range(400)]
    mean, se = _mean_and_se(torch.tensor(null))
    assert abs(mean - 1.0) < 4 * se
    # (x, s·x) with a random sign s: both marginals N(0, 1) and Cov = I, but the diagonal projection
    # (1 + s)x/√2 is 0 half the time: not Gaussian, and the sliced statistic says so
    x = torch.randn(512, generator=gen, dtype=torch.float64)
    s = torch.randint(0, 2, (512,), generator=gen).double() * 2 - 1
    coupled = torch.stack((x, s * x), 1)
    assert float(obj.penalty(coupled, gen)) > mean + 10 * se * math.sqrt(400)   # 10 null standard deviations


def test_gradient_matches_finite_differences():
    gen = torch.Generator().manual_seed(5)
    A = torch.randn(3, 4, generator=gen, dtype=torch.float64)
    A = A / A.norm(dim=0)
    h = torch.randn(24, 3, generator=gen, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda h: anderson_darling(torch.sort(h @ A, dim=0).values).mean(), (h,))


def test_far_projections_stay_finite():
    # ln Φ(−40) would be ln 0 = −inf without log_ndtr
    u = torch.tensor([[-40.0], [0.0], [40.0]], dtype=torch.float32, requires_grad=True)
    a2 = anderson_darling(u)
    a2.sum().backward()
    assert torch.isfinite(a2).all() and torch.isfinite(u.grad).all() and float(a2.detach()) > 100


def test_options_are_checked_and_the_name_is_registered():
    assert objective_class("anderson_darling") is AndersonDarling
    with pytest.raises(ValueError, match="n_slices"):
        AndersonDarling(n_slices=0)
    with pytest.raises(ValueError, match="objective 'anderson_darlin'; valid choices: .*anderson_darling"):
        TrainConfig(objective="anderson_darlin")


def test_trains_through_the_trainer():
    res = train(TrainConfig(objective="anderson_darling", n_slices=4, **TINY), progress=False)
    assert res.status == "ok" and math.isfinite(res.metrics.r2_hz)
    assert all(math.isfinite(v) and v > 0 for v in res.curves["regulariser"])
