"""The training loop, read top to bottom (docs/theory.md §1, §7).

``steps`` AdamW steps on fresh batches of training pairs from the world's pair source, loss
``λ·regulariser + (1 − λ)·alignment`` (or InfoNCE, or VICReg) on ``h = f(g(z))``, a progress
bar with the loss and ``R²(h→z)``, and every ``eval_every`` steps a point of the curves on the
held-out pairs (``validation.evaluation.quick_metrics``). Nothing here is checked again: the
config was validated when it was built. What a run records and when it has diverged is the
:class:`Monitor`'s, which the batched loop of ``validation.many`` shares.

A run *diverges* (:class:`Diverged`) when the loss is NaN or inf; when an optimiser step
overflows (a learning rate beyond float range); when a finite loss exceeds
``DIVERGENCE_LOSS_FACTOR`` times ``max(1, |first loss|)``; or when the embedding's RMS on a batch
exceeds ``DIVERGENCE_SCALE_FACTOR`` times ``max(1, its first RMS)`` (every objective here pulls
the embedding towards unit covariance).
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass

import torch

from lejepa_verify.validation.evaluation import HeldOut, quick_metrics
from lejepa_verify.validation.record import Divergence

# far beyond anything a converging run does (its loss falls from its start, its embedding scale
# settles near 1), and far below what an exploding one reaches (loss 1e16 at lr = 10)
DIVERGENCE_LOSS_FACTOR = 1e6
DIVERGENCE_SCALE_FACTOR = 1e3
CURVES = ("step", "lr", "lam", "loss", "alignment", "regulariser", "r2_hz", "orth_err")


class Diverged(Exception):
    """The loop stopped: ``divergence`` says where and why, ``curves`` holds what was recorded."""

    def __init__(self, divergence: Divergence, curves: dict):
        super().__init__(f"diverged at step {divergence.step}: {divergence.reason}")
        self.divergence = divergence
        self.curves = curves


@dataclass(frozen=True)
class Fitted:
    """What the loop returns: the curves and the seconds the steps took (setup excluded)."""

    curves: dict
    seconds: float


def lr_at(step: int, config) -> float:
    """Learning rate at ``step``: constant, cosine to 0, or constant for the first half then cosine."""
    if config.schedule == "constant":
        return config.lr
    start = config.steps // 2 if config.schedule == "constant-cosine" else 0
    if step < start:
        return config.lr
    frac = (step - start) / max(config.steps - start, 1)
    return config.lr * 0.5 * (1.0 + math.cos(math.pi * frac))


def is_eval_step(step: int, config) -> bool:
    """Whether the curves get a point after ``step`` (1-based): every ``eval_every`` steps and the last."""
    return step % config.eval_every == 0 or step == config.steps


class Monitor:
    """One run's curves and divergence checks (module docstring), step by step."""

    def __init__(self, config, extra: tuple[str, ...] = ()):
        self.config = config
        self.curves: dict[str, list] = {name: [] for name in (*CURVES, *extra)}
        self._sums = {"loss": 0.0, "alignment": 0.0, "regulariser": 0.0, **{k: 0.0 for k in extra}}
        self._count = 0
        self._first_loss = self._first_scale = None

    def check_loss(self, step: int, value: float) -> None:
        """Raise :class:`Diverged` for a loss that is not finite or far above its start."""
        self._first_loss = abs(value) if self._first_loss is None else self._first_loss
        if not math.isfinite(value):
            self.stop(step, f"the loss became {value}", loss=value)
        if abs(value) > DIVERGENCE_LOSS_FACTOR * max(1.0, self._first_loss):
            self.stop(step, f"the loss reached {value:.3g}, over {DIVERGENCE_LOSS_FACTOR:g} times "
                            f"max(1, its first value {self._first_loss:.3g})", loss=value)

    def add(self, loss: float, alignment: float, regulariser: float, **extra: float) -> None:
        """Add one step's loss and terms (and an objective's ``extra_curves``) to the current window."""
        self._sums["loss"] += loss
        self._sums["alignment"] += alignment
        self._sums["regulariser"] += regulariser
        for key, value in extra.items():
            self._sums[key] += value
        self._count += 1

    def check_scale(self, step: int, scale: float, loss: float) -> None:
        """Raise :class:`Diverged` when the embedding's RMS ``scale`` exploded (checked at step 1 and at
        every evaluation)."""
        self._first_scale = scale if self._first_scale is None else self._first_scale
        if not scale <= DIVERGENCE_SCALE_FACTOR * max(1.0, self._first_scale):
            self.stop(step, f"the embedding's RMS reached {scale:.3g}, over {DIVERGENCE_SCALE_FACTOR:g} "
                            f"times max(1, its first value {self._first_scale:.3g})", loss=loss, scale=scale)

    def record(self, step: int, lr: float, lam: float, r2_hz: float, orth_err: float) -> None:
        """Close the evaluation window: one point of every curve."""
        c = self.curves
        c["step"].append(step)
        c["lr"].append(lr)
        c["lam"].append(lam)
        for key in self._sums:
            c[key].append(self._sums[key] / self._count)
            self._sums[key] = 0.0
        self._count = 0
        c["r2_hz"].append(r2_hz)
        c["orth_err"].append(orth_err)

    def stop(self, step: int, reason: str, **values) -> None:
        """Raise :class:`Diverged` at ``step`` for ``reason``, with the numbers that decided it."""
        raise Diverged(Divergence(step, reason, values), self.curves)


