"""``validation.evaluate``: a researcher's own encoder measured as a trained run is.

Oracles in the manner of disentanglement_lib's ``dci_test.py``: maps whose scores are known in
closed form (a rotation, ``sign``, a duplicated coordinate), then a module trained outside the
package, a trained run measured again, the CLI, and each refusal.
"""

import json
import math

import numpy as np
import pytest
import torch

from lejepa_verify.validation import TrainConfig, evaluate
from lejepa_verify.validation.cli import main as cli_main
from lejepa_verify.validation.worlds import World

RHO = 0.9
# an exact rotation of R² that no coordinate permutation undoes (|Q| is not a permutation)
Q2 = np.array([[0.6, -0.8], [0.8, 0.6]])


def world(**kw):
    """A Gaussian OU world without a mixing (x = z), the bootstrap and the spectrum off unless asked."""
    kw = {"n": 2, "mixing": "identity", "rho": RHO, "n_bootstrap": 0, "spectrum_degree": 0, **kw}
    return TrainConfig(**kw)


def pairs(config, n_pairs, seed=0):
    """The held-out latents ``evaluate`` draws for ``(n_pairs, seed)`` (x = z under the identity mixing)."""
    z, z_next = World.from_config(config).eval_pairs(n_pairs, torch.Generator().manual_seed(seed))
    return z.numpy().astype(float), z_next.numpy().astype(float)


def rotation(x):
    return np.asarray(x, dtype=float) @ Q2.T


# ---------------------------------------------------------------------------------------
# closed-form oracles


def test_an_exact_rotation_scores_one_and_its_moments_are_the_latents():
    config = world()
    m = evaluate(rotation, config, n_pairs=4096, seed=3)
    assert m.r2_hz == pytest.approx(1.0, abs=1e-12) and m.r2_zh == pytest.approx(1.0, abs=1e-12)
    assert m.orth_err < 1e-12 and m.procrustes_mse < 1e-12
    # a rotation leaves ||Cov − I||_F and ||z − z'||² as they are: the latents' own sample moments
    z, z_next = pairs(config, 4096, seed=3)
    assert m.epsilon == pytest.approx(np.linalg.norm(np.cov(z, rowvar=False, bias=True) - np.eye(2)), rel=1e-9)
    assert m.alignment == pytest.approx(np.mean(np.sum((z - z_next) ** 2, axis=1)), rel=1e-9)
    trace = np.trace(np.cov(z, rowvar=False, bias=True))
    assert m.delta == pytest.approx(m.alignment - 2 * (1 - RHO) * trace, abs=1e-9)
    # MCC of Qz: the best matching of |corr(z_i, h_j)| = |Q_ji| (0.8 both), up to sampling (sd ~ 0.003)
    assert m.mcc == pytest.approx(0.8, abs=0.02)
    assert m.bound_upper >= m.error_lower


def test_a_float32_torch_rotation_scores_one_to_single_precision():
    lin = torch.nn.Linear(3, 3, bias=False)
    Q3 = np.linalg.qr(np.random.default_rng(0).standard_normal((3, 3)))[0]
    with torch.no_grad():
        lin.weight.copy_(torch.from_numpy(Q3))
    m = evaluate(lin, world(n=3), n_pairs=2048)
    assert m.r2_hz == pytest.approx(1.0, abs=1e-6) and m.orth_err < 1e-5 and m.procrustes_mse < 1e-5


def test_the_spectrum_of_a_rotation_is_linear_and_predicts_the_alignment():
    m = evaluate(rotation, world(spectrum_degree=3, n_bootstrap=0), n_pairs=2048)
    s = m.spectrum
    assert s is not None and m.gaussian_world
    # all energy at degree 1 (n units): L = 2 n (1 − ρ) (docs/theory.md §2, Theorem A's equality case)
    assert s.degree_energy[1] == pytest.approx(2.0, abs=5 * max(s.alignment_predicted_se or 0, 0.01))
    assert s.alignment_predicted == pytest.approx(2 * 2 * (1 - RHO), abs=5 * max(s.alignment_predicted_se or 0, 1e-3))


def test_no_spectrum_outside_the_gaussian_world():
    m = evaluate(rotation, world(latent="laplace", spectrum_degree=3), n_pairs=512)
    assert m.spectrum is None and m.gaussian_world is False and m.r2_hz == pytest.approx(1.0, abs=1e-12)


