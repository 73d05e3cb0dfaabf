"""Recorded trajectories of a damped two-link planar arm under a random controller.

The second case of the paper's Reacher experiment (paper_numbers.toml ``[reacher]``): pairs
``(z_t, z_{t+lag})`` taken from recorded trajectories instead of a Gaussian OU channel. Their
marginals are not Gaussian (near-uniform joint angles), so docs/theory.md §3 predicts that the
encoder is not identifiable up to a rotation.

**The arm.** Two links of length ``l = 0.12`` with point masses ``m₁ = m₂ = 1`` at their ends,
in the horizontal plane (no gravity), joint angles ``θ = (θ₁, θ₂)`` (``θ₂`` relative to link 1):

    M(θ₂) θ̈ + c(θ, θ̇) = τ − b θ̇,
    M₁₁ = (m₁ + m₂) l² + m₂ l² + 2 m₂ l² cos θ₂,  M₁₂ = m₂ l² + m₂ l² cos θ₂,  M₂₂ = m₂ l²,
    c₁ = −m₂ l² sin θ₂ (2 θ̇₁ θ̇₂ + θ̇₂²),  c₂ = m₂ l² sin θ₂ θ̇₁²,

integrated with semi-implicit Euler (``substeps`` per control step of ``dt = 0.02``, the
Reacher's control step). The controller is random: torques ``τ`` held for ``hold`` control
steps, each new value ``N(0, torque²)``. Each joint has a hard limit at ``±limit`` (default
1.5 rad) where it reflects elastically; the limits keep ``θ`` away from ±π, where the latent
coordinate ``z = 2·tan(θ/2)`` of the pixel world (``validation.observations.arm``) would run off
to infinity, so the latents stay bounded (``|z| ≤ 2·tan(limit/2) ≈ 1.86``).

The limit decides how far from Gaussian the latents are: the recorded angles are near uniform
for every limit (excess kurtosis about −1.1), but the squash's inverse stretches the ends, so
with a limit of 2.5 rad the latents ``z`` have excess kurtosis near 0 (0.03–0.08, as a
Gaussian's), with 2.0 rad about −0.65, with 1.5 rad about −0.9 (measured on 32 trajectories
of 4000 steps, seed 0). The default takes the near-uniform case the paper describes.

A :class:`TrajectoryBank` records ``n_trajectories`` trajectories of ``length`` steps after a
burn-in of ``burn_in`` steps, each started at rest at uniform angles inside the limits;
:meth:`TrajectoryBank.pairs` draws pairs at a positive integer lag from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lejepa_verify.theory.validate import check_int, check_positive

LINK = 0.12
MASS = 1.0
DT = 0.02


def _check_lag(lag) -> int:
    if isinstance(lag, bool) or not isinstance(lag, (int, np.integer)) or int(lag) < 1:
        raise ValueError(f"trajectory lag must be a positive integer (control steps), got {lag!r}")
    return int(lag)


def accelerations(theta: np.ndarray, omega: np.ndarray, tau: np.ndarray, damping: float) -> np.ndarray:
    """``θ̈ = M(θ₂)⁻¹ (τ − b θ̇ − c(θ, θ̇))`` for arrays of shape ``(K, 2)`` (module docstring)."""
    l2 = LINK * LINK
    cos2, sin2 = np.cos(theta[:, 1]), np.sin(theta[:, 1])
    m11 = 3.0 * MASS * l2 + 2.0 * MASS * l2 * cos2
    m12 = MASS * l2 * (1.0 + cos2)
    m22 = MASS * l2
    w1, w2 = omega[:, 0], omega[:, 1]
    c1 = -MASS * l2 * sin2 * (2.0 * w1 * w2 + w2 * w2)
    c2 = MASS * l2 * sin2 * w1 * w1
    r1 = tau[:, 0] - damping * w1 - c1
    r2 = tau[:, 1] - damping * w2 - c2
    det = m11 * m22 - m12 * m12  # = m² l⁴ (2 − cos²θ₂) > 0
    return np.stack(((m22 * r1 - m12 * r2) / det, (m11 * r2 - m12 * r1) / det), axis=1)


@dataclass(frozen=True)
class ArmMarginals:
    """Summary of a bank's angle marginals: per joint the mean, standard deviation, excess
    kurtosis (0 for a Gaussian, −1.2 for a uniform law), the Kolmogorov distance of the
    standardised latent ``z`` to ``N(0, 1)``, and the lag correlation ``corr(z_t, z_{t+lag})``."""

    lag: int
    theta_mean: tuple[float, float]
    theta_std: tuple[float, float]
    theta_excess_kurtosis: tuple[float, float]
    z_excess_kurtosis: tuple[float, float]
    z_ks_to_gaussian: tuple[float, float]
    lag_correlation: tuple[float, float]
    n_states: int

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class TrajectoryBank:
    """Recorded joint angles ``theta`` of shape ``(n_trajectories, length, 2)`` (module docstring)."""

    theta: np.ndarray
    limit: float
    seed: int

    @classmethod
    def simulate(cls, *, n_trajectories: int = 64, length: int = 4000, burn_in: int = 200,
                 damping: float = 0.02, torque: float = 0.05, hold: int = 5, limit: float = 1.5,
                 substeps: int = 4, seed: int = 0) -> "TrajectoryBank":
        """Simulate the arm under the random controller (module docstring); same seed, same bank."""
        k = check_int(n_trajectories, "n_trajectories", 1)
        length = check_int(length, "length", 2)
        burn_in = check_int(burn_in, "burn_in", 0)
        hold = check_int(hold, "hold", 1)
        substeps = check_int(substeps, "substeps", 1)
        check_positive(damping, "damping", strict=False)
        check_positive(torque, "torque")
        check_positive(limit, "limit")
        if not limit < math.pi:
            raise ValueError(f"limit must lie in (0, pi) radians, got {limit!r}")
        rng = np.random.default_rng(check_int(seed, "seed", 0))
        theta = rng.uniform(-limit, limit, size=(k, 2))
        omega = np.zeros((k, 2))
        tau = np.zeros((k, 2))
        h = DT / substeps
        out = np.empty((k, length, 2))
        for step in range(burn_in + length):
            if step % hold == 0:
                tau = torque * rng.standard_normal((k, 2))
            for _ in range(substeps):
                omega = omega + h * accelerations(theta, omega, tau, damping)
                theta = theta + h * omega
                # elastic reflection at the joint limits
                over = theta > limit
                theta = np.where(over, 2 * limit - theta, theta)
                omega = np.where(over, -np.abs(omega), omega)
                under = theta < -limit
                theta = np.where(under, -2 * limit - theta, theta)
                omega = np.where(under, np.abs(omega), omega)
            if step >= burn_in:
                out[:, step - burn_in] = theta
        return cls(out, float(limit), int(seed))

    def pairs(self, size: int, lag: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """``size`` pairs of angles ``(θ_t, θ_{t+lag})`` at uniformly drawn trajectories and times."""
        size = check_int(size, "size", 1)
        lag = _check_lag(lag)
        k, length, _ = self.theta.shape
        if lag >= length:
            raise ValueError(f"trajectory lag must be < the recorded length {length}, got {lag}")
        traj = rng.integers(0, k, size)
        t = rng.integers(0, length - lag, size)
        return self.theta[traj, t], self.theta[traj, t + lag]

    def decorrelation_steps(self, threshold: float = 0.05) -> int:
        """The first lag at which the autocorrelation of the latents ``z = 2·tan(θ/2)`` (pooled over
        trajectories, the larger of the two joints) falls below ``threshold``: states this far apart
        are treated as independent (at most a quarter of the recorded length)."""
        z = 2.0 * np.tan(self.theta / 2.0)
        z = (z - z.mean((0, 1))) / z.std((0, 1))
        k, length, _ = z.shape
        n_fft = 1 << (2 * length - 1).bit_length()
        spec = np.fft.rfft(z, n=n_fft, axis=1)
        acf = np.fft.irfft(spec * np.conj(spec), n=n_fft, axis=1)[:, :length].sum(0)   # (length, 2)
        acf = acf / (k * (length - np.arange(length)))[:, None]
        acf = acf / acf[0]
        below = np.flatnonzero(np.abs(acf).max(axis=1) < threshold)
        return int(below[0]) if len(below) else length // 4

    def independent_pairs(self, size: int, lag: int, rng: np.random.Generator,
                          spacing: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """At most ``size`` pairs ``(θ_t, θ_{t+lag})`` far enough apart to be independent: on each
        trajectory their starts are ``lag + spacing`` steps apart (``spacing`` defaults to
        :meth:`decorrelation_steps`) from a random offset, and the pairs are drawn without
        replacement. Fewer than ``size`` come back when the bank holds fewer independent pairs."""
        size = check_int(size, "size", 1)
        lag = _check_lag(lag)
        k, length, _ = self.theta.shape
        if lag >= length:
            raise ValueError(f"trajectory lag must be < the recorded length {length}, got {lag}")
        step = lag + (self.decorrelation_steps() if spacing is None else check_int(spacing, "spacing", 1))
        per = max(1, (length - lag) // step)
        offsets = rng.integers(0, max(1, length - lag - (per - 1) * step), k)
        traj = np.repeat(np.arange(k), per)
        t = (offsets[:, None] + step * np.arange(per)[None, :]).ravel()
        pick = rng.permutation(len(t))[: min(size, len(t))]
        return self.theta[traj[pick], t[pick]], self.theta[traj[pick], t[pick] + lag]

    def marginals(self, lag: int) -> ArmMarginals:
        """The marginals of the recorded angles and of the latents ``z = 2·tan(θ/2)`` (see :class:`ArmMarginals`)."""
        from scipy import stats

        lag = _check_lag(lag)
        th = self.theta.reshape(-1, 2)
        z = 2.0 * np.tan(th / 2.0)
        zs = (z - z.mean(0)) / z.std(0)
        ks = tuple(float(stats.kstest(zs[::7, i], "norm").statistic) for i in range(2))
        a = 2.0 * np.tan(self.theta[:, :-lag] / 2.0).reshape(-1, 2)
        b = 2.0 * np.tan(self.theta[:, lag:] / 2.0).reshape(-1, 2)
        corr = tuple(float(np.corrcoef(a[:, i], b[:, i])[0, 1]) for i in range(2))
        return ArmMarginals(
            lag=lag,
            theta_mean=tuple(float(v) for v in th.mean(0)),
            theta_std=tuple(float(v) for v in th.std(0)),
            theta_excess_kurtosis=tuple(float(v) for v in stats.kurtosis(th, axis=0)),
            z_excess_kurtosis=tuple(float(v) for v in stats.kurtosis(z, axis=0)),
            z_ks_to_gaussian=ks,
            lag_correlation=corr,
            n_states=int(len(th)),
        )


def latent_from_angles(theta: np.ndarray) -> np.ndarray:
    """The pixel world's latent coordinate ``z = 2·tan(θ/2)``, inverse of its squash ``θ = 2·atan(z/2)``."""
    return 2.0 * np.tan(np.asarray(theta, dtype=float) / 2.0)


def trajectory_latent_pairs(bank: TrajectoryBank, size: int, lag: int,
                            rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``size`` latent pairs ``(z_t, z_{t+lag})``, ``z = 2·tan(θ/2)``, from the recorded angles of ``bank``."""
    a, b = bank.pairs(size, lag, rng)
    return latent_from_angles(a), latent_from_angles(b)
