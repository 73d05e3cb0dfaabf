"""The ``bhep`` objective: T_β's closed form against its defining integral, its exact null mean
1 − (1 + 2β²)^{−d/2} and its mean at a wrong scale, the scale curvature, controls, gradients,
and a training run."""

import math

import numpy as np
import pytest
import torch
from scipy import integrate

from lejepa_verify.validation.config import TrainConfig
from lejepa_verify.validation.objectives import objective_class
from lejepa_verify.validation.objectives.bhep import (BHEP, bhep, expectation_at_scale, henze_zirkler_beta, null_mean,
                                                      scale_curvature)
from lejepa_verify.validation.trainer import train

TINY = dict(steps=20, eval_every=10, eval_size=128, n_bootstrap=0, spectrum_degree=0, width=8, depth=1)


def _defining_integral_1d(x: np.ndarray, beta: float) -> float:
    """B ∫ |ψ_B(t) − e^{−t²/2}|² φ_β(t) dt by quadrature (d = 1)."""
    def integrand(t):
        re, im = np.cos(t * x).mean() - math.exp(-t * t / 2), np.sin(t * x).mean()
        return (re * re + im * im) * math.exp(-t * t / (2 * beta * beta)) / (beta * math.sqrt(2 * math.pi))

    return len(x) * integrate.quad(integrand, -np.inf, np.inf, limit=400, epsabs=1e-13, epsrel=1e-11)[0]


def _defining_integral_2d(x: np.ndarray, beta: float, nodes: int = 150) -> float:
    """The same in d = 2 by a Gauss–Hermite product rule for the N(0, β²I) weight."""
    s, w = np.polynomial.hermite_e.hermegauss(nodes)
    w = w / w.sum()
    t1, t2 = np.meshgrid(beta * s, beta * s, indexing="ij")
    phase = t1[..., None] * x[:, 0] + t2[..., None] * x[:, 1]
    re = np.cos(phase).mean(-1) - np.exp(-(t1 ** 2 + t2 ** 2) / 2)
    im = np.sin(phase).mean(-1)
    return len(x) * float(np.sum(np.outer(w, w) * (re ** 2 + im ** 2)))


@pytest.mark.parametrize("beta", [0.3, 1.0, 2.0])
def test_closed_form_equals_the_defining_integral(beta):
    rng = np.random.default_rng(int(10 * beta))
    x1 = rng.standard_t(4, size=(30, 1))
    got = float(bhep(torch.tensor(x1), beta))
    assert got == pytest.approx(_defining_integral_1d(x1[:, 0], beta), rel=1e-8)
    x2 = 0.7 * rng.standard_normal((25, 2))
    got = float(bhep(torch.tensor(x2), beta))
    assert got == pytest.approx(_defining_integral_2d(x2, beta), rel=1e-6)


@pytest.mark.parametrize("B, d, beta, reps", [(8, 2, 1.0, 20000), (128, 2, None, 1000), (64, 5, 0.5, 2000),
                                              (64, 64, 0.177, 1000)])
def test_null_mean_is_exact_at_every_sample_size(B, d, beta, reps):
    beta = henze_zirkler_beta(B, d) if beta is None else beta
    gen = torch.Generator().manual_seed(B + d)
    x = torch.randn(reps, B, d, generator=gen, dtype=torch.float64)
    vals = bhep(x, beta)
    se = float(vals.std()) / math.sqrt(reps)
    assert abs(float(vals.mean()) - null_mean(d, beta)) < 4 * se
    assert null_mean(d, beta) == pytest.approx(expectation_at_scale(B, d, beta, 1.0), abs=1e-12)


