"""What a trained encoder learned, measured on held-out pairs (docs/theory.md §1, §2, §4, §7).

Beside the training loop, not inside it: the loop asks :func:`quick_metrics` for the curves,
and a finished run is measured once by :func:`final_metrics`, which builds the run's
:class:`~lejepa_verify.validation.run_metrics.RunMetrics` directly from the typed results of
the numerics layer (:class:`~lejepa_verify.numerics.bounds.BoundEstimate`, the Hermite
:class:`~lejepa_verify.numerics.spectrum.Spectrum`): ``R²`` both ways, MCC, ``||AᵀA − I||_F``,
ε, δ, D, the bound of Prop 4.3 and the Procrustes error with their bootstrap uncertainty and
confidence limits, the authors' grid ``R²`` in 2D, and in Gaussian worlds the spectrum of
``h = f ∘ g`` with the alignment it predicts, ``2 Σ_d (1 − ρ^d) E_d``, against the measured one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np
import torch

from lejepa_verify.validation.metrics import mcc, orthogonality_error, r2
from lejepa_verify.validation.run_metrics import RunMetrics, SpectrumMetrics, Uncertainty

#: final metrics that must be finite for a run to be "ok" (the bound's only where it is reported)
FINITE_METRICS = ("r2_hz", "r2_zh", "mcc", "orth_err", "procrustes_mse", "epsilon", "delta", "D", "bound")


@dataclass(frozen=True)
class HeldOut:
    """The fixed held-out pairs of a run: latents ``z, z_next`` and their observations ``x, x_next``."""

    z: torch.Tensor
    z_next: torch.Tensor
    x: torch.Tensor
    x_next: torch.Tensor


def embed(encoder: torch.nn.Module, x: torch.Tensor) -> np.ndarray:
    """``f(x)`` as float64 numpy, without gradients."""
    with torch.no_grad():
        return encoder(x).cpu().numpy().astype(float)


def quick_metrics(encoder: torch.nn.Module, held: HeldOut) -> tuple[float, float]:
    """``R²(h→z)`` and the orthogonality error of the current encoder (NaN when ``h`` is not finite)."""
    h = embed(encoder, held.x)
    if not np.all(np.isfinite(h)):
        return math.nan, math.nan
    zn = held.z.cpu().numpy().astype(float)
    return r2(h, zn), orthogonality_error(zn, h)


def numpy_map(encoder: torch.nn.Module, mixing: torch.nn.Module, n: int, device="cpu") -> Callable:
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


def spectrum_metrics(h: Callable, n: int, degree: int, rho: float, seed: int,
                     measured_alignment: float) -> SpectrumMetrics:
    """Hermite spectrum of the learned ``h`` and the alignment it predicts (Gaussian worlds, §2).

    The degree is capped at 2 above n = 8, where the total-degree basis of degree 3 grows as n³.
    """
    from lejepa_verify.numerics.spectrum import hermite_spectrum

    degree = degree if n <= 8 else min(degree, 2)
    spec = hermite_spectrum(h, n, degree, method="auto", seed=seed)
    predicted = spec.alignment_loss(rho)
    return SpectrumMetrics(
        max_degree=degree, method=spec.method,
        degree_energy=np.asarray(spec.energy).sum(axis=0).tolist(),
        residual=float(np.sum(spec.residual)), nonlinear_energy=spec.nonlinear_energy(),
        linear_block=np.asarray(spec.linear_block).tolist(),
        alignment_predicted=predicted.value,
        alignment_predicted_interval=(predicted.lower, predicted.upper),
        alignment_predicted_se=predicted.standard_error, alignment_measured=measured_alignment,
    )


@dataclass(frozen=True)
class Evaluation:
    """The final measurement of a run: its metrics, the held-out arrays, and, for a run whose
    metrics are not all finite (recorded as diverged), the names of those that are not and the
    values of all of :data:`FINITE_METRICS` it has."""

    metrics: RunMetrics | None
    arrays: Mapping[str, np.ndarray]
    not_finite: tuple[str, ...] = ()
    values: Mapping[str, float] | None = None


def final_metrics(encoder, mixing, held: HeldOut, config, *, gaussian_world: bool, device="cpu",
                  steps_per_s: float | None = None, train_seconds: float | None = None,
                  rho: float | None = None, bound_premise: bool = True) -> Evaluation:
    """Every final metric of the encoder on the held-out pairs (module docstring).

    ``rho``: the correlation δ and D are computed at (default ``config.rho``); with
    ``bound_premise=False`` (held-out pairs that are not the theory's pairs at ρ) the bound,
    ``bound_upper`` and ``bound_holds`` are not reported and a note says why."""
    from lejepa_verify.numerics.bounds import approximate_identifiability

    h, h_next = embed(encoder, held.x), embed(encoder, held.x_next)
    zn = held.z.cpu().numpy().astype(float)
    arrays = {"z": zn, "z_next": held.z_next.cpu().numpy(), "x": held.x.cpu().numpy(),
              "x_next": held.x_next.cpu().numpy(), "h": h, "h_next": h_next}
    if not (np.all(np.isfinite(h)) and np.all(np.isfinite(h_next))):
        return Evaluation(None, arrays, ("r2_hz", "orth_err"), {"r2_hz": math.nan, "orth_err": math.nan})
    rho = config.rho if rho is None else rho
    est = approximate_identifiability(zn, h, h_next, rho, n_bootstrap=config.n_bootstrap, seed=config.seed)
    metrics = RunMetrics(
        r2_hz=r2(h, zn), orth_err=orthogonality_error(zn, h), r2_zh=r2(zn, h), mcc=mcc(zn, h),
        procrustes_mse=float(est.error), epsilon=float(est.epsilon),
        # split-sample estimate without the plug-in's upward m/√N-sized bias (numerics.bounds)
        epsilon_debiased=float(est.epsilon_debiased), delta=float(est.delta), D=float(est.D),
        bound=float(est.bound), bound_holds=bool(est.holds),
        # confidence limits at est.level (numerics.bounds): the bound the report compares with,
        # and the interval of the population error; a run with error_lower > bound_upper violates
        bound_upper=float(est.bound_upper), error_lower=float(est.error_lower), error_upper=float(est.error_upper),
        bound_level=float(est.level),
        # the authors' R² on a fixed 100 × 100 grid over [−3, 3]², beside the on-law R²
        r2_hz_grid=grid_r2(encoder, mixing, held.x.device) if config.n == 2 else None,
        mean_sq_norm=float(est.mean_sq_norm), alignment=float(est.alignment), trace_cov=float(est.trace_cov),
        scale=math.sqrt(max(est.trace_cov, 0.0) / h.shape[1]),
        steps_per_s=steps_per_s, train_seconds=train_seconds, gaussian_world=gaussian_world,
        uncertainty=Uncertainty(stderr={k: float(v) for k, v in est.stderr.items()},
                                interval={k: (float(v[0]), float(v[1])) for k, v in est.interval.items()},
                                confidence=est.confidence, n_bootstrap=est.n_bootstrap, n_samples=est.n_samples),
    )
    if not bound_premise:
        from dataclasses import replace

        metrics = replace(metrics, bound=None, bound_upper=None, bound_holds=None, notes=(
            f"the held-out pairs are not the theory's pairs at rho = {config.rho:g}: delta and D use their measured "
            f"correlation {rho:.4f}, and the bound of Prop 4.3 (whose premise fails) is not reported",))
    required = FINITE_METRICS if bound_premise else tuple(k for k in FINITE_METRICS if k != "bound")
    bad = tuple(k for k in required if not _finite(getattr(metrics, k)))
    if bad:
        return Evaluation(None, arrays, bad, {k: getattr(metrics, k) for k in required})
    if gaussian_world and config.spectrum_degree > 0:
        spectrum = spectrum_metrics(numpy_map(encoder, mixing, config.n, device), config.n,
                                    config.spectrum_degree, config.rho, config.seed, metrics.alignment)
        from dataclasses import replace

        metrics = replace(metrics, spectrum=spectrum)
    return Evaluation(metrics, arrays, {})


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
