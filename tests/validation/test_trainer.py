"""The trainer: determinism, the JSON record, divergence, mixings, encoders and metrics."""

import json
import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lejepa_verify.validation import TrainConfig, train
from lejepa_verify.validation.cli import main as cli_main
from lejepa_verify.validation.encoders import make_encoder
from lejepa_verify.validation.metrics import mcc, orthogonality_error, r2
from lejepa_verify.validation.run_metrics import RunMetrics
from lejepa_verify.validation.observations import make_observation
from lejepa_verify.validation.trainer import TrainingDiverged, load_record

TINY = dict(steps=40, eval_size=256, eval_every=20, n_bootstrap=10, width=16, depth=2, spectrum_degree=2)
KEYS = ("r2_hz", "r2_zh", "mcc", "orth_err", "procrustes_mse", "epsilon", "delta", "D", "bound", "bound_upper",
        "error_lower", "error_upper", "uncertainty")


def test_same_seed_same_numbers_and_other_seed_other_numbers():
    a = train(TrainConfig(**TINY), progress=False)
    b = train(TrainConfig(**TINY), progress=False)
    c = train(TrainConfig(**TINY, seed=1), progress=False)
    assert a.curves == b.curves
    assert {k: getattr(a.metrics, k) for k in KEYS} == {k: getattr(b.metrics, k) for k in KEYS}
    assert a.metrics.r2_hz != c.metrics.r2_hz


def test_record_and_files(tmp_path):
    res = train(TrainConfig(**TINY), progress=False, out=tmp_path, save_arrays=True, save_weights=True)
    rec = load_record(tmp_path)
    assert rec["status"] == "ok" and rec["seed"] == 0
    assert TrainConfig.from_dict(rec["config"]) == res.config
    for key in KEYS:
        assert key in rec["metrics"]
    assert set(rec["metrics"]["uncertainty"]["stderr"]) >= {"epsilon", "delta"}
    # the record on disk is plain JSON that reads back into the same typed metrics
    assert RunMetrics.from_dict(rec["metrics"]) == res.metrics
    assert {"torch", "numpy", "python"} <= set(rec["versions"])
    arrays = np.load(tmp_path / "arrays.npz")
    assert arrays["h"].shape == (256, 2)
    # the stored arrays reproduce the stored metric (an independent recomputation)
    assert r2(arrays["h"], arrays["z"]) == pytest.approx(rec["metrics"]["r2_hz"], rel=1e-9)
    # the confidence limits are those of the stored arrays (recomputed independently of the run)
    from lejepa_verify.numerics.bounds import approximate_identifiability

    est = approximate_identifiability(arrays["z"], arrays["h"], arrays["h_next"], res.config.rho, n_bootstrap=0,
                                      seed=res.config.seed)
    for key in ("bound_upper", "error_lower", "error_upper"):
        assert rec["metrics"][key] == pytest.approx(getattr(est, key), rel=1e-9)
    assert rec["metrics"]["error_lower"] <= rec["metrics"]["procrustes_mse"] <= rec["metrics"]["error_upper"]
    state = torch.load(tmp_path / "weights.pt")
    assert any(k.endswith("weight") for k in state)
    # the Gaussian world also reports the Hermite spectrum and the alignment it predicts
    spec = rec["metrics"]["spectrum"]
    lo, hi = spec["alignment_predicted_interval"]
    assert lo - 0.05 <= spec["alignment_measured"] <= hi + 0.05


def test_divergence_raises_and_writes_a_diverged_record(tmp_path):
    with pytest.raises(TrainingDiverged) as info:
        train(TrainConfig(**{**TINY, "lr": 1e8, "objective": "whitening", "lam_start": None, "lam": 0.5}),
              progress=False, out=tmp_path)
    assert info.value.record["status"] == "diverged"
    assert load_record(tmp_path)["status"] == "diverged"


