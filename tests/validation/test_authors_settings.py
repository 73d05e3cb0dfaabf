"""The authors' settings as registry members: their coupling, channel, normalisations, VICReg,
the grid metric and best-of-K, against independent references (their recipe executed with the
global generator, hand-computed values, the closed-form correlation ρ²)."""

import math

import numpy as np
import pytest
import torch

from lejepa_verify.validation.channels import pair_correlation, training_pair
from lejepa_verify.validation.config import ADDED_FIELDS, TrainConfig
from lejepa_verify.validation.metrics import r2
from lejepa_verify.validation.objectives import objective_class
from lejepa_verify.validation.objectives._authors import authors_from_ours_lam, ours_from_authors_lam
from lejepa_verify.validation.observations import make_observation
from lejepa_verify.validation.observations.authors_coupling import authors_coupling_matrices
from lejepa_verify.validation.paper_compare import fingerprint
from lejepa_verify.validation.paper_numbers import load
from lejepa_verify.validation.worlds import World


# --- their coupling ---------------------------------------------------------------------------

@pytest.mark.parametrize("n,seed", [(2, 0), (6, 3), (16, 1337)])
def test_matrices_are_their_recipe_run_on_the_global_generator(n, seed):
    # their recipe, literally: global seed, then per layer QR of randn(half, half), times 2
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        ref = [2.0 * torch.linalg.qr(torch.randn(n // 2, n // 2))[0] for _ in range(4)]
    W = authors_coupling_matrices(n, 4, seed)
    assert torch.equal(W, torch.stack(ref))
    for Wl in W:   # 2 × orthogonal
        assert torch.allclose(Wl.T @ Wl, 4.0 * torch.eye(n // 2), atol=1e-5)


def test_no_sign_fix_distinguishes_it_from_our_coupling():
    # with the sign fix diag(R) > 0; without it LAPACK leaves some diag(R) negative for some seed
    negative = 0
    for seed in range(10):
        gen = torch.Generator().manual_seed(seed)
        _, r = torch.linalg.qr(torch.randn(4, 4, generator=gen))
        negative += int((torch.diagonal(r) < 0).any())
    assert negative > 0
    assert not torch.allclose(make_observation("authors_coupling", 8, seed=0).W,
                              make_observation("coupling", 8, seed=0).W)


def test_building_it_leaves_the_global_generator_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    make_observation("authors_coupling", 8, n_layers=4, seed=5)
    assert torch.equal(torch.rand(3), expected)


def test_forward_follows_their_layer_order_and_inverts():
    n = 6
    g = make_observation("authors_coupling", n, n_layers=3, seed=2)
    W = g.W.double().numpy()
    z = np.random.default_rng(0).standard_normal((50, n))
    a, b = z[:, :3].copy(), z[:, 3:].copy()
    for i in range(3):   # even layers z2 += tanh(z1 W), odd layers z1 += tanh(z2 W)
        if i % 2 == 0:
            b = b + np.tanh(a @ W[i])
        else:
            a = a + np.tanh(b @ W[i])
    x = g.double()(torch.from_numpy(z)).numpy()
    assert np.allclose(x, np.hstack([a, b]), atol=1e-12)
    assert np.allclose(g.inverse(torch.from_numpy(x)).numpy(), z, atol=1e-10)


@pytest.mark.parametrize("n", [2, 4, 8])
def test_fingerprint_matches_their_published_column(n):
    mean, std = load().scaling.at("r2_xz", n)
    assert abs(fingerprint(n) - mean) <= 3 * std


def test_fingerprint_rejects_our_haar_coupling_at_n_2():
    # negative control: our coupling (Haar, other matrices) is a different map; at n = 2 its
    # fingerprint lies far outside their 3 std (0.0063)
    mean, std = load().scaling.at("r2_xz", 2)
    assert abs(fingerprint(2, mixing="coupling") - mean) > 3 * std


@pytest.mark.slow
def test_fingerprint_matches_their_whole_column():
    table = load().scaling
    for n in table.n:
        mean, std = table.at("r2_xz", n)
        points = 10_000
        assert abs(fingerprint(n, points=points) - mean) <= 3 * std, n


# --- their channel ------------------------------------------------------------------------------

@pytest.mark.parametrize("rho", [0.5, 0.95])
def test_anchor_views_correlate_at_rho_squared(rho):
    world = World(n=3, rho=rho)
    size = 200_000
    se = (1 - rho ** 4) / math.sqrt(3 * size)   # sd of a sample correlation, 3 pooled coordinates
    assert abs(pair_correlation(world, "anchor", size, seed=1) - rho ** 2) < 5 * se
    assert abs(pair_correlation(world, "pair", size, seed=1) - rho) < 5 * (1 - rho ** 2) / math.sqrt(3 * size)


def test_anchor_views_of_a_gennorm_latent_use_the_same_family():
    world = World("gennorm", {"alpha": 1.0}, "authors", n=2, rho=0.8)
    a, b = training_pair(world, "anchor", 100_000, torch.Generator().manual_seed(0))
    c = np.corrcoef(a.numpy().ravel(), b.numpy().ravel())[0, 1]
    assert abs(c - 0.64) < 0.01
    # the views are sums of Laplace variables: their variance is ρ² + (1 − ρ²) = 1
    assert abs(float(a.var()) - 1.0) < 0.02


def test_anchor_needs_a_one_step_transition():
    with pytest.raises(ValueError, match="views 'anchor'"):
        TrainConfig(latent="gennorm", latent_params={"alpha": 1.0}, transition="langevin", views="anchor")
    with pytest.raises(ValueError, match="unknown views 'triple'"):
        TrainConfig(views="triple")
    with pytest.raises(ValueError, match="best_of"):
        TrainConfig(best_of=0)
    with pytest.raises(ValueError, match="best_of"):
        TrainConfig(best_of="3")


def test_new_fields_keep_old_run_ids():
    assert {"views", "best_of"} <= set(ADDED_FIELDS)
    ident = TrainConfig().identity_dict()
    assert "views" not in ident and "best_of" not in ident
    assert TrainConfig(views="anchor").identity_dict()["views"] == "anchor"


# --- their normalisations -----------------------------------------------------------------------

def test_lambda_conversion_values_and_round_trip():
    # λ = 4mλ_a / (4mλ_a + 1 − λ_a) for SIGReg: m = 2, λ_a = 1e−3 gives 0.008 / 1.007
    assert ours_from_authors_lam(1e-3, 2) == pytest.approx(0.008 / 1.007, rel=1e-12)
    # whitening (r = m²): λ = (4λ_a/m) / (4λ_a/m + 1 − λ_a); m = 2, λ_a = 0.5 gives 1 / 1.5
    assert ours_from_authors_lam(0.5, 2, "whitening") == pytest.approx(2 / 3, rel=1e-12)
    for lam_a in (1e-6, 1e-3, 0.5, 0.9):
        for m in (2, 64, 1024):
            for obj in ("lejepa", "whitening"):
                assert authors_from_ours_lam(ours_from_authors_lam(lam_a, m, obj), m, obj) == pytest.approx(lam_a, rel=1e-9)
    with pytest.raises(ValueError, match="lam_authors must lie in"):
        ours_from_authors_lam(1.5, 2)
    with pytest.raises(ValueError, match="unknown objective"):
        ours_from_authors_lam(0.1, 2, "vicreg")


@pytest.mark.parametrize("name,ours,m", [("authors_lejepa", "lejepa", 3), ("authors_whitening", "whitening", 16)])
def test_their_loss_is_proportional_to_ours_at_the_converted_lambda(name, ours, m):
    lam_a = 0.3
    lam = ours_from_authors_lam(lam_a, m, ours)
    kw = {"n_slices": 32} if ours == "lejepa" else {}
    theirs = objective_class(name)(lam=lam_a, m=m, **kw)
    r = 1.0 if ours == "lejepa" else m ** 2
    c = lam_a / (r * lam)
    rng = np.random.default_rng(0)
    ratios, naive_ratios = [], []
    for noise, scale in ((0.3, 1.0), (2.0, 0.4)):   # batches mixing the two terms differently
        h1 = scale * torch.from_numpy(rng.standard_normal((64, m))).float()
        h2 = h1 + noise * torch.from_numpy(rng.standard_normal((64, m))).float()
        # same slices: in m >= 3 both draw normalised normal directions from the generator
        la, _ = theirs(h1, h2, torch.Generator().manual_seed(7))
        lo, _ = objective_class(ours)(lam=lam, m=m, **kw)(h1, h2, torch.Generator().manual_seed(7))
        ln, _ = objective_class(ours)(lam=lam_a, m=m, **kw)(h1, h2, torch.Generator().manual_seed(7))
        assert float(la) == pytest.approx(c * float(lo), rel=1e-5)
        ratios.append(float(la) / float(lo))
        naive_ratios.append(float(la) / float(ln))
    # negative control: at the unconverted λ (λ_a itself) the ratio changes from batch to batch
    assert ratios[0] == pytest.approx(ratios[1], rel=1e-5)
    assert naive_ratios[0] != pytest.approx(naive_ratios[1], rel=0.05)


def test_their_alignment_is_divided_by_4m():
    m = 4
    h1, h2 = torch.zeros(10, m), torch.ones(10, m)     # E||h1 − h2||² = m
    loss, parts = objective_class("authors_lejepa")(lam=0.0, m=m)(h1, h2, torch.Generator().manual_seed(0))
    assert float(parts["alignment"]) == pytest.approx(m)
    assert float(loss) == pytest.approx(m / (4 * m))


# --- VICReg -------------------------------------------------------------------------------------

def test_vicreg_hand_computed_covariance_case():
    # rows (1, 1), (−1, −1): variances 2 (std > γ, no hinge), off-diagonal covariance 2 → 2·2²/m = 4 per view
    h = torch.tensor([[1.0, 1.0], [-1.0, -1.0]])
    loss, parts = objective_class("vicreg")()(h, h.clone())
    assert float(parts["invariance"]) == 0.0
    assert float(parts["variance"]) == 0.0
    assert float(parts["covariance"]) == pytest.approx(8.0)
    assert float(loss) == pytest.approx(8.0)


def test_vicreg_hand_computed_variance_and_invariance_case():
    h1 = torch.tensor([[0.5, 0.0], [-0.5, 0.0]])
    h2 = h1 + torch.tensor([0.1, 0.0])
    # per view: variances 0.5 and 0 (divisor B − 1 = 1); hinges 1 − sqrt(0.5001) and 1 − sqrt(1e−4)
    v = ((1 - math.sqrt(0.5001)) + (1 - 0.01)) / 2
    inv = 2 * 0.01 / 4      # MSE over the 4 entries
    loss, parts = objective_class("vicreg")()(h1, h2)
    assert float(parts["variance"]) == pytest.approx(2 * v, rel=1e-5)
    assert float(parts["covariance"]) == pytest.approx(0.0, abs=1e-12)
    assert float(loss) == pytest.approx(25 * inv + 25 * 2 * v, rel=1e-5)


def test_vicreg_is_not_the_whitening_loss():
    # negative control for the weights: a whitened, aligned batch costs whitening nothing but
    # VICReg's hinge is also zero there, while a half-scale batch is penalised by both differently
    rng = np.random.default_rng(1)
    h = torch.from_numpy(rng.standard_normal((4096, 2))).float() * 0.5
    lv, _ = objective_class("vicreg")()(h, h)
    lw, _ = objective_class("whitening")(lam=1.0, m=2)(h, h)
    assert float(lv) == pytest.approx(25 * 2 * 0.5, rel=0.03)       # hinge 1 − 0.5 per coordinate, both views
    assert float(lw) == pytest.approx(2 * 0.75 ** 2, rel=0.05)      # (0.25 − 1)² on the diagonal


# --- the grid metric and best-of-K --------------------------------------------------------------

def test_grid_r2_against_a_direct_computation():
    from lejepa_verify.validation.trainer import grid_r2

    g = torch.linspace(-3, 3, 100)
    z = torch.stack(torch.meshgrid(g, g, indexing="ij"), -1).reshape(-1, 2).double().numpy()
    enc = torch.nn.Tanh()
    ident = make_observation("identity", 2)
    expected = r2(np.tanh(z), z)
    assert grid_r2(enc, ident) == pytest.approx(expected, abs=1e-6)
    assert grid_r2(torch.nn.Identity(), ident) == pytest.approx(1.0, abs=1e-12)


def test_every_2d_run_reports_the_grid_metric_and_best_of_keeps_the_lowest_loss():
    from lejepa_verify.validation.trainer import train

    base = dict(mixing="identity", width=16, depth=1, steps=40, eval_every=20, eval_size=256, n_bootstrap=0,
                spectrum_degree=0, seed=3)
    res = train(TrainConfig(best_of=2, **base), progress=False)
    assert res.metrics.r2_hz_grid is not None and math.isfinite(res.metrics.r2_hz_grid)
    info = res.metrics.best_of
    # a second route: the candidates trained one by one with their seeds
    losses = [train(TrainConfig(**{**base, "seed": 3 + 1000 * k}), progress=False).curves["loss"][-1] for k in range(2)]
    assert [c["final_loss"] for c in info["candidates"]] == pytest.approx(losses)
    assert info["chosen"] == int(np.argmin(losses))
    assert res.config.best_of == 2 and res.config.seed == 3
