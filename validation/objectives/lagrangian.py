"""``lagrangian``: alignment subject to the theorem's constraint, held by multipliers (dual ascent).

The population problem of docs/theory.md §1 is ``min L(h)`` *subject to* a constraint, and
Theorem A needs only ``E h = 0`` and ``Cov h = I``. The other objectives replace the constraint by
a penalty ``λ·R(h) + (1 − λ)·L(h)``, whose minimiser violates it by an amount set by λ: at
``h = cQz`` the whitening penalty gives ``c² = 1 − (1 − λ)(1 − ρ)/λ`` and SIGReg
``c ≈ λBS''/(λBS'' + (1 − λ)4m(1 − ρ))`` (``objectives.terms``), so the scale approaches 1 only
as λ → 1, where the penalty's gradient noise drowns the alignment signal. Here the constraint
is held by a Lagrange multiplier instead, updated by dual ascent once per step inside
``__call__`` (the loop calls the objective once per step; the update uses the detached
constraint value of the batch, after the loss has been formed with the current multiplier):

``constraint = "covariance"`` (default): the equality ``Cov h = I``, ``E h = 0`` on ``h1 ∪ h2``,
with a symmetric matrix multiplier ``Λ`` and a vector ``ν`` (the method of multipliers,
Hestenes 1969, Powell 1969)::

    loss = L(h) + ⟨Λ, C⟩ + ν·h̄ + (κ/2)(||C||_F² + |h̄|²),   C = Cov h − I,  h̄ = mean h
    Λ ← Λ + η C,   ν ← ν + η h̄.

The augmentation κ (``augmentation``) is what makes the plain Lagrangian usable here: at
``h = cQz`` the Lagrangian is linear in ``c²`` (``2n(1 − ρ)c² + tr Λ (c² − 1)``), so without κ
gradient descent–ascent has no minimiser in the scale to settle at and circles the saddle.
A fixed point of the dual update has ``E C = 0`` (the constraint held, in expectation over
batches, whatever κ), and stationarity there gives the multiplier Theorem A predicts:
``Λ* = −∂L/∂Cov = −2(1 − ρ) I`` in the Gaussian world at ``h = Qz`` (``L = 2(1 − ρ) tr Cov`` for
linear h), reported as ``multiplier`` = ``tr Λ / m``. With a batch of B pairs the augmentation
adds the gradient of the batch covariance's sampling variance, ``(κ/2) ∂E||Ĉ − E Ĉ||²/∂Cov``, so
the multiplier settles at :func:`predicted_multiplier`,
``−2(1 − ρ) − κ[(1 + ρ²)(m + 1) + (1 + ρ)/2] / (2B)`` (the two views of a pair are correlated
at ρ, which is where ``1 + ρ²`` and ``1 + ρ`` come from); the constraint itself is unbiased.

``constraint = "sigreg"``: the inequality ``(SIGReg(h1) + SIGReg(h2))/2 ≤ τ`` (``constraint_tau``;
none: 1.1 times SIGReg's null mean ``sigreg_null_mean``) with a scalar multiplier ``μ > 0``.
Each view is scored on its own: its B rows are i.i.d., so its null mean is exactly
``sigreg_null_mean``. Pooled, the two views of a pair are correlated at ρ and the null mean of
``SIGReg(h1 ∪ h2)`` becomes ``∫ [1 + e^{−(1−ρ)t²} − 2e^{−t²}] e^{−t²/2} dt`` (about 2.0 at
ρ = 0.95 instead of 1.06), above any τ chosen from the i.i.d. value::

    loss = L(h) + μ (SIGReg − τ),   μ ← μ · exp(η · clip((SIGReg − τ)/τ, −1, 1)),   μ₀ = 0.01.

This is the λ penalty with ``λ/(1 − λ) = μ`` found by the dual ascent rather than chosen:
SIGReg has its own curvature in the scale, so no augmentation is needed. The ascent runs on
``log μ`` (a mirror step that keeps ``μ > 0``) on the relative violation, because SIGReg spans
orders of magnitude: near 100 for the collapsed embedding at the start, near 1 at the end. An
additive step ``μ + η(SIGReg − τ)`` climbs to μ ≈ 40 in the first steps and then needs
``μ / (η(τ − null))`` ≈ 40 000 steps to come down, training meanwhile at λ ≈ 0.98 (measured on
a linear encoder). The sample statistic cannot fall below its null mean on average, so τ
must lie above it. At ``h = cQz`` the scale it allows solves ``E SIGReg(c) = τ`` with
``E SIGReg(c) = Σ_k w_k [(1 − e^{−c²t_k²}) + B (e^{−c²t_k²/2} − e^{−t_k²/2})²]`` for B pairs: 0.967 for the
defaults at B = 256 (measured 0.96 on a linear encoder, μ settling near 0.04).

``cooper-optim`` (PyPI) offers these updates as optimiser wrappers, but its ``roll()`` owns
``zero_grad``, ``backward`` and the primal step, which the loop (``validation/loop.py``) owns
here; the dual step above is the two lines it would run (gradient ascent on the multiplier by
SGD). ``parts`` carries ``alignment``, ``violation`` (``||Cov h − I||_F`` for the covariance
constraint, ``SIGReg − τ`` for the inequality; the loop's ``regulariser`` curve) and
``multiplier``; ``trace`` keeps ``(multiplier, violation)`` of every step for callers that
hold the objective (the loop records only ``alignment`` and the ``regulariser`` key).
"""

