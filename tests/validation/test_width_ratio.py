"""Embeddings of another width than the latent (m ≠ n): which encoders take them, what the
config refuses and why, the theory's optimum for m > n measured in closed form, and the
``width_ratio`` sweep (docs/guide.md, "Embeddings wider than the latent").
"""

import math

import numpy as np
import pytest
import torch

from lejepa_verify.validation import TrainConfig, evaluate
from lejepa_verify.validation.encoders.base import encoder_names
from lejepa_verify.validation.fit import build_models
from lejepa_verify.validation.sweep import PROFILES, expand, load_sweep
from lejepa_verify.validation.worlds import World

RHO = 0.9

#: a world each encoder can read: vector observations, or images for the convolutional one
_WORLD_OF = {"cnn": {"mixing": "arm_rgb", "n": 2, "cnn_channels": (4, 4)},
             "matched": {"mixing": "coupling", "n": 4}}


def peer_gap(z: np.ndarray, h: np.ndarray) -> float:
    """``R²_lin − R²_orth`` as Sidxah/lejepa-action-identifiability defines it (src/metrics.py,
    ``m1_state``), computed by ``validation.action_metrics.state_recovery``."""
    from lejepa_verify.validation.action_metrics import state_recovery

    return state_recovery(h, z).gap


@pytest.mark.parametrize("name", encoder_names())
def test_every_encoder_but_matched_builds_embeddings_wider_than_the_latent(name):
    world = _WORLD_OF.get(name, {"mixing": "identity", "n": 3})
    n = world["n"]
    if name == "matched":
        # the inverse coupling maps R^n to R^n: m = n by construction
        with pytest.raises(ValueError, match="m must equal n = 4 for the matched encoder, got 6"):
            TrainConfig(encoder=name, m=6, **world)
        return
    for m in (n, n + 1, 3 * n):
        config = TrainConfig(encoder=name, m=m, **world)
        mixing, encoder = build_models(config)
        with torch.no_grad():
            h = encoder(mixing(torch.randn(5, n)))
        assert tuple(h.shape) == (5, m), (name, m)


def test_embeddings_narrower_than_the_latent_are_refused_by_the_config_and_by_evaluate():
    with pytest.raises(ValueError, match="m must be >= n = 4"):
        TrainConfig(n=4, m=2)
    with pytest.raises(ValueError, match="encoder returned m = 1 columns for a latent of n = 2"):
        evaluate(lambda x: np.asarray(x, float)[:, :1], TrainConfig(n=2, mixing="identity"), n_pairs=64)


def test_a_run_with_m_above_n_trains_and_is_measured():
    config = TrainConfig(n=2, m=5, mixing="banana", encoder="mlp", steps=20, eval_every=20, eval_size=256,
                         n_bootstrap=0, spectrum_degree=2, width=16, depth=1)
    from lejepa_verify.validation.fit import fit_one

    result = fit_one(config, device="cpu", progress=False).result
    assert result.arrays["h"].shape == (256, 5)
    m = result.metrics
    assert all(math.isfinite(v) for v in (m.r2_hz, m.r2_zh, m.orth_err, m.procrustes_mse, m.bound))
    assert len(m.spectrum.linear_block) == 5 and len(m.spectrum.linear_block[0]) == 2


def optimum(x):
    """The covariance-constrained optimum for n = 2, m = 3: ``h = [z, He_2(z_1)/√2]``."""
    x = np.asarray(x, float)
    return np.column_stack([x, (x[:, 0] ** 2 - 1) / math.sqrt(2)])


def test_the_optimum_wider_than_the_latent_scores_what_the_theory_says():
    # With Cov h = I_m and m > n, L >= 2n(1 − ρ) + 2(m − n)(1 − ρ²), reached by n linear and
    # m − n degree-2 coordinates (docs/guide.md). There: R²(h→z) = 1, R²(z→h) = n/m, the
    # least-squares map z → h is an isometry (orthogonality error 0), ε = 0, δ = 2(m − n)ρ(1 − ρ),
    # so D = m − n, the Procrustes error is the nonlinear energy m − n, the bound D + (ε + D)² = 2;
    # the peer's gap is (1 − n/m)² = 1/9 (its scale c = n/m counts the degree-2 energy).
    config = TrainConfig(n=2, mixing="identity", rho=RHO, n_bootstrap=50, spectrum_degree=0)
    N = 16384
    m = evaluate(optimum, config, n_pairs=N, seed=11)
    assert m.r2_hz == pytest.approx(1.0, abs=1e-12) and m.mcc == pytest.approx(1.0, abs=0.01)
    # sampling: sd of R²(z→h) ~ 0.005, of the orthogonality error ~ 3e-4 at N = 16384
    assert m.r2_zh == pytest.approx(2 / 3, abs=0.03)
    assert m.orth_err < 0.01
    assert m.D == pytest.approx(1.0, abs=5 * m.uncertainty.stderr["D"])
    assert m.error_lower <= 1.0 <= m.error_upper
    assert m.bound_upper >= 2.0
    z, _ = World.from_config(config).eval_pairs(N, torch.Generator().manual_seed(11))
    z = z.numpy().astype(float)
    assert peer_gap(z, optimum(z)) == pytest.approx(1 / 9, abs=0.01)
    # an isometric embedding has no gap: the gap reads energy outside the polar factor's range
    Q = np.linalg.qr(np.random.default_rng(0).standard_normal((5, 2)))[0]
    assert peer_gap(z, z @ Q.T) == pytest.approx(0.0, abs=1e-12)


def test_the_width_ratio_sweep_runs_the_peer_grid():
    runs = {p: expand(load_sweep("width_ratio", profile=p)) for p in PROFILES}
    for profile in ("cpu", "paper"):
        cfgs = [r.config for r in runs[profile]]
        assert {c.n for c in cfgs} == {8}
        # the embedding widths K of the peer's overcompleteness sweep (m/n = 1 ... 3)
        assert sorted({c.out_dim for c in cfgs}) == [8, 10, 12, 16, 24]
        assert {(c.mixing, c.encoder, c.rho, c.lam) for c in cfgs} == {("identity", "mlp", RHO, 0.5)}
        assert {c.objective for c in cfgs} == {"lejepa", "whitening"}
    assert all(r.config.out_dim >= r.config.n for rs in runs.values() for r in rs)
    assert len(runs["quick"]) < len(runs["cpu"]) <= len(runs["paper"])
