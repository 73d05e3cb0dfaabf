"""Many runs trained as one: the engine of ``validation.trainer.train_many`` (docs: the engine).

Runs that share a *shape* (:func:`shape_key`: the latent and embedding dimensions, the
observation shape, the encoder and its options, the objective and its options, the batch size,
the step count, the evaluation schedule, the device and the thread count) are trained as one
batched model: the encoders' parameters are stacked on a leading run axis
(``torch.func.stack_module_state``) and applied with ``vmap(functional_call)``, the objectives
are evaluated for all runs at once where they can be (``Objective.batched``: SIGReg on stacked
projections in one fused call), and one AdamW step (:class:`StackedAdamW`, AdamW's update with a
learning rate and weight decay per run) updates every run. Everything else stays each run's own:
its world and pair source, its generator (``seed``), its mixing, its held-out set, its λ and
learning-rate schedules and its slices are drawn exactly as ``train`` draws them, so a run in a
batch sees exactly the data, initialisation, slices and schedule it would see alone, records
what ``train`` records (``validation.fit.conclude`` measures it), and diverges alone (its
record is made at its step, the others go on). The only difference from ``train`` is the order
of floating-point operations in batched kernels.

Runs that do not share a shape with any other, and encoders that keep buffers (batch norm),
are trained one at a time, with a line saying so. At most ``max_batch`` runs (default
:data:`MAX_BATCH`) are held at once, so a batch holds at most that many times one run's memory
(plus one shared copy of the encoder's structure, without weights). Each run's share of the
batch's loop time is its ``train_seconds`` (the loop time divided by the runs in the batch).
"""

from __future__ import annotations

import copy
import math
import sys
import time
from typing import Sequence

import torch

from lejepa_verify.validation.loop import Diverged, Monitor, is_eval_step, lr_at, progress_bar, split_batch
from lejepa_verify.validation.record import TrainingDiverged

#: runs held at once by default: a batch holds at most this many times one run's memory
MAX_BATCH = 16


def shape_key(config) -> tuple:
    """What runs must share to be trained as one batched model (module docstring)."""
    from lejepa_verify.validation.config import member

    obs_shape = member("mixing", config.mixing).obs_shape(config.n)
    enc = tuple(sorted(config.member_options("encoder").items()))
    obj = tuple(sorted(config.member_options("objective").items()))
    return (config.n, config.out_dim, obs_shape, config.encoder, enc, config.objective, obj, config.batch_size,
            config.steps, config.eval_every, config.eval_size, config.device, config.threads,
            config.n_encoder_layers if config.encoder == "matched" else None)


def _batchable(encoder: torch.nn.Module) -> bool:
    """Encoders without buffers (no batch-norm statistics) can be stacked."""
    return not any(True for _ in encoder.buffers())


class StackedAdamW:
    """AdamW (``torch.optim.AdamW``'s update, in its order of operations) on parameters stacked on
    a leading run axis, with one learning rate and weight decay per run, updating only the runs
    marked active."""

    def __init__(self, params: dict, weight_decay: Sequence[float], betas=(0.9, 0.999), eps: float = 1e-8):
        self.params = params
        self.wd = torch.tensor(list(weight_decay), dtype=torch.float64)
        self.b1, self.b2 = betas
        self.eps = eps
        self.t = 0
        self.m = {k: torch.zeros_like(p) for k, p in params.items()}
        self.v = {k: torch.zeros_like(p) for k, p in params.items()}

    def zero_grad(self) -> None:
        """Drop the gradients (the next backward pass sets them afresh)."""
        for p in self.params.values():
            p.grad = None

    def step_sizes(self, lrs: Sequence[float]) -> list[float]:
        """The step ``lr / (1 − β₁ᵗ)`` of each run at the coming step (as AdamW computes it)."""
        return [lr / (1.0 - self.b1 ** (self.t + 1)) for lr in lrs]

    @torch.no_grad()
    def step(self, lrs: Sequence[float], active: torch.Tensor) -> None:
        """One update of the runs where ``active`` (a bool tensor over runs) is set."""
        self.t += 1
        bc1, bc2 = 1.0 - self.b1 ** self.t, 1.0 - self.b2 ** self.t
        lr = torch.tensor(list(lrs), dtype=torch.float64)
        for k, p in self.params.items():
            g = p.grad
            if g is None:
                continue
            shape = (-1,) + (1,) * (p.dim() - 1)
            keep = active.view(shape)
            decay = (1.0 - lr * self.wd).to(p.dtype).view(shape)
            step = (-lr / bc1).to(p.dtype).view(shape)
            m, v = self.m[k], self.v[k]
            new_m = m.lerp(g, 1.0 - self.b1)
            new_v = v.mul(self.b2).addcmul_(g, g, value=1.0 - self.b2)
            denom = (new_v.sqrt() / math.sqrt(bc2)).add_(self.eps)
            new_p = p.mul(decay).addcmul_(step, new_m / denom)
            p.copy_(torch.where(keep, new_p, p))
            m.copy_(torch.where(keep, new_m, m))
            v.copy_(torch.where(keep, new_v, v))