def test_bad_out_and_device_fail_before_training(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ValueError, match="out"):
        train(TrainConfig(**TINY), progress=False, out=blocker / "sub")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="cuda"):
            train(TrainConfig(**TINY, device="cuda"), progress=False)
    with pytest.raises(ValueError, match="TrainConfig"):
        train({"steps": 3}, progress=False)


def test_short_gaussian_run_recovers_a_rotation():
    # no mixing, a linear encoder: Theorem A's optimum is in the model class
    cfg = TrainConfig(mixing="identity", encoder="linear", steps=400, lam=0.08, lam_start=None, lr=0.02,
                      eval_size=2048, n_bootstrap=20, spectrum_degree=2)
    m = train(cfg, progress=False).metrics
    assert m.r2_hz > 0.99
    assert m.orth_err < 0.15
    assert m.bound_holds


def test_non_gaussian_world_runs_through_numerics_transitions():
    m = train(TrainConfig(**TINY, latent="gennorm", latent_params={"alpha": 1.0}, transition="authors"),
              progress=False).metrics
    assert math.isfinite(m.r2_hz) and m.spectrum is None and m.gaussian_world is False


@pytest.mark.parametrize("name, n", [("spiral", 2), ("banana", 2), ("sinusoid", 2), ("coupling", 6), ("mlp", 5),
                                     ("identity", 3)])
def test_mixings_are_exactly_invertible(name, n):
    g = make_observation(name, n, seed=3)
    z = torch.randn(500, n, dtype=torch.float64)
    g = g.double()
    torch.testing.assert_close(g.inverse(g(z)), z, rtol=1e-9, atol=1e-9)


def test_spiral_preserves_the_radius_and_rotates_by_pi_r():
    z = torch.tensor([[1.0, 0.0], [0.0, 0.5]])
    x = make_observation("spiral", 2)(z)
    torch.testing.assert_close(x.norm(dim=1), z.norm(dim=1))
    torch.testing.assert_close(x[0], torch.tensor([-1.0, 0.0]), atol=1e-6, rtol=0)   # angle π
    torch.testing.assert_close(x[1], torch.tensor([-0.5, 0.0]), atol=1e-6, rtol=0)   # angle π/2 of (0, .5)


def test_matched_encoder_represents_the_inverse_coupling():
    g = make_observation("coupling", 4, n_layers=3, seed=5)
    f = make_encoder("matched", 4, 4, n_layers=3)
    with torch.no_grad():
        f.W.copy_(g.W)
    z = torch.randn(100, 4)
    torch.testing.assert_close(f(g(z)), z, atol=1e-5, rtol=0)


def test_matched_encoder_starts_as_the_identity_and_random_start_does_not():
    x = torch.randn(200, 8)
    torch.testing.assert_close(make_encoder("matched", 8, 8)(x), x, atol=0, rtol=0)
    with torch.no_grad():
        moved = make_encoder("matched", 8, 8, matched_init="random", seed=0)(x)
    assert (moved - x).abs().max() > 0.1
    with pytest.raises(ValueError, match="matched_init 'zeros'"):
        make_encoder("matched", 8, 8, matched_init="zeros")


@settings(max_examples=25)
@given(st.floats(0, 2 * math.pi), st.floats(0.2, 3.0), st.integers(0, 1000))
def test_metrics_on_linear_maps(theta, scale, seed):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((2000, 2))
    Q = np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])
    h = scale * z @ Q.T + 0.5
    assert r2(h, z) == pytest.approx(1.0, abs=1e-12)
    # ||AᵀA − I||_F for A = sQ is sqrt(2)|s² − 1|
    assert orthogonality_error(z, h) == pytest.approx(math.sqrt(2) * abs(scale ** 2 - 1), abs=1e-9)
    perm = z[:, ::-1] * np.array([-1.0, 2.0])
    assert mcc(z, perm) == pytest.approx(1.0, abs=1e-12)


