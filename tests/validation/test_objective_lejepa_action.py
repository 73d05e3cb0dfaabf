"""The ``lejepa_action`` objective: its loss term by term, its declared options, its refusals, that the
loop trains its predictor, and that a linear learner reaches the optimum the theory predicts."""

import math

import numpy as np
import pytest
import torch

from lejepa_verify.numerics.transitions import action_world, sample_action_triples
from lejepa_verify.validation.action_metrics import action_metrics, predict
from lejepa_verify.validation.config import TrainConfig
from lejepa_verify.validation.objectives import objective_class
from lejepa_verify.validation.objectives.lejepa import LeJEPA
from lejepa_verify.validation.objectives.lejepa_action import LeJEPAAction


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def _batch(B=64, m=3, k=2, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(B, m, generator=g), torch.randn(B, m, generator=g), torch.randn(B, k, generator=g)


def test_it_is_registered_and_asks_for_the_actions():
    assert objective_class("lejepa_action") is LeJEPAAction
    assert LeJEPAAction.wants == ("actions",)
    names = [o.name for o in LeJEPAAction.options]
    assert {"action_dim", "predictor_init", "predictor_seed", "n_slices", "n_knots", "t_max"} == set(names)


def test_without_the_regulariser_the_loss_is_the_prediction_error():
    h1, h2, a = _batch()
    obj = LeJEPAAction(lam=0.0, m=3, action_dim=2, predictor_seed=5)
    P, C = torch.randn(3, 3), torch.randn(3, 2)
    with torch.no_grad():
        obj.P.copy_(P)
        obj.C.copy_(C)
    loss, parts = obj(h1, h2, torch.Generator().manual_seed(0), actions=a)
    expected = sum(float(((h2[i] - P @ h1[i] - C @ a[i]) ** 2).sum()) for i in range(64)) / 64
    assert float(loss.detach()) == pytest.approx(expected, rel=1e-5)
    assert float(parts["alignment"]) == pytest.approx(expected, rel=1e-5)


def test_with_the_regulariser_alone_the_loss_is_lejepas_sigreg_on_the_same_directions():
    h1, h2, a = _batch()
    loss, parts = LeJEPAAction(lam=1.0, m=3, action_dim=2)(h1, h2, torch.Generator().manual_seed(4), actions=a)
    ref, ref_parts = LeJEPA(lam=1.0, m=3)(h1, h2, torch.Generator().manual_seed(4))
    assert float(loss.detach()) == pytest.approx(float(ref), rel=1e-6)
    assert float(parts["sigreg"]) == pytest.approx(float(ref_parts["sigreg"]), rel=1e-6)


def test_the_predictor_starts_as_declared_and_gets_gradients():
    assert torch.equal(LeJEPAAction(m=3, action_dim=2, predictor_init="identity").P, torch.eye(3))
    assert torch.equal(LeJEPAAction(m=3, action_dim=2, predictor_init="zero").P, torch.zeros(3, 3))
    g0, g1 = (LeJEPAAction(m=3, action_dim=2, predictor_seed=s).P for s in (0, 1))
    assert not torch.equal(g0, g1)
    obj = LeJEPAAction(m=3, action_dim=2, lam=0.5)
    assert torch.equal(obj.C, torch.zeros(3, 2))
    h1, h2, a = _batch()
    loss, _ = obj(h1, h2, torch.Generator().manual_seed(0), actions=a)
    loss.backward()
    assert obj.P.grad is not None and float(obj.C.grad.abs().sum()) > 0
    assert obj.parameters() == [obj.P, obj.C]


def test_bad_input_is_refused_naming_it():
    with pytest.raises(ValueError, match="predictor_init"):
        LeJEPAAction(m=3, predictor_init="orthogonal")
    with pytest.raises(ValueError, match="action_dim"):
        LeJEPAAction(m=3, action_dim=0)
    obj = LeJEPAAction(m=3, action_dim=2)
    h1, h2, a = _batch()
    with pytest.raises(ValueError, match="needs the actions"):
        obj(h1, h2)
    with pytest.raises(ValueError, match=r"actions must have shape \(64, 2\)"):
        obj(h1, h2, actions=a[:, :1])


def test_the_loop_trains_the_predictor_with_the_encoder():
    from lejepa_verify.validation.fit import prepare
    from lejepa_verify.validation.loop import fit

    config = TrainConfig(transition="ou_action", pairs="action", objective="lejepa_action", n=2, rho=0.8,
                         mixing="identity", steps=30, eval_every=15, eval_size=128, n_bootstrap=0,
                         spectrum_degree=0, width=8, depth=1, predictor_init="zero")
    run = prepare(config, device="cpu")
    fitted = fit(config, run.world, run.mixing, run.encoder, run.objective, run.held, device="cpu", progress=False)
    assert float(run.objective.P.detach().abs().sum()) > 0 and float(run.objective.C.detach().abs().sum()) > 0
    assert len(fitted.curves["alignment"]) == 2


@pytest.mark.slow
def test_a_linear_learner_reaches_the_predicted_optimum():
    # h = W z (the optimum is in the class): Adam on W, P, C. The theory's optimum: W a scaled
    # rotation, P = ρI, QᵀC = B / c; measured on fresh triples against action_metrics.predict.
    n, rho, opts = 3, 0.8, dict(action_dim=2, action_gain=0.6, action_seed=2)
    world = action_world(n, rho, **opts)
    obj = LeJEPAAction(lam=0.5, m=n, action_dim=2, predictor_seed=1)
    gen = torch.Generator().manual_seed(0)
    W = torch.nn.Parameter(0.5 * torch.randn(n, n, generator=gen))
    opt = torch.optim.Adam([W, *obj.parameters()], lr=0.02)
    steps = 1500
    for step in range(steps):
        for group in opt.param_groups:
            group["lr"] = 0.02 * 0.5 * (1 + math.cos(math.pi * step / steps))
        z, a, zn = (torch.from_numpy(x).float() for x in
                    sample_action_triples(rho, 256, n, seed=step, **opts))
        loss, _ = obj(z @ W.T, zn @ W.T, gen, actions=a)
        opt.zero_grad()
        loss.backward()
        opt.step()
    z, a, zn = sample_action_triples(rho, 20_000, n, seed=10**6, **opts)
    Wn = W.detach().double().numpy()
    m = action_metrics(z, z @ Wn.T, a, zn @ Wn.T, world.B, rho, obj.P.detach().double().numpy(),
                       obj.C.detach().double().numpy())
    p = predict(world, float(np.sqrt(np.trace(Wn @ Wn.T) / n)))
    # measured once (seed 0): gap 4e-5, cond 1.02, 0.56°, ρ̂ 0.79995, D_rel 0.004, ratio and loss within 1 %
    assert m.gap < 5e-4                              # W is a scaled rotation
    assert m.cond < 1.05 and m.max_angle < 2.0       # predicted 1 and 0°
    assert abs(m.rho_hat - p.rho_hat) < 0.01 and m.D_rel < 0.02
    assert m.norm_ratio == pytest.approx(p.norm_ratio, rel=0.02)
    assert m.loss_normalised == pytest.approx(p.loss_normalised, rel=0.03)  # tr Λ, the least at the optimum