# h = sign(z) coordinatewise: corr(z, sign z) = E|z| = sqrt(2/π), so R² (both ways) = 2/π, the
# least-squares map is sqrt(2/π) I (orthogonality error sqrt(n)(1 − 2/π)), MCC sqrt(2/π), and
# E||sign z − z||² = 2n(1 − sqrt(2/π)). Tolerances: 5 standard deviations of each statistic over
# 200 independent draws of 16384 pairs (sd 0.0019, 0.0082, 0.0012 for R², orth_err, MCC).
N_SIGN = 16384


def test_a_nonlinear_map_scores_below_one_as_its_closed_forms_say():
    m = evaluate(np.sign, world(), n_pairs=N_SIGN, seed=1)
    assert m.r2_hz == pytest.approx(2 / math.pi, abs=0.01) and m.r2_zh == pytest.approx(2 / math.pi, abs=0.01)
    assert m.r2_hz < 0.7
    assert m.orth_err == pytest.approx(math.sqrt(2) * (1 - 2 / math.pi), abs=0.04)
    assert m.mcc == pytest.approx(math.sqrt(2 / math.pi), abs=0.006)
    # the confidence interval of the Procrustes error (numerics.bounds, level 0.95) covers its value
    assert m.error_lower <= 4 * (1 - math.sqrt(2 / math.pi)) <= m.error_upper


def test_a_duplicated_coordinate_in_a_wider_embedding_scores_its_formulas():
    # h = (z1, z2, z1): z is read back exactly, the least-squares map A = [[1,0],[0,1],[1,0]] has
    # AᵀA = diag(2, 1), so ||AᵀA − I||_F = 1; the polar factor of A is
    # [[1/√2,0],[0,1],[1/√2,0]], whose error is E(z1 − z1/√2)²·2 = (√2 − 1)²
    m = evaluate(lambda x: np.asarray(x, float)[:, [0, 1, 0]], world(), n_pairs=N_SIGN, seed=2)
    assert m.r2_hz == pytest.approx(1.0, abs=1e-12) and m.r2_zh == pytest.approx(1.0, abs=1e-12)
    assert m.mcc == pytest.approx(1.0, abs=1e-12)
    assert m.orth_err == pytest.approx(1.0, abs=1e-9)
    assert m.error_lower <= (math.sqrt(2) - 1) ** 2 <= m.error_upper


def test_a_duplicated_coordinate_that_drops_one_scores_its_sample_formulas():
    # h = (z1, z1): z2 is read back only through its sample correlation with z1
    config = world()
    m = evaluate(lambda x: np.asarray(x, float)[:, [0, 0]], config, n_pairs=4096, seed=4)
    z, _ = pairs(config, 4096, seed=4)
    zc = z - z.mean(0)
    s11, s22, s12 = zc[:, 0] @ zc[:, 0], zc[:, 1] @ zc[:, 1], zc[:, 0] @ zc[:, 1]
    assert m.r2_hz == pytest.approx(1 - (s22 - s12 ** 2 / s11) / (s11 + s22), abs=1e-12)
    assert m.r2_zh == pytest.approx(1.0, abs=1e-12)
    # A = [[1, 0], [1, 0]]: AᵀA − I = diag(1, −1)
    assert m.orth_err == pytest.approx(math.sqrt(2), abs=1e-9)
    assert m.mcc == pytest.approx((1 + abs(s12) / math.sqrt(s11 * s22)) / 2, abs=1e-12)


def test_an_isometric_embedding_wider_than_the_latent_scores_one():
    Q = np.linalg.qr(np.random.default_rng(1).standard_normal((5, 3)))[0]          # 5 × 3, QᵀQ = I
    m = evaluate(lambda x: np.asarray(x, float) @ Q.T, world(n=3), n_pairs=2048)
    assert m.r2_hz == pytest.approx(1.0, abs=1e-12) and m.r2_zh == pytest.approx(1.0, abs=1e-12)
    assert m.orth_err < 1e-12 and m.procrustes_mse < 1e-12
    # [z, 0, 0]: the constant coordinates match nothing and do not lower MCC
    m = evaluate(lambda x: np.hstack([np.asarray(x, float), np.zeros((len(x), 2))]), world(n=3), n_pairs=2048)
    assert m.mcc == pytest.approx(1.0, abs=1e-12) and m.orth_err < 1e-12


