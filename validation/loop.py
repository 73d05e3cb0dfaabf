"""The training loop, read top to bottom (docs/theory.md §1, §7).

``steps`` AdamW steps on fresh batches of training pairs from the world's pair source, loss
``λ·regulariser + (1 − λ)·alignment`` (or InfoNCE, or VICReg) on ``h = f(g(z))``, a progress
bar with the loss and ``R²(h→z)``, and every ``eval_every`` steps a point of the curves on the
held-out pairs (``validation.evaluation.quick_metrics``). Nothing here is checked again: the
config was validated when it was built.

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


def fit(config, world, mixing, encoder, objective, held: HeldOut, *, device, progress: bool = True) -> Fitted:
    """Train ``encoder`` in place (module docstring); raises :class:`Diverged`."""
    opt = torch.optim.AdamW(encoder.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    gen = torch.Generator().manual_seed(config.seed)
    B = config.batch_size
    curves: dict[str, list] = {name: [] for name in CURVES}
    sums, count = {"loss": 0.0, "alignment": 0.0, "regulariser": 0.0}, 0
    first_loss = first_scale = None
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=config.steps, desc=f"train {config.mixing}/{config.objective}", unit="step",
                   file=sys.stderr, mininterval=0.5, leave=False)

    def stop(step: int, reason: str, **values) -> None:
        if bar is not None:
            bar.close()
        raise Diverged(Divergence(step, reason, values), curves)

    start = time.perf_counter()
    encoder.train()
    for step in range(1, config.steps + 1):
        lr = lr_at(step - 1, config)
        for group in opt.param_groups:
            group["lr"] = lr
        objective.lam = config.lam_at(step - 1)   # recorded for every objective; some ignore it
        z, z_next = world.train_pairs(B, gen)
        with torch.no_grad():
            x = mixing(torch.cat((z, z_next)).to(device))
        h = encoder(x)
        loss, parts = objective(h[:B], h[B:], gen)

        value = float(loss.detach())
        first_loss = abs(value) if first_loss is None else first_loss
        if not math.isfinite(value):
            stop(step, f"the loss became {value}", loss=value)
        if abs(value) > DIVERGENCE_LOSS_FACTOR * max(1.0, first_loss):
            stop(step, f"the loss reached {value:.3g}, over {DIVERGENCE_LOSS_FACTOR:g} times "
                       f"max(1, its first value {first_loss:.3g})", loss=value)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        try:
            opt.step()
        except RuntimeError as exc:
            # a learning rate beyond float range (lr = 1e300) overflows inside the update itself
            if "overflow" not in str(exc):
                raise
            stop(step, f"the optimiser step overflowed: {exc}", loss=value)
        sums["loss"] += value
        sums["alignment"] += float(parts["alignment"])
        sums["regulariser"] += float(parts[objective.regulariser])
        count += 1

        if step == 1 or step % config.eval_every == 0 or step == config.steps:
            scale = float(h.detach().pow(2).mean().sqrt())
            first_scale = scale if first_scale is None else first_scale
            if not scale <= DIVERGENCE_SCALE_FACTOR * max(1.0, first_scale):
                stop(step, f"the embedding's RMS reached {scale:.3g}, over {DIVERGENCE_SCALE_FACTOR:g} "
                           f"times max(1, its first value {first_scale:.3g})", loss=value, scale=scale)
        if step % config.eval_every == 0 or step == config.steps:
            encoder.eval()
            r2_hz, orth_err = quick_metrics(encoder, held)
            encoder.train()
            curves["step"].append(step)
            curves["lr"].append(lr)
            curves["lam"].append(objective.lam)
            for key in sums:
                curves[key].append(sums[key] / count)
                sums[key] = 0.0
            count = 0
            curves["r2_hz"].append(r2_hz)
            curves["orth_err"].append(orth_err)
            if bar is not None:
                bar.set_postfix(loss=f"{curves['loss'][-1]:.4g}", r2=f"{r2_hz:.4f}", orth=f"{orth_err:.3f}",
                                refresh=False)
        if bar is not None:
            bar.update(1)
    seconds = time.perf_counter() - start
    if bar is not None:
        bar.close()
    encoder.eval()
    return Fitted(curves, seconds)