def test_cli_train_writes_the_record(tmp_path, capsys):
    rc = cli_main(["train", "--steps", "20", "--eval-size", "128", "--n-bootstrap", "5", "--width", "8",
                   "--spectrum-degree", "0", "--out", str(tmp_path), "--no-progress"])
    assert rc == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["status"] == "ok"
    assert load_record(tmp_path)["config"]["steps"] == 20
    assert cli_main(["train", "--mixing", "swirl", "--out", str(tmp_path)]) == 2


@pytest.mark.slow
@pytest.mark.parametrize("mixing", ["spiral", "banana", "sinusoid", "coupling"])
def test_default_recipe_meets_the_acceptance_numbers(mixing):
    m = train(TrainConfig(mixing=mixing), progress=False).metrics
    assert m.r2_hz >= 0.99
    assert m.orth_err <= 0.15
    assert m.procrustes_mse <= m.bound


# seeds 1 and 2 where a random start stalled (seed 0: R² 0.845 at n = 8, 0.859 at n = 32)
@pytest.mark.slow
@pytest.mark.parametrize("n, seed", [(2, 0), (8, 0), (32, 0), (64, 0), (8, 1), (8, 2), (32, 1), (32, 2)])
def test_matched_encoder_inverts_the_coupling_world(n, seed):
    res = train(TrainConfig(mixing="coupling", encoder="matched", n=n, seed=seed, n_bootstrap=20,
                            spectrum_degree=0), progress=False)
    assert res.metrics.r2_hz >= 0.99
    assert res.wall_time <= 300


@pytest.mark.slow
def test_non_gaussian_latents_fall_below_the_gaussian_run_when_the_constraint_is_held():
    """Issue 5: gennorm α ∈ {0.5, 1, 4, 8}, same budget as the Gaussian run, R² measurably below it.

    Identity mixing (so R² is not capped by how far a mixing gets unwound) and λ ramped to 0.3
    (so SIGReg holds the Gaussian constraint for light tails); the spiral world with the default
    recipe does not show it for α = 4, 8 (README, findings). Three seeds of the Gaussian run
    spread by about 5e-4 in R²; the smallest gap expected (α = 4) is about 5e-3.
    """
    base = dict(mixing="identity", lam=0.3, n_bootstrap=10, spectrum_degree=0)
    gauss = train(TrainConfig(**base), progress=False).metrics.r2_hz
    assert gauss > 0.995
    for alpha in (0.5, 1.0, 4.0, 8.0):
        cfg = TrainConfig(latent="gennorm", latent_params={"alpha": alpha}, transition="authors", **base)
        got = train(cfg, progress=False).metrics.r2_hz
        assert got < gauss - 0.003, (alpha, got, gauss)


def test_init_weights_start_from_a_given_encoder_and_bad_ones_are_refused(tmp_path):
    base = dict(mixing="spiral", steps=60, eval_every=60, eval_size=512, n_bootstrap=0, spectrum_degree=0, threads=1)
    first = train(TrainConfig(**base), progress=False, out=tmp_path / "a", save_weights=True)
    weights = tmp_path / "a" / "weights.pt"
    # a step of lr 1e-12 from the saved encoder keeps it: the same held-out R² (same seed, same eval set)
    kept = train(TrainConfig(**{**base, "steps": 1, "lr": 1e-12}), progress=False, init_weights=weights)
    assert kept.metrics.r2_hz == pytest.approx(first.metrics.r2_hz, abs=1e-9)
    fresh = train(TrainConfig(**{**base, "steps": 1, "lr": 1e-12}), progress=False)
    assert abs(fresh.metrics.r2_hz - first.metrics.r2_hz) > 1e-3   # negative control: a fresh start is not it
    state = torch.load(weights, weights_only=True)
    kept2 = train(TrainConfig(**{**base, "steps": 1, "lr": 1e-12}), progress=False, init_weights=state)
    assert kept2.metrics.r2_hz == pytest.approx(first.metrics.r2_hz, abs=1e-9)
    with pytest.raises(ValueError, match="init_weights do not fit the mlp encoder"):
        train(TrainConfig(**{**base, "width": 16}), progress=False, init_weights=state)
    with pytest.raises(ValueError, match="init_weights cannot be combined with best_of"):
        train(TrainConfig(**{**base, "best_of": 2}), progress=False, init_weights=state)
    with pytest.raises(ValueError, match="init_weights: cannot read"):
        train(TrainConfig(**base), progress=False, init_weights=tmp_path / "missing.pt")
    with pytest.raises(ValueError, match="init_weights must be a state_dict"):
        train(TrainConfig(**base), progress=False, init_weights=3)
    for name, content in (("empty.pt", b""), ("corrupt.pt", b"not a pickle at all")):
        (tmp_path / name).write_bytes(content)
        with pytest.raises(ValueError, match="init_weights: cannot read"):
            train(TrainConfig(**base), progress=False, init_weights=tmp_path / name)
    # a stored record would not say where the run started
    with pytest.raises(ValueError, match="init_weights cannot be combined with out"):
        train(TrainConfig(**base), progress=False, init_weights=state, out=tmp_path / "b")
    assert not (tmp_path / "b").exists()