# ---------------------------------------------------------------------------------------
# encoders trained elsewhere, and the trainer's own measurement


def test_a_module_trained_outside_the_package_is_measured():
    from lejepa_verify.validation.fit import build_models

    config = world(mixing="banana", spectrum_degree=1)
    mixing, _ = build_models(config)
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(2, 32), torch.nn.Tanh(), torch.nn.Linear(32, 2))
    untrained = evaluate(net, config, n_pairs=2048)
    # a few lines of torch, no part of the package's loop: regress a rotation of z on x = g(z)
    # (plain gradient descent: 300 steps reach R² 0.96, orthogonality error 0.28 with this seed)
    target = torch.tensor(Q2, dtype=torch.float32)
    for _ in range(300):
        z = torch.randn(256, 2)
        loss = ((net(mixing(z)) - z @ target.T) ** 2).mean()
        net.zero_grad()
        loss.backward()
        with torch.no_grad():
            for p in net.parameters():
                p -= 0.1 * p.grad
    net.train()
    before = [p.detach().clone() for p in net.parameters()]
    m = evaluate(net, config, n_pairs=2048)
    assert net.training and all(torch.equal(a, b) for a, b in zip(before, net.parameters()))
    assert m.r2_hz > 0.9 and m.r2_hz > untrained.r2_hz + 0.3
    assert m.orth_err < 0.5 and m.spectrum is not None


def test_a_trained_run_measured_again_on_its_own_pairs_gives_its_metrics():
    from lejepa_verify.validation.fit import EVAL_SEED_OFFSET, fit_one

    config = TrainConfig(n=2, mixing="spiral", steps=30, eval_every=30, eval_size=256, n_bootstrap=10,
                         spectrum_degree=0, width=16, depth=1, seed=7)
    fitted = fit_one(config, device="cpu", progress=False)
    again = evaluate(fitted.encoder, config, n_pairs=config.eval_size, seed=config.seed + EVAL_SEED_OFFSET)
    ran = fitted.result.metrics
    for name in ("r2_hz", "r2_zh", "mcc", "orth_err", "procrustes_mse", "epsilon", "delta", "D", "bound",
                 "bound_upper", "error_lower", "error_upper", "r2_hz_grid"):
        assert getattr(again, name) == pytest.approx(getattr(ran, name), rel=1e-6, abs=1e-9), name


def test_the_callers_random_state_and_module_modes_are_left_alone():
    net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout(0.5))
    net[1].train(False)
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    m = evaluate(net, world(), n_pairs=256)
    assert torch.equal(torch.rand(3), expected)
    assert net.training and not net[1].training
    # dropout was off during the measurement: a linear map reads z back exactly
    assert m.r2_hz == pytest.approx(1.0, abs=1e-6)


# ---------------------------------------------------------------------------------------
# refusals


@pytest.mark.parametrize("encoder, match", [
    (lambda x: np.asarray(x)[:, 0], r"encoder must return shape \(256, m\)"),
    (lambda x: np.asarray(x)[:-1], r"encoder must return shape \(256, m\)"),
    (lambda x: np.asarray(x)[:, :1], r"encoder returned m = 1 columns for a latent of n = 2"),
    (lambda x: np.where(np.asarray(x) > 2.0, np.nan, np.asarray(x)), "encoder returned non-finite values"),
    (lambda x: np.asarray(x) * np.inf, "encoder returned non-finite values"),
    (lambda x: "h", "encoder must return a real tensor or array"),
    (torch.nn.Linear(5, 2), "encoder failed on observations of shape"),
    (lambda x: x @ torch.ones(5, 2), r"encoder failed on observations of shape \(256, 2\) \(RuntimeError"),
    (lambda x: np.asarray(x)[:, [0, 1, 0] if len(x) == 256 else [0, 1]], "its width must not depend on the input"),
    (torch.nn.Linear, "encoder must be an encoder .* got the class Linear"),
    ("mlp", "encoder must be a torch module or a callable"),
    (lambda x: np.ones((len(x), 2)), "encoder returned the same embedding for all 256 observations"),
])
def test_a_bad_encoder_is_refused_naming_it(encoder, match):
    with pytest.raises(ValueError, match=match):
        evaluate(encoder, world(), n_pairs=256)