from __future__ import annotations

import math

import torch

from lejepa_verify.theory.options import Option
from lejepa_verify.validation.objectives.base import Objective, register
from lejepa_verify.validation.objectives.lejepa import SIGREG_OPTIONS
from lejepa_verify.validation.objectives.terms import alignment, directions, quadrature, sigreg, sigreg_null_mean

CONSTRAINTS = ("covariance", "sigreg")
#: τ = this times SIGReg's null mean when ``constraint_tau`` is none
DEFAULT_TAU_FACTOR = 1.1
#: μ₀ of the SIGReg inequality: the λ/(1 − λ) of the default recipe's λ ramp at its start (0.01)
SIGREG_MULTIPLIER_START = 0.01


def predicted_multiplier(rho: float, m: int, batch_size: int, augmentation: float = 1.0) -> float:
    """Where ``tr Λ / m`` settles in the Gaussian OU world at ``h = Qz`` (module docstring): Theorem A's
    ``−2(1 − ρ)`` and the augmentation's finite-batch term ``−κ[(1 + ρ²)(m + 1) + (1 + ρ)/2] / (2B)``."""
    return -2.0 * (1.0 - rho) - augmentation * ((1.0 + rho ** 2) * (m + 1) + (1.0 + rho) / 2.0) / (2.0 * batch_size)


