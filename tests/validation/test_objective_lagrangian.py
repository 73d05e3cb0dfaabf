"""The ``lagrangian`` objective: the dual update, the constraint held where the penalty's closed-form
bias is not, the multiplier Theorem A predicts, the SIGReg inequality, and a training run."""

import math

import pytest
import torch
from scipy.optimize import brentq

from lejepa_verify.validation.config import TrainConfig
from lejepa_verify.validation.objectives import objective_class
from lejepa_verify.validation.objectives.lagrangian import DEFAULT_TAU_FACTOR, Lagrangian, predicted_multiplier
from lejepa_verify.validation.objectives.terms import quadrature, sigreg_null_mean
from lejepa_verify.validation.objectives.whitening import Whitening
from lejepa_verify.validation.trainer import train

TINY = dict(steps=20, eval_every=10, eval_size=128, n_bootstrap=0, spectrum_degree=0, width=8, depth=1)
RHO = 0.95


@pytest.fixture(autouse=True)
def one_thread():
    """One torch thread, as the trainer runs (two threads of tiny ops contend on a loaded 2-core machine)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _fit_linear(objective, n=2, steps=1500, B=256, seed=0):
    """Adam on a linear map W from Gaussian OU pairs (z, z'): the encoder class holds Theorem A's
    optimum h = Qz, so what is left of the constraint is the objective's doing. Returns W."""
    gen = torch.Generator().manual_seed(seed)
    W = torch.nn.Parameter(0.3 * torch.randn(n, n, generator=gen))
    opt = torch.optim.Adam([W], lr=0.01)
    for step in range(steps):
        for group in opt.param_groups:     # a cosine decay, as the trainer's schedule, to let noise settle
            group["lr"] = 0.01 * 0.5 * (1 + math.cos(math.pi * step / steps))
        z = torch.randn(B, n, generator=gen)
        z2 = RHO * z + math.sqrt(1 - RHO ** 2) * torch.randn(B, n, generator=gen)
        loss, _ = objective(z @ W.T, z2 @ W.T, gen)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return W.detach()


def test_the_dual_step_moves_the_multipliers_along_the_constraint():
    obj = Lagrangian(m=2, dual_lr=0.1)
    h = torch.tensor([[2.0, 0.0], [-2.0, 0.0], [0.0, 0.5], [0.0, -0.5]]) + torch.tensor([1.0, 0.0])
    _, parts = obj(h[:2], h[2:])
    both = torch.cat((h[:2], h[2:]))
    C = torch.cov(both.T) - torch.eye(2)
    torch.testing.assert_close(obj.cov_multiplier, 0.1 * C)
    torch.testing.assert_close(obj.mean_multiplier, 0.1 * both.mean(0))
    assert float(parts["violation"]) == pytest.approx(float(C.norm()))
    assert float(parts["multiplier"]) == pytest.approx(float(torch.diagonal(0.1 * C).mean()))
    # the loss of the next call uses the updated multipliers
    loss, _ = obj(h[:2], h[2:])
    mean = both.mean(0)
    expected = (((h[:2] - h[2:]) ** 2).sum(1).mean() + (0.1 * C * C).sum() + 0.1 * mean @ mean
                + 0.5 * (C.square().sum() + mean.square().sum()))
    assert float(loss) == pytest.approx(float(expected), rel=1e-6)


def test_the_constraint_is_held_where_the_penalty_leaves_its_closed_form_bias():
    # whitening at λ = 0.5: c² = 1 − (1 − λ)(1 − ρ)/λ = 0.95 at h = cQz; the multiplier removes the bias
    W_pen = _fit_linear(Whitening(lam=0.5, m=2), steps=800)
    lag = Lagrangian(m=2)
    W_lag = _fit_linear(lag)
    cov_pen, cov_lag = W_pen @ W_pen.T, W_lag @ W_lag.T
    torch.testing.assert_close(cov_pen, (1 - 0.5 * (1 - RHO) / 0.5) * torch.eye(2), atol=0.02, rtol=0)
    torch.testing.assert_close(cov_lag, torch.eye(2), atol=0.02, rtol=0)
    # and the multiplier settles at Theorem A's −∂L/∂Cov = −2(1 − ρ) plus the augmentation's finite-batch
    # term (−0.013 at B = 256, m = 2: more than the tolerance, so the test tells the two apart)
    tail = [mult for mult, _ in lag.trace[-600:]]
    assert sum(tail) / len(tail) == pytest.approx(predicted_multiplier(RHO, 2, 256), abs=0.004)
    assert abs(predicted_multiplier(RHO, 2, 256) + 2 * (1 - RHO)) > 0.012


def test_without_augmentation_the_scale_is_not_held():
    # the plain Lagrangian is linear in c² at h = cQz: descent-ascent circles the saddle instead of settling
    lag = Lagrangian(m=2, augmentation=0.0)
    _fit_linear(lag, steps=800)
    tail = [v for _, v in lag.trace[-300:]]
    assert sum(tail) / len(tail) > 0.3      # with κ = 1 the same run ends below 0.05 (the test above)


def test_the_sigreg_inequality_finds_its_own_weight():
    lag = Lagrangian(m=2, constraint="sigreg", n_slices=16)
    assert lag.tau == pytest.approx(DEFAULT_TAU_FACTOR * sigreg_null_mean(17, 3.0))
    W = _fit_linear(lag, steps=800)
    assert 0.0 < lag.multiplier() < 1.0
    # SIGReg ≤ τ with τ above the null mean: at h = cQz the scale solves E SIGReg(c) = τ (B = 256 pairs)
    t, w = (x.double() for x in quadrature(17, 3.0))

    def expected(c):
        return float((w * ((1 - torch.exp(-c * c * t * t)) + 256 * (torch.exp(-c * c * t * t / 2)
                                                                     - torch.exp(-t * t / 2)) ** 2)).sum())

    predicted = brentq(lambda c: expected(c) - lag.tau, 0.5, 1.0)
    s = torch.linalg.svdvals(W)
    assert abs(float(s.mean()) - predicted) < 0.015 and float(s.max() - s.min()) < 0.02
    with pytest.raises(ValueError, match="constraint"):
        Lagrangian(constraint="orthogonality")
    with pytest.raises(ValueError, match="dual_lr"):
        Lagrangian(dual_lr=0.0)


def test_registered_and_trains_through_the_trainer():
    assert objective_class("lagrangian") is Lagrangian
    res = train(TrainConfig(objective="lagrangian", **TINY), progress=False)
    assert res.status == "ok" and math.isfinite(res.metrics.r2_hz)
    assert all(math.isfinite(v) and v >= 0 for v in res.curves["regulariser"])
    res = train(TrainConfig(objective="lagrangian", constraint="sigreg", n_slices=4, **TINY), progress=False)
    assert res.status == "ok"
