"""A small, readable LeJEPA trainer for synthetic worlds (docs/theory.md §1, §4, §7).

One call, ``train(config)``, runs the whole experiment top to bottom:

1. the world (latent law, transition, ρ) and the frozen mixing ``g`` from the config;
2. a fixed held-out set of pairs ``(z, z')`` and their observations ``x = g(z)``;
3. ``steps`` AdamW steps on fresh batches of pairs, loss ``λ·SIGReg + (1 − λ)·alignment``
   (or whitening, or InfoNCE) on ``h = f(x)``, a progress bar with the loss and ``R²(h→z)``;
4. the metrics of the learned ``h = f ∘ g`` on the held-out set: ``R²`` both ways, MCC,
   ``||AᵀA − I||_F``, and ε, δ, D, the bound and the Procrustes error of Prop 4.3 with
   bootstrap uncertainty (``numerics.bounds``); in Gaussian worlds also the Hermite spectrum
   of ``h`` and the alignment it predicts, ``2 Σ_d (1 − ρ^d) E_d``, against the measured one.

Same seed, same numbers on the CPU. A run that diverges raises :class:`TrainingDiverged`, whose
``record`` (status ``"diverged"``, ``metrics.diverged_at_step`` and ``metrics.divergence``, the
reason) is also written when ``out`` is given. Diverged means: a NaN or inf loss; a finite loss
above ``DIVERGENCE_LOSS_FACTOR`` times ``max(1, |first loss|)``; an embedding whose RMS on a
batch exceeds ``DIVERGENCE_SCALE_FACTOR`` times ``max(1, its first RMS)`` (every objective here
pulls the embedding towards unit covariance); or a final metric that is not finite.
"""

from __future__ import annotations

import importlib
import io
import math
import pickle
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import torch

from lejepa_verify.theory.claims import json_safe
from lejepa_verify.validation.channels import training_pair
from lejepa_verify.validation.config import TrainConfig
from lejepa_verify.validation.encoders import make_encoder
from lejepa_verify.validation.io import atomic_write_bytes, atomic_write_json, ensure_writable_dir
from lejepa_verify.validation.metrics import mcc, orthogonality_error, r2
from lejepa_verify.validation.objectives import make_objective
from lejepa_verify.validation.run_metrics import RunMetrics
from lejepa_verify.validation.observations import make_observation
from lejepa_verify.validation.worlds import World

RECORD_NAME = "record.json"
# about the size of a record (config, metrics, curves, spectrum), for the up-front space check
RECORD_BYTES = 64_000
# far beyond anything a converging run does (its loss falls from its start, its embedding scale
# settles near 1), and far below what an exploding one reaches (loss 1e16 at lr = 10)
DIVERGENCE_LOSS_FACTOR = 1e6
DIVERGENCE_SCALE_FACTOR = 1e3
# final metrics that must be finite for a run to be "ok"
FINITE_METRICS = ("r2_hz", "r2_zh", "mcc", "orth_err", "procrustes_mse", "epsilon", "delta", "D", "bound")
ARRAYS_NAME = "arrays.npz"
WEIGHTS_NAME = "weights.pt"


class TrainingDiverged(RuntimeError):
    """The run diverged (module docstring); ``record`` is the JSON record with status ``"diverged"``."""

    def __init__(self, message: str, record: Mapping[str, Any]):
        super().__init__(message)
        self.record = dict(record)


def versions() -> dict[str, str]:
    """Versions of Python and of the packages a run depends on."""
    out = {"python": platform.python_version()}
    for name in ("numpy", "scipy", "torch"):
        out[name] = importlib.import_module(name).__version__
    try:
        from importlib.metadata import version

        out["lejepa-verify"] = version("lejepa-verify")
    except Exception:  # noqa: BLE001 - an uninstalled checkout still trains
        out["lejepa-verify"] = "not installed"
    return out


@dataclass(frozen=True)
class TrainResult:
    """The outcome of one run.

    ``metrics`` is a :class:`~lejepa_verify.validation.run_metrics.RunMetrics` (``R²`` both ways,
    MCC, orthogonality error, Procrustes error, ε, δ, D, the bound and their bootstrap
    uncertainty, the spectrum in Gaussian worlds); ``curves`` maps names to lists, one entry
    per evaluation; ``arrays`` (not part of the record) holds the held-out ``z, z_next, x, h, h_next``.
    """

    config: TrainConfig
    metrics: RunMetrics
    curves: Mapping[str, list]
    wall_time: float
    status: str
    versions: Mapping[str, str]
    threads: int
    arrays: Mapping[str, np.ndarray] | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        """The JSON record: config, final metrics, curves, versions, seed, wall time, status."""
        return json_safe({
            "status": self.status,
            "seed": self.config.seed,
            "wall_time": self.wall_time,
            "steps_per_s": self.metrics.steps_per_s,
            "threads": self.threads,
            "config": self.config.to_dict(),
            "metrics": self.metrics.to_dict(),
            "curves": dict(self.curves),
            "versions": dict(self.versions),
        })