def fit_many(configs: Sequence, *, device, progress: bool = True, max_batch: int = MAX_BATCH,
             say=None) -> list:
    """Fit validated configs; one entry per config: a ``validation.fit.Fitted`` or the run's
    ``TrainingDiverged``. Runs of one shape are batched (module docstring)."""
    from lejepa_verify.validation.fit import fit_one

    say = say or (lambda line: print(line, file=sys.stderr))
    groups: dict[tuple, list[int]] = {}
    for i, cfg in enumerate(configs):
        groups.setdefault(shape_key(cfg), []).append(i)
    out: list = [None] * len(configs)
    for idx in groups.values():
        alone = len(idx) == 1
        for start in range(0, len(idx), max_batch):
            chunk = idx[start:start + max_batch]
            if alone:
                say(f"train_many: run {chunk[0]} shares its shape with no other run; it trains alone")
            results = _fit_batch([configs[i] for i in chunk], device=device, progress=progress, say=say) \
                if not alone else None
            if results is None:
                results = []
                for i in chunk:
                    try:
                        results.append(fit_one(configs[i], device=device, progress=progress))
                    except TrainingDiverged as exc:
                        results.append(exc)
            for i, res in zip(chunk, results):
                out[i] = res
    return out


def _fit_batch(configs: list, *, device, progress: bool, say) -> list | None:
    """Train ``configs`` (one shape) as one batched model; ``None`` when the encoder cannot be stacked."""
    from torch.func import functional_call, stack_module_state, vmap

    from lejepa_verify.validation.fit import conclude, diverged, prepare

    runs, prep = [], []
    for c in configs:
        t0 = time.perf_counter()
        runs.append(prepare(c, device=device))
        prep.append(time.perf_counter() - t0)
    if runs[0].objective.parameters() or runs[0].objective.wants or runs[0].objective.extra_curves:
        say(f"train_many: the {configs[0].objective} objective trains parameters of its own or reads batch "
            f"extras or records curves of its own; its {len(runs)} runs train one at a time")
        return None
    if not _batchable(runs[0].encoder):
        say(f"train_many: the {configs[0].encoder} encoder keeps buffers (batch norm); its {len(runs)} runs "
            "train one at a time")
        return None
    R, cfg0, B = len(runs), configs[0], configs[0].batch_size
    params, buffers = stack_module_state([r.encoder for r in runs])
    params = {k: v.detach().requires_grad_(True) for k, v in params.items()}
    skeleton = copy.deepcopy(runs[0].encoder).to("meta")

    def one(p, b, x):
        return functional_call(skeleton, (p, b), (x,))

    forward = vmap(one)
    opt = StackedAdamW(params, [c.weight_decay for c in configs])
    gens = [torch.Generator().manual_seed(c.seed) for c in configs]
    monitors = [Monitor(c) for c in configs]
    outcomes: list = [None] * R
    active = torch.ones(R, dtype=torch.bool)
    objectives = [r.objective for r in runs]
    held_x = torch.stack([r.held.x for r in runs])
    bar = progress_bar(cfg0, progress, desc=f"train_many {R} × {cfg0.mixing}/{cfg0.objective}")
    start = time.perf_counter()

    def stop(i: int, exc: Diverged) -> None:
        runs[i].start = time.perf_counter() - prep[i] - (time.perf_counter() - start) / R
        outcomes[i] = diverged(runs[i], exc)
        active[i] = False

    try:
        for step in range(1, cfg0.steps + 1):
            live = [i for i in range(R) if active[i]]
            if not live:
                break
            lrs = [lr_at(step - 1, c) for c in configs]
            for i in live:
                objectives[i].lam = configs[i].lam_at(step - 1)
            xs = []
            for i in live:
                # every run draws its own pairs from its own generator, as it would alone
                z, z_next, _ = split_batch(runs[i].world.train_pairs(B, gens[i]))
                with torch.no_grad():
                    xs.append(runs[i].mixing(torch.cat((z, z_next)).to(device)))
            P = params if len(live) == R else {k: v[live] for k, v in params.items()}
            Bf = buffers if len(live) == R else {k: v[live] for k, v in buffers.items()}
            h = forward(P, Bf, torch.stack(xs))
            losses, parts = type(objectives[live[0]]).batched([objectives[i] for i in live], h[:, :B], h[:, B:],
                                                              [gens[i] for i in live])
            values = losses.detach().tolist()
            for j, i in enumerate(live):
                try:
                    monitors[i].check_loss(step, values[j])
                except Diverged as exc:
                    stop(i, exc)
            keep = [j for j, i in enumerate(live) if active[i]]
            if not keep:
                continue
            opt.zero_grad()
            losses[keep].sum().backward()
            for j, i in enumerate(live):
                if active[i] and abs(opt.step_sizes([lrs[i]])[0]) > torch.finfo(h.dtype).max:
                    # alone, AdamW cannot turn this step into a float of the parameters' dtype
                    try:
                        monitors[i].stop(step, "the optimiser step overflowed: value cannot be converted to "
                                               "type float without overflow", loss=values[j])
                    except Diverged as exc:
                        stop(i, exc)
            opt.step(lrs, active)
            reg_key = objectives[live[0]].regulariser
            align, reg = parts["alignment"].tolist(), parts[reg_key].tolist()
            for j, i in enumerate(live):
                if active[i]:
                    monitors[i].add(values[j], align[j], reg[j])
            if step == 1 or is_eval_step(step, cfg0):
                scales = h.detach().pow(2).mean(dim=(1, 2)).sqrt().tolist()
                for j, i in enumerate(live):
                    if active[i]:
                        try:
                            monitors[i].check_scale(step, scales[j], values[j])
                        except Diverged as exc:
                            stop(i, exc)
            if is_eval_step(step, cfg0):
                with torch.no_grad():
                    h_eval = forward(params, buffers, held_x)
                for i in range(R):
                    if active[i]:
                        r2_hz, orth = _quick(h_eval[i], runs[i].held)
                        monitors[i].record(step, lrs[i], objectives[i].lam, r2_hz, orth)
            if bar is not None:
                bar.set_postfix_str(f"{int(active.sum())} of {R} runs", refresh=False)
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    seconds = (time.perf_counter() - start) / R
    for i in range(R):
        if outcomes[i] is not None:
            continue
        with torch.no_grad():
            for name, p in runs[i].encoder.named_parameters():
                p.copy_(params[name][i])
        runs[i].encoder.eval()
        # its wall time is its own setup, its share of the batch's loop and its own evaluation
        runs[i].start = time.perf_counter() - prep[i] - seconds
        try:
            outcomes[i] = conclude(runs[i], monitors[i].curves, seconds, device=device)
        except TrainingDiverged as exc:
            outcomes[i] = exc
    return outcomes


def _quick(h: torch.Tensor, held) -> tuple[float, float]:
    """``quick_metrics`` of one run from its embedding of the held-out set."""
    import numpy as np

    from lejepa_verify.validation.metrics import orthogonality_error, r2

    hn = h.cpu().numpy().astype(float)
    if not np.all(np.isfinite(hn)):
        return math.nan, math.nan
    zn = held.z.cpu().numpy().astype(float)
    return r2(hn, zn), orthogonality_error(zn, hn)