def progress_bar(config, progress: bool, total: int | None = None, desc: str | None = None):
    """A tqdm bar on stderr, or ``None`` when ``progress`` is off."""
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=config.steps if total is None else total,
                desc=desc or f"train {config.mixing}/{config.objective}", unit="step",
                file=sys.stderr, mininterval=0.5, leave=False)


def split_batch(batch) -> tuple[torch.Tensor, torch.Tensor, dict]:
    """``(z, z', extras)`` from what a pair source drew: a pair, or a pair and a dict of extras
    (an action world's actions ``a``)."""
    if len(batch) == 3:
        return batch[0], batch[1], dict(batch[2])
    return batch[0], batch[1], {}


def fit(config, world, mixing, encoder, objective, held: HeldOut, *, device, progress: bool = True) -> Fitted:
    """Train ``encoder`` in place (module docstring); raises :class:`Diverged`.

    An objective with parameters of its own (``objective.parameters()``, e.g. an action
    predictor) is trained with the encoder; one that names extras in ``objective.wants`` gets
    them from the pair source's batch as keywords."""
    opt = torch.optim.AdamW([*encoder.parameters(), *objective.parameters()], lr=config.lr,
                            weight_decay=config.weight_decay)
    gen = torch.Generator().manual_seed(config.seed)
    B = config.batch_size
    monitor = Monitor(config, tuple(objective.extra_curves))
    bar = progress_bar(config, progress)
    start = time.perf_counter()
    encoder.train()
    try:
        for step in range(1, config.steps + 1):
            lr = lr_at(step - 1, config)
            for group in opt.param_groups:
                group["lr"] = lr
            objective.lam = config.lam_at(step - 1)   # recorded for every objective; some ignore it
            z, z_next, extras = split_batch(world.train_pairs(B, gen))
            with torch.no_grad():
                x = mixing(torch.cat((z, z_next)).to(device))
            h = encoder(x)
            # both views stacked, as drawn: the objective splits them into views (no copies)
            loss, parts = objective.stacked(h, B, gen, **{k: extras[k].to(device) for k in objective.wants})

            value = float(loss.detach())
            monitor.check_loss(step, value)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            try:
                opt.step()
            except RuntimeError as exc:
                # a learning rate beyond float range (lr = 1e300) overflows inside the update itself
                if "overflow" not in str(exc):
                    raise
                monitor.stop(step, f"the optimiser step overflowed: {exc}", loss=value)
            monitor.add(value, float(parts["alignment"]), float(parts[objective.regulariser]),
                        **{k: float(parts[k]) for k in objective.extra_curves})

            if step == 1 or is_eval_step(step, config):
                monitor.check_scale(step, float(h.detach().pow(2).mean().sqrt()), value)
            if is_eval_step(step, config):
                encoder.eval()
                r2_hz, orth_err = quick_metrics(encoder, held)
                encoder.train()
                monitor.record(step, lr, objective.lam, r2_hz, orth_err)
                if bar is not None:
                    bar.set_postfix(loss=f"{monitor.curves['loss'][-1]:.4g}", r2=f"{r2_hz:.4f}",
                                    orth=f"{orth_err:.3f}", refresh=False)
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    seconds = time.perf_counter() - start
    encoder.eval()
    return Fitted(monitor.curves, seconds)