@pytest.mark.parametrize("text, value", [("false", False), ("0", False), ("no", False), ("true", True), ("1", True)])
def test_cli_booleans_mean_what_they_say(text, value):
    # issue 24, defect 1: argparse's bool made any non-empty string True
    from lejepa_verify.validation.cli import build_parser

    args = build_parser().parse_args(["train", "--mixing", "arm", "--encoder", "cnn", "--cnn-batch-norm", text])
    assert args.cnn_batch_norm is value


def test_cli_lists_are_parsed_and_bad_booleans_refused(capsys):
    # issue 24, defect 6: --cnn-channels 8,16 was "must be an integer, got '8'"
    from lejepa_verify.validation.cli import build_parser, main

    assert build_parser().parse_args(["train", "--cnn-channels", "8,16"]).cnn_channels == (8, 16)
    assert main(["train", "--cnn-batch-norm", "maybe"]) == 2
    assert "cnn_batch_norm must be true or false" in capsys.readouterr().err


def test_a_learning_rate_beyond_float_range_is_a_diverged_run_not_a_traceback(tmp_path, capsys):
    # issue 24, defect 8: lr 1e300 overflowed inside Adam with a raw traceback
    from lejepa_verify.validation.cli import main

    rc = main(["train", "--lr", "1e300", "--steps", "5", "--out", str(tmp_path), "--no-progress"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 1 and out["status"] == "diverged" and "overflowed" in out["reason"]


def test_a_size_far_beyond_memory_is_refused_before_training_with_what_it_needs(monkeypatch):
    # issue 24, defect 8: allocation failures were raw MemoryError/RuntimeError tracebacks
    from lejepa_verify.validation import memory_check

    monkeypatch.setattr(memory_check, "available_bytes", lambda: 8 * 10**9)
    with pytest.raises(ValueError, match=r"needs about .* of memory .* 8.0 GB available"):
        train(TrainConfig(batch_size=10**8, steps=1), progress=False)
    with pytest.raises(ValueError, match="of memory"):
        train(TrainConfig(width=65536, depth=8, steps=1), progress=False)
    # the estimate refuses only what cannot fit: the default run passes on the same machine
    memory_check.check_memory(TrainConfig())


def test_one_step_is_marked_untrained_and_speed_excludes_setup():
    # issue 24, defect 12: --steps 1 gave ordinary-looking metrics, setup counted in steps_per_s
    res = train(TrainConfig(steps=1, eval_size=128, n_bootstrap=0, spectrum_degree=0), progress=False)
    assert any("trained 1 step only" in n for n in res.metrics.notes)
    assert res.metrics.train_seconds < res.wall_time
    assert res.metrics.steps_per_s == pytest.approx(1 / res.metrics.train_seconds)
