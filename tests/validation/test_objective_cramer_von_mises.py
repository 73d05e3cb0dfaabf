"""The ``cramer_von_mises`` objective: W² against scipy, its exact null mean 1/6 and variance
(4B − 3)/(180B), its mean at a wrong scale by quadrature, controls, gradients, a training run."""

import math

import numpy as np
import pytest
import torch
from scipy import integrate, special, stats

from lejepa_verify.validation.config import TrainConfig
from lejepa_verify.validation.objectives import objective_class
from lejepa_verify.validation.objectives.cramer_von_mises import (CramerVonMises, cramer_von_mises, null_mean,
                                                                  null_variance, scale_curvature)
from lejepa_verify.validation.trainer import train

TINY = dict(steps=20, eval_every=10, eval_size=128, n_bootstrap=0, spectrum_degree=0, width=8, depth=1)


def _w2(samples: torch.Tensor) -> torch.Tensor:
    """W² of each row of ``samples`` (R, B)."""
    return cramer_von_mises(torch.sort(samples, dim=-1).values.unsqueeze(-1)).squeeze(-1)


def test_w2_equals_scipys_one_sample_statistic():
    rng = np.random.default_rng(0)
    for u in (rng.standard_normal(40), rng.laplace(size=300), 0.5 * rng.standard_normal(3)):
        got = float(_w2(torch.tensor(u).unsqueeze(0)))
        assert got == pytest.approx(stats.cramervonmises(u, "norm").statistic, rel=1e-10, abs=1e-13)


@pytest.mark.parametrize("B, reps", [(4, 40000), (64, 20000), (512, 4000)])
def test_null_mean_and_variance_are_exact_at_every_sample_size(B, reps):
    # the standard error of the mean is the exact sqrt(Var/reps), not an estimate
    gen = torch.Generator().manual_seed(B)
    w2 = _w2(torch.randn(reps, B, generator=gen, dtype=torch.float64))
    assert null_mean() == pytest.approx(1 / 6)
    assert abs(float(w2.mean()) - 1 / 6) < 4 * math.sqrt(null_variance(B) / reps)
    # the sample variance of a statistic with finite fourth moment: 10 % covers many of its s.e.
    assert float(w2.var()) == pytest.approx(null_variance(B), rel=0.1)


def _integral(c: float, B: float) -> float:
    """∫ [G(1 − G) + B (G − Φ)²] dΦ with G(x) = Φ(x/c)."""
    def integrand(x):
        F, G = special.ndtr(x), special.ndtr(x / c)
        return (G * (1 - G) + B * (G - F) ** 2) * math.exp(-x * x / 2) / math.sqrt(2 * math.pi)

    return integrate.quad(integrand, -30, 30, limit=400, epsabs=1e-14, epsrel=1e-12)[0]


@pytest.mark.parametrize("c", [0.8, 1.25])
def test_mean_at_a_wrong_scale_matches_quadrature(c):
    B, reps = 64, 6000
    gen = torch.Generator().manual_seed(int(100 * c))
    w2 = _w2(c * torch.randn(reps, B, generator=gen, dtype=torch.float64)).double()
    assert abs(float(w2.mean()) - _integral(c, B)) < 4 * float(w2.std()) / math.sqrt(reps)


def test_scale_curvature_closed_form_is_the_second_difference():
    def discrepancy(c):
        return _integral(c, 1.0) - _integral(c, 0.0)

    d = 1e-2
    second = (discrepancy(1 + d) + discrepancy(1 - d) - 2 * discrepancy(1.0)) / d ** 2
    assert scale_curvature() == pytest.approx(second, rel=1e-3)
    assert scale_curvature() == pytest.approx(0.0612588, rel=1e-5)   # 1/(3√3 π)


def test_a_non_gaussian_law_with_the_same_two_moments_scores_higher_and_grows_like_b():
    gen = torch.Generator().manual_seed(3)

    def excess(B):
        u = (torch.rand(300, B, generator=gen, dtype=torch.float64) - 0.5) * math.sqrt(12.0)
        w2 = _w2(u)
        return float(w2.mean()) - 1 / 6, float(w2.std()) / math.sqrt(300)

    (small, se_s), (large, _) = excess(512), excess(2048)
    assert small > 10 * se_s
    assert 3.0 < large / small < 5.0


def test_the_sliced_penalty_has_the_null_mean_for_gaussian_embeddings_in_any_dimension():
    gen = torch.Generator().manual_seed(4)
    obj = CramerVonMises(lam=1.0, n_slices=8, m=5)
    vals = torch.tensor([float(obj.penalty(torch.randn(256, 5, generator=gen, dtype=torch.float64), gen))
                         for _ in range(400)])
    assert abs(float(vals.mean()) - 1 / 6) < 4 * float(vals.std()) / 20


def test_the_sliced_penalty_scores_a_uniform_square_with_unit_covariance_higher():
    # Cov = I, but no projection of the square is Gaussian (in 5 dimensions random projections of a
    # cube are nearly Gaussian already, which is what slicing costs there)
    gen = torch.Generator().manual_seed(6)
    obj = CramerVonMises(lam=1.0, n_slices=8, m=2)
    null = torch.tensor([float(obj.penalty(torch.randn(1024, 2, generator=gen, dtype=torch.float64), gen))
                         for _ in range(200)])
    square = (torch.rand(1024, 2, generator=gen, dtype=torch.float64) - 0.5) * math.sqrt(12.0)
    assert float(obj.penalty(square, gen)) > float(null.mean()) + 5 * float(null.std())


def test_gradient_matches_finite_differences():
    gen = torch.Generator().manual_seed(5)
    A = torch.randn(3, 4, generator=gen, dtype=torch.float64)
    A = A / A.norm(dim=0)
    h = torch.randn(16, 3, generator=gen, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda h: cramer_von_mises(torch.sort(h @ A, dim=0).values).mean(), (h,))


def test_options_are_checked_and_the_name_is_registered():
    assert objective_class("cramer_von_mises") is CramerVonMises
    with pytest.raises(ValueError, match="n_slices"):
        CramerVonMises(n_slices=100000)
    with pytest.raises(ValueError, match="lam"):
        CramerVonMises(lam=1.5)


def test_trains_through_the_trainer():
    res = train(TrainConfig(objective="cramer_von_mises", n_slices=4, **TINY), progress=False)
    assert res.status == "ok" and math.isfinite(res.metrics.r2_hz)
    assert all(math.isfinite(v) and v > 0 for v in res.curves["regulariser"])