def test_an_encoder_of_another_width_than_the_configs_m_is_refused():
    with pytest.raises(ValueError, match="encoder returned m = 2 columns, but config.m = 3"):
        evaluate(rotation, world(m=3), n_pairs=256)


@pytest.mark.parametrize("config", [{"n": 2}, None, "spiral"])
def test_a_config_that_is_not_a_train_config_is_refused(config):
    with pytest.raises(ValueError, match="config must be a lejepa_verify.validation.TrainConfig"):
        evaluate(rotation, config)


@pytest.mark.parametrize("kw, match", [
    ({"n_pairs": 39}, r"n_pairs must be in \[40, 1048576\], got 39"),
    ({"n_pairs": 2 ** 20 + 1}, r"n_pairs must be in \[40, 1048576\]"),
    ({"n_pairs": 100.0}, "n_pairs must be an integer"),
    ({"n_pairs": True}, "n_pairs must be an integer"),
    ({"seed": -1}, r"seed must be in \[0, 4294967295\], got -1"),
])
def test_out_of_range_pairs_and_seeds_are_refused(kw, match):
    with pytest.raises(ValueError, match=match):
        evaluate(rotation, world(), **kw)


def test_a_default_n_pairs_below_the_minimum_is_refused_naming_n_pairs():
    with pytest.raises(ValueError, match=r"n_pairs \(default: config.eval_size = 16\) must be in \[40"):
        evaluate(rotation, world(eval_size=16))


# ---------------------------------------------------------------------------------------
# the command line


@pytest.mark.filterwarnings("ignore:`torch.jit.*` is deprecated:DeprecationWarning")
def test_cli_evaluates_a_python_file_attribute_and_a_torchscript_file(tmp_path, capsys):
    src = tmp_path / "my_encoders.py"
    src.write_text("import numpy as np\nQ = np.array([[0.6, -0.8], [0.8, 0.6]])\n"
                   "class Bank:\n    pass\nbank = Bank()\nbank.rot = lambda x: np.asarray(x, float) @ Q.T\n")
    common = ["--mixing", "identity", "--n", "2", "--rho", "0.9", "--n-bootstrap", "0", "--spectrum-degree", "0",
              "--n-pairs", "512"]
    out = tmp_path / "metrics.json"
    assert cli_main(["evaluate", "--encoder", f"{src}:bank.rot", *common, "--out", str(out)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["metrics"]["r2_hz"] == pytest.approx(1.0, abs=1e-12)
    assert json.loads(out.read_text())["metrics"]["orth_err"] < 1e-12

    lin = torch.nn.Linear(2, 2, bias=False)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor(Q2))
    scripted = tmp_path / "enc.pt"
    torch.jit.save(torch.jit.script(lin), str(scripted))
    assert cli_main(["evaluate", "--encoder", str(scripted), *common]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["metrics"]["r2_hz"] == pytest.approx(1.0, abs=1e-6)
    assert printed["world"]["mixing"] == "identity"

    exported = tmp_path / "enc.pt2"
    program = torch.export.export(lin, (torch.randn(4, 2),), dynamic_shapes=({0: torch.export.Dim("batch")},))
    torch.export.save(program, str(exported))
    assert cli_main(["evaluate", "--encoder", str(exported), *common]) == 0
    assert json.loads(capsys.readouterr().out)["metrics"]["orth_err"] < 1e-5


def test_cli_says_what_is_wrong_in_one_line(tmp_path, capsys):
    assert cli_main(["evaluate", "--encoder", str(tmp_path / "missing.pt")]) == 2
    assert "neither module:attr nor an existing TorchScript file" in capsys.readouterr().err
    assert cli_main(["evaluate", "--encoder", "no_such_module_xyz:f"]) == 2
    assert "no module 'no_such_module_xyz'" in capsys.readouterr().err
    assert cli_main(["evaluate", "--encoder", "numpy:no_such_attr"]) == 2
    assert "has no attribute 'no_such_attr'" in capsys.readouterr().err
    # training settings are not offered: evaluate does not read them
    assert cli_main(["evaluate", "--encoder", "numpy:sign", "--lam", "0.5"]) == 2
    assert "unrecognized arguments: --lam" in capsys.readouterr().err