def lr_at(step: int, config: TrainConfig) -> float:
    """Learning rate at ``step``: constant, cosine to 0, or constant for the first half then cosine."""
    if config.schedule == "constant":
        return config.lr
    start = config.steps // 2 if config.schedule == "constant-cosine" else 0
    if step < start:
        return config.lr
    frac = (step - start) / max(config.steps - start, 1)
    return config.lr * 0.5 * (1.0 + math.cos(math.pi * frac))


def numpy_map(encoder: torch.nn.Module, mixing: torch.nn.Module, n: int, device="cpu"):
    """``h = f ∘ g`` as a numpy callable ``(N, n) -> (N, m)``, evaluated in chunks without gradients."""

    def h(z: np.ndarray) -> np.ndarray:
        z2 = np.asarray(z, dtype=np.float32).reshape(-1, n)
        out = []
        with torch.no_grad():
            for chunk in np.array_split(z2, max(1, len(z2) // 65536 + 1)):
                t = torch.from_numpy(np.ascontiguousarray(chunk)).to(device)
                out.append(encoder(mixing(t)).cpu().numpy().astype(float))
        return np.concatenate(out)

    return h


def _spectrum_metrics(h, config: TrainConfig, measured_alignment: float) -> dict:
    """Hermite spectrum of the learned ``h`` and the alignment it predicts (Gaussian worlds, §2).

    The degree is capped at 2 above n = 8, where the total-degree basis of degree 3 grows as n³.
    """
    from lejepa_verify.numerics.spectrum import hermite_spectrum

    degree = config.spectrum_degree if config.n <= 8 else min(config.spectrum_degree, 2)
    spec = hermite_spectrum(h, config.n, degree, method="auto", seed=config.seed)
    predicted = spec.alignment_loss(config.rho)
    return {
        "max_degree": degree,
        "method": spec.method,
        "degree_energy": np.asarray(spec.energy).sum(axis=0).tolist(),
        "residual": float(np.sum(spec.residual)),
        "nonlinear_energy": spec.nonlinear_energy(),
        "linear_block": np.asarray(spec.linear_block).tolist(),
        "alignment_predicted": predicted.value,
        "alignment_predicted_interval": [predicted.lower, predicted.upper],
        "alignment_predicted_se": predicted.standard_error,
        "alignment_measured": measured_alignment,
    }


def evaluate(encoder, mixing, z, z_next, x, x_next, config: TrainConfig, *, final: bool) -> tuple[dict, dict]:
    """Metrics of the current encoder on the held-out set; the bound and its bootstrap when ``final``."""
    from lejepa_verify.numerics.bounds import approximate_identifiability

    with torch.no_grad():
        h = encoder(x).cpu().numpy().astype(float)
        h_next = encoder(x_next).cpu().numpy().astype(float)
    zn = z.cpu().numpy().astype(float)
    if not (np.all(np.isfinite(h)) and np.all(np.isfinite(h_next))):
        return {"r2_hz": float("nan"), "orth_err": float("nan")}, {}
    out = {"r2_hz": r2(h, zn), "orth_err": orthogonality_error(zn, h)}
    if not final:
        return out, {}
    if config.n == 2:
        # the authors' R² on a fixed 100 × 100 grid over [−3, 3]², beside the on-law R²
        out["r2_hz_grid"] = grid_r2(encoder, mixing, x.device)
    est = approximate_identifiability(zn, h, h_next, config.rho,
                                      n_bootstrap=config.n_bootstrap, seed=config.seed)
    out.update({
        "r2_zh": r2(zn, h),
        "mcc": mcc(zn, h),
        "procrustes_mse": est.error,
        "epsilon": est.epsilon,
        # split-sample estimate without the plug-in's upward m/√N-sized bias (numerics.bounds)
        "epsilon_debiased": est.epsilon_debiased,
        "delta": est.delta,
        "D": est.D,
        "bound": est.bound,
        # confidence limits at est.level (numerics.bounds): the bound the report compares with,
        # and the interval of the population error; a run with error_lower > bound_upper violates
        "bound_upper": est.bound_upper,
        "error_lower": est.error_lower,
        "error_upper": est.error_upper,
        "bound_holds": est.holds,
        "mean_sq_norm": est.mean_sq_norm,
        "alignment": est.alignment,
        "trace_cov": est.trace_cov,
        "scale": math.sqrt(max(est.trace_cov, 0.0) / h.shape[1]),
        "uncertainty": {"stderr": dict(est.stderr), "interval": {k: list(v) for k, v in est.interval.items()},
                        "confidence": est.confidence, "n_bootstrap": est.n_bootstrap,
                        "n_samples": est.n_samples},
    })
    arrays = {"z": zn, "z_next": z_next.cpu().numpy(), "x": x.cpu().numpy(), "x_next": x_next.cpu().numpy(),
              "h": h, "h_next": h_next}
    return out, arrays


def grid_r2(encoder, mixing, device="cpu", size: int = 100, half_width: float = 3.0) -> float:
    """``R²(h→z)`` on the fixed grid ``linspace(−3, 3, 100)²`` (n = 2), the authors' ``r2_hz_grid``
    (the fixed-grid evaluation in ``run_single``, ``experiments/run.py``, of klindtlab/lejepa-identifiability): every grid
    point weighs alike, whatever mass the latent law puts there."""
    g = torch.linspace(-half_width, half_width, size)
    z = torch.stack(torch.meshgrid(g, g, indexing="ij"), dim=-1).reshape(-1, 2)
    with torch.no_grad():
        h = encoder(mixing(z.to(device))).cpu().numpy().astype(float)
    if not np.all(np.isfinite(h)):
        return float("nan")
    return r2(h, z.numpy().astype(float))


def build_models(config: TrainConfig, device="cpu"):
    """The frozen observation map ``g`` and the (untrained) encoder ``f`` of ``config``, on ``device``."""
    mixing = make_observation(config.mixing, config.n, n_layers=config.mixing_layers, seed=config.mixing_seed)
    encoder = make_encoder(config.encoder, mixing.obs_shape, config.out_dim, width=config.width, depth=config.depth,
                           n_layers=config.n_encoder_layers, seed=config.seed, matched_init=config.matched_init,
                           n=config.n, cnn_channels=config.cnn_channels, cnn_hidden=config.cnn_hidden,
                           cnn_batch_norm=config.cnn_batch_norm)
    return mixing.to(device), encoder.to(device)


def typed_metrics(measured: Mapping[str, Any]) -> RunMetrics:
    """``RunMetrics`` from what ``evaluate`` measured; a key it has no field for is a bug here,
    not something to drop silently."""
    from dataclasses import fields

    unknown = set(measured) - {f.name for f in fields(RunMetrics)}
    if unknown:
        raise ValueError(f"measured metrics without a RunMetrics field: {sorted(unknown)}")
    return RunMetrics.from_dict(measured)


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_device(device: str) -> torch.device:
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was requested but torch sees no CUDA device on this machine")
    return torch.device(device)


def train(config: TrainConfig | None = None, *, progress: bool = True, out=None, save_arrays: bool = False,
          save_weights: bool = False, init_weights=None) -> TrainResult:
    """Train an encoder on the world of ``config`` and measure what it learned (module docstring).

    ``out``: a folder for ``record.json`` (always, written atomically), ``arrays.npz``
    (``save_arrays``: held-out ``z, z_next, x, x_next, h, h_next``) and ``weights.pt``
    (``save_weights``: the encoder's ``state_dict``). ``init_weights``: a ``state_dict`` (or the
    path of a ``weights.pt``) of this config's encoder to start from instead of its initialisation,
    e.g. to test whether a known solution is kept (``benchmarks/bench_pixels.py basin``); it must
    match the encoder exactly, and is refused with ``best_of > 1`` and with ``out`` (a stored
    record's config would not say where the run started). Raises ``TrainingDiverged`` on
    a NaN/inf loss.
    """
    config = TrainConfig() if config is None else config
    if not isinstance(config, TrainConfig):
        raise ValueError(f"config must be a TrainConfig, got {type(config).__name__}")
    if init_weights is not None and config.best_of > 1:
        raise ValueError("init_weights cannot be combined with best_of > 1 (every candidate would start alike)")
    if init_weights is not None and out is not None:
        # a stored record is identified by its config, which does not say where the encoder started
        raise ValueError("init_weights cannot be combined with out: the record would pass for a run from the "
                         "config's own initialisation")
    init_state = _load_init_weights(init_weights) if init_weights is not None else None
    device = _check_device(config.device)
    created = out is not None and not Path(out).exists()
    needed = RECORD_BYTES + (config.eval_size * (4 * config.n + 2 * config.out_dim) * 8 if save_arrays else 0)
    out_dir = ensure_writable_dir(out, "out", needed=needed) if out is not None else None
    previous = torch.get_num_threads()
    # small models train fastest on one thread; the setting is global, so it is put back after
    if config.threads is not None:
        torch.set_num_threads(config.threads)
    try:
        if config.best_of > 1:
            from lejepa_verify.validation.best_of import train_best_of

            return train_best_of(config, progress=progress, out=out_dir, save_arrays=save_arrays,
                                 save_weights=save_weights)
        return _train(config, device, out_dir, progress, save_arrays, save_weights, init_state)
    except BaseException:
        # a run that failed before writing anything leaves no empty folder of its own behind
        if created:
            try:
                out_dir.rmdir()
            except OSError:
                pass
        raise
    finally:
        torch.set_num_threads(previous)


def _load_init_weights(init_weights) -> dict:
    """A ``state_dict`` from a mapping or a ``weights.pt`` path; anything else is a ValueError naming it."""
    from collections.abc import Mapping as _Mapping

    if isinstance(init_weights, _Mapping):
        state = dict(init_weights)
    elif isinstance(init_weights, (str, Path)):
        try:
            state = torch.load(init_weights, map_location="cpu", weights_only=True)
        except (OSError, RuntimeError, ValueError, EOFError, pickle.UnpicklingError) as exc:
            raise ValueError(f"init_weights: cannot read {str(init_weights)!r}: {exc}") from None
    else:
        raise ValueError(f"init_weights must be a state_dict or the path of a weights.pt, got {type(init_weights).__name__}")
    if not state or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ValueError("init_weights must map parameter names to tensors")
    return state


def _train(config: TrainConfig, device, out_dir, progress: bool, save_arrays: bool,
           save_weights: bool, init_state: dict | None = None) -> TrainResult:
    start = time.perf_counter()

    world = World(config.latent, config.latent_params, config.transition, config.n, config.rho,
                  pairs=config.pairs, trajectory_lag=config.trajectory_lag, trajectory_seed=config.seed)
    mixing, encoder = build_models(config, device)
    if init_state is not None:
        try:
            encoder.load_state_dict(init_state, strict=True)
        except RuntimeError as exc:
            raise ValueError(f"init_weights do not fit the {config.encoder} encoder of this config: "
                             f"{str(exc).splitlines()[0]}") from None
    if len(mixing.obs_shape) == 3:
        # image worlds free and re-fault tens of MB per step otherwise (validation.memory)
        from lejepa_verify.validation.memory import keep_freed_memory

        keep_freed_memory()
    objective = make_objective(config, device)
    opt = torch.optim.AdamW(encoder.parameters(), lr=config.lr, weight_decay=config.weight_decay)

    # separate streams: the held-out set does not depend on how many steps are trained
    train_gen = torch.Generator().manual_seed(config.seed)
    eval_gen = torch.Generator().manual_seed(config.seed + 1_000_003)
    z_eval, zn_eval = world.sample(config.eval_size, eval_gen)
    with torch.no_grad():
        z_eval, zn_eval = z_eval.to(device), zn_eval.to(device)
        x_eval, xn_eval = mixing(z_eval), mixing(zn_eval)

    curves: dict[str, list] = {"step": [], "lr": [], "lam": [], "loss": [], "alignment": [], "regulariser": [],
                               "r2_hz": [], "orth_err": []}
    reg_key = objective.regulariser
    sums = {"loss": 0.0, "alignment": 0.0, "regulariser": 0.0}
    count = 0

    def diverged_record(metrics: dict) -> dict:
        """The record of a run that stopped early: no RunMetrics, the step and loss instead."""
        return json_safe({"status": "diverged", "seed": config.seed, "wall_time": time.perf_counter() - start,
                          "steps_per_s": None, "threads": torch.get_num_threads(), "config": config.to_dict(),
                          "metrics": metrics, "curves": dict(curves), "versions": versions()})

    def diverge(step: int, reason: str, metrics: dict) -> None:
        if bar is not None:
            bar.close()
        rec = diverged_record({"diverged_at_step": step, "divergence": reason, **metrics})
        if out_dir is not None:
            atomic_write_json(out_dir / RECORD_NAME, rec)
        raise TrainingDiverged(f"diverged at step {step} of {config.steps}: {reason}", rec)

    first_loss = first_scale = None

    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=config.steps, desc=f"train {config.mixing}/{config.objective}", unit="step",
                   file=sys.stderr, mininterval=0.5, leave=False)
    encoder.train()
    for step in range(1, config.steps + 1):
        lr = lr_at(step - 1, config)
        for group in opt.param_groups:
            group["lr"] = lr
        # recorded for every objective; those with uses_lam = False ignore it
        objective.lam = config.lam_at(step - 1)
        z, z_next = training_pair(world, config.views, config.batch_size, train_gen)
        with torch.no_grad():
            x = mixing(torch.cat((z, z_next)).to(device))
        h = encoder(x)
        loss, parts = objective(h[: config.batch_size], h[config.batch_size:], train_gen)
        value = float(loss.detach())
        if first_loss is None:
            first_loss = abs(value)
        if not math.isfinite(value):
            diverge(step, f"the loss became {value}", {"loss": value})
        if abs(value) > DIVERGENCE_LOSS_FACTOR * max(1.0, first_loss):
            diverge(step, f"the loss reached {value:.3g}, over {DIVERGENCE_LOSS_FACTOR:g} times "
                          f"max(1, its first value {first_loss:.3g})", {"loss": value})
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sums["loss"] += value
        sums["alignment"] += float(parts["alignment"])
        sums["regulariser"] += float(parts[reg_key])
        count += 1

        if step == 1 or step % config.eval_every == 0 or step == config.steps:
            scale = float(h.detach().pow(2).mean().sqrt())
            first_scale = scale if first_scale is None else first_scale
            if not scale <= DIVERGENCE_SCALE_FACTOR * max(1.0, first_scale):
                diverge(step, f"the embedding's RMS reached {scale:.3g}, over {DIVERGENCE_SCALE_FACTOR:g} "
                              f"times max(1, its first value {first_scale:.3g})", {"loss": value, "scale": scale})
        if step % config.eval_every == 0 or step == config.steps:
            encoder.eval()
            quick, _ = evaluate(encoder, mixing, z_eval, zn_eval, x_eval, xn_eval, config, final=False)
            encoder.train()
            curves["step"].append(step)
            curves["lr"].append(lr)
            curves["lam"].append(objective.lam)
            for key in sums:
                curves[key].append(sums[key] / count)
                sums[key] = 0.0
            count = 0
            curves["r2_hz"].append(quick["r2_hz"])
            curves["orth_err"].append(quick["orth_err"])
            if bar is not None:
                bar.set_postfix(loss=f"{curves['loss'][-1]:.4g}", r2=f"{quick['r2_hz']:.4f}",
                                orth=f"{quick['orth_err']:.3f}", refresh=False)
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    train_seconds = time.perf_counter() - start

    encoder.eval()
    measured, arrays = evaluate(encoder, mixing, z_eval, zn_eval, x_eval, xn_eval, config, final=True)
    bad = [k for k in FINITE_METRICS if not _finite(measured.get(k))]
    if bad:
        diverge(config.steps, "final metrics not finite: " + ", ".join(f"{k} = {measured.get(k)}" for k in bad),
                {k: measured.get(k) for k in FINITE_METRICS if k in measured})
    measured["steps_per_s"] = config.steps / train_seconds
    measured["train_seconds"] = train_seconds
    measured["gaussian_world"] = world.is_gaussian
    if world.is_gaussian and config.spectrum_degree > 0:
        measured["spectrum"] = _spectrum_metrics(numpy_map(encoder, mixing, config.n, device), config,
                                                 measured["alignment"])
    metrics = typed_metrics(measured)
    result = TrainResult(config, metrics, curves, time.perf_counter() - start, "ok", versions(),
                         torch.get_num_threads(), arrays)
    if out_dir is not None:
        if save_arrays:
            buf = io.BytesIO()
            np.savez(buf, **arrays)
            atomic_write_bytes(out_dir / ARRAYS_NAME, buf.getvalue())
        if save_weights:
            buf = io.BytesIO()
            torch.save(encoder.state_dict(), buf)
            atomic_write_bytes(out_dir / WEIGHTS_NAME, buf.getvalue())
        atomic_write_json(out_dir / RECORD_NAME, result.to_dict())
    return result


def load_record(path) -> dict:
    """Read a run's JSON record (``record.json`` or the folder holding it)."""
    import json

    p = Path(path)
    if p.is_dir():
        p = p / RECORD_NAME
    return json.loads(p.read_text())