@pytest.mark.parametrize("c", [0.85, 1.2])
def test_mean_at_a_wrong_scale_is_the_closed_form(c):
    B, d, beta, reps = 64, 3, 0.8, 3000
    gen = torch.Generator().manual_seed(int(100 * c))
    vals = bhep(c * torch.randn(reps, B, d, generator=gen, dtype=torch.float64), beta)
    se = float(vals.std()) / math.sqrt(reps)
    expected = expectation_at_scale(B, d, beta, c)
    assert expected > null_mean(d, beta) + 0.4        # the population term, B times a discrepancy
    assert abs(float(vals.mean()) - expected) < 4 * se


def test_scale_curvature_is_the_second_difference_and_peaks_at_beta_squared_two_over_d():
    for d, beta in ((2, 1.0), (2, 2.1), (64, 0.2)):
        def discrepancy(c):
            # the B-proportional part of E[T_β], per sample
            return expectation_at_scale(2, d, beta, c) - expectation_at_scale(1, d, beta, c)

        h = 1e-3
        second = (discrepancy(1 + h) + discrepancy(1 - h) - 2 * discrepancy(1.0)) / h ** 2
        assert scale_curvature(d, beta) == pytest.approx(second, rel=1e-4)
    for d in (2, 8, 64):
        best = math.sqrt(2 / d)
        assert scale_curvature(d, best) > max(scale_curvature(d, 0.95 * best), scale_curvature(d, 1.05 * best))
    # Henze–Zirkler's β leaves no hold on the scale in 64 dimensions (module docstring)
    assert scale_curvature(64, henze_zirkler_beta(512, 64)) < 1e-8 < 1.0 < scale_curvature(64, math.sqrt(2 / 64))


def test_henze_zirkler_beta_from_its_formula():
    # β = 2^{−1/2} ((2d + 1) n / 4)^{1/(d + 4)}: d = 2, n = 512 gives (5·128)^{1/6}/√2
    assert henze_zirkler_beta(512, 2) == pytest.approx(640 ** (1 / 6) / math.sqrt(2), rel=1e-14)
    assert henze_zirkler_beta(512, 2) == pytest.approx(2.07578, rel=1e-5)


def test_non_gaussian_samples_with_unit_covariance_score_higher():
    gen = torch.Generator().manual_seed(3)
    B, beta = 512, 1.0
    null = bhep(torch.randn(100, B, 2, generator=gen, dtype=torch.float64), beta)
    cut = float(null.mean()) + 10 * float(null.std())
    square = (torch.rand(B, 2, generator=gen, dtype=torch.float64) - 0.5) * math.sqrt(12.0)
    x = torch.randn(B, generator=gen, dtype=torch.float64)
    s = torch.randint(0, 2, (B,), generator=gen).double() * 2 - 1
    coupled = torch.stack((x, s * x), 1)
    assert float(bhep(square, beta)) > cut and float(bhep(coupled, beta)) > cut


def test_gradient_matches_finite_differences():
    gen = torch.Generator().manual_seed(5)
    h = torch.randn(12, 3, generator=gen, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda h: bhep(h, 0.9), (h,))


def test_options_are_checked_and_beta_defaults_to_henze_zirkler():
    assert objective_class("bhep") is BHEP
    with pytest.raises(ValueError, match="bhep_beta"):
        BHEP(bhep_beta=0.0)
    with pytest.raises(ValueError, match="bhep_beta"):
        TrainConfig(objective="lejepa", bhep_beta=1.0)       # no member of this config reads it
    assert BHEP(m=3).beta_for(100) == pytest.approx(henze_zirkler_beta(100, 3))
    assert BHEP(m=3, bhep_beta=0.4).beta_for(100) == 0.4
    assert BHEP.curvature(64, 512, {"bhep_beta": None}) == scale_curvature(64, henze_zirkler_beta(512, 64))


@pytest.mark.parametrize("beta", [None, 1.0])
def test_trains_through_the_trainer(beta):
    res = train(TrainConfig(objective="bhep", bhep_beta=beta, **TINY), progress=False)
    assert res.status == "ok" and math.isfinite(res.metrics.r2_hz)
    assert all(math.isfinite(v) and v > 0 for v in res.curves["regulariser"])