@register
class Lagrangian(Objective):
    """Alignment subject to ``Cov h = I, E h = 0`` (or ``SIGReg ≤ τ``), multipliers by dual ascent."""
    name = "lagrangian"
    description = ("alignment s.t. Cov h = I, E h = 0 (or SIGReg <= tau): augmented Lagrangian, "
                   "multipliers by dual ascent each step")
    regulariser = "violation"
    uses_lam = False
    options = (
        Option("constraint", "str", "covariance", "lagrangian: the constraint held (covariance: Cov h = I and "
               "E h = 0; sigreg: SIGReg <= constraint_tau)", choices=CONSTRAINTS),
        Option("dual_lr", "float", 0.01, "lagrangian: step η of the dual ascent on the multipliers", low=0.0,
               high=1e3, low_open=True),
        Option("augmentation", "float", 1.0, "lagrangian: weight κ of (κ/2)||Cov h − I||² (covariance constraint)",
               low=0.0, high=1e6),
        Option("constraint_tau", "float", None, "lagrangian: the bound τ of SIGReg <= τ (none: 1.1 × its null mean)",
               low=0.0, high=1e6, low_open=True, nullable=True),
        *SIGREG_OPTIONS,
    )

    def __init__(self, *, constraint: str = "covariance", dual_lr: float = 0.01, augmentation: float = 1.0,
                 constraint_tau: float | None = None, n_slices: int = 16, n_knots: int = 17, t_max: float = 3.0,
                 m: int = 2, device="cpu", lam: float = 0.0):
        super().__init__(m=m, device=device, lam=lam, constraint=constraint, dual_lr=dual_lr,
                         augmentation=augmentation, constraint_tau=constraint_tau, n_slices=n_slices,
                         n_knots=n_knots, t_max=t_max)

    def _setup(self, *, m, device, lam, **options) -> None:
        super()._setup(m=m, device=device, lam=lam, **options)
        t, w = quadrature(self.n_knots, self.t_max)
        self.t, self.w = t.to(device), w.to(device)
        self.tau = (DEFAULT_TAU_FACTOR * sigreg_null_mean(self.n_knots, self.t_max) if self.constraint_tau is None
                    else float(self.constraint_tau))
        #: the multipliers: Λ (m × m) and ν (m) for the covariance constraint, μ for SIGReg
        self.cov_multiplier = torch.zeros(self.m, self.m, device=device)
        self.mean_multiplier = torch.zeros(self.m, device=device)
        self.sigreg_multiplier = SIGREG_MULTIPLIER_START
        #: (multiplier, violation) of every call, in order
        self.trace: list[tuple[float, float]] = []

    @classmethod
    def workspace(cls, rows: int, m: int, options) -> int:
        """The embeddings and their centred copy, the covariance and multipliers, and SIGReg's terms."""
        sig = 6 * rows * options["n_slices"] * options["n_knots"] if options["constraint"] == "sigreg" else 0
        return 8 * rows * m + 6 * m * m + sig

    def multiplier(self) -> float:
        """The multiplier as one number: ``tr Λ / m`` (covariance), ``μ`` (SIGReg)."""
        if self.constraint == "sigreg":
            return float(self.sigreg_multiplier)
        return float(torch.diagonal(self.cov_multiplier).mean())

    def __call__(self, h1: torch.Tensor, h2: torch.Tensor, gen: torch.Generator | None = None):
        align = alignment(h1, h2)
        both = torch.cat((h1, h2))
        if self.constraint == "sigreg":
            A = directions(self.m, self.n_slices, gen, self.device).to(both.dtype)
            stat = 0.5 * (sigreg(h1, A, self.t, self.w) + sigreg(h2, A, self.t, self.w))
            gap = stat - self.tau
            loss = align + self.sigreg_multiplier * gap
            violation = gap.detach()
            step = min(1.0, max(-1.0, float(violation) / self.tau))
            self.sigreg_multiplier = self.sigreg_multiplier * math.exp(self.dual_lr * step)
            extra = {"sigreg": stat.detach()}
        else:
            mean = both.mean(0)
            c = both - mean
            C = c.T @ c / (both.shape[0] - 1) - torch.eye(self.m, device=both.device, dtype=both.dtype)
            Lam, nu = self.cov_multiplier.to(both.dtype), self.mean_multiplier.to(both.dtype)
            loss = (align + (Lam * C).sum() + nu @ mean
                    + 0.5 * self.augmentation * (C.square().sum() + mean.square().sum()))
            C, mean = C.detach(), mean.detach()
            violation = C.square().sum().sqrt()
            # out of place: the loss still holds the old multipliers for its backward pass
            self.cov_multiplier = self.cov_multiplier + self.dual_lr * 0.5 * (C + C.T).to(self.cov_multiplier.dtype)
            self.mean_multiplier = self.mean_multiplier + self.dual_lr * mean.to(self.mean_multiplier.dtype)
            extra = {"mean_norm": mean.norm()}
        multiplier = self.multiplier()
        self.trace.append((multiplier, float(violation)))
        return loss, {"alignment": align.detach(), self.regulariser: violation,
                      "multiplier": torch.tensor(multiplier), **extra}
