"""One run of a validated config, in memory: build the world and the models, fit, measure.

:func:`fit_one` is the composition the trainer and best-of-K share: the world of the config
(``validation.worlds``: the latent law, the transition, the pair source), the frozen mixing
``g`` and the untrained encoder ``f`` (``validation.observations``, ``validation.encoders``), the
objective (``validation.objectives``), a fixed held-out set drawn from its own generator (so it
does not depend on how many steps are trained), the loop (``validation.loop``) and the final
measurement (``validation.evaluation``). It writes nothing; ``validation.trainer.train`` does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Mapping

import torch

from lejepa_verify.validation.evaluation import HeldOut, final_metrics
from lejepa_verify.validation.loop import Diverged, fit
from lejepa_verify.validation.record import DIVERGED, OK, Divergence, RunRecord, TrainingDiverged, TrainResult, versions

#: the held-out set's generator is seeded apart from the training stream
EVAL_SEED_OFFSET = 1_000_003
#: below this many steps a run's metrics describe an encoder near its initialisation, and say so
MIN_TRAINED_STEPS = 100


@dataclass(frozen=True)
class Fitted:
    """A finished run in memory: its result, and the trained encoder (for ``weights.pt``)."""

    result: TrainResult
    encoder: torch.nn.Module


def check_device(device: str) -> torch.device:
    """``device`` as a torch device; ``ValueError`` for CUDA on a machine without it."""
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was requested but torch sees no CUDA device on this machine")
    return torch.device(device)


def build_models(config, device="cpu"):
    """The frozen observation map ``g`` and the (untrained) encoder ``f`` of a validated ``config``, on ``device``."""
    from lejepa_verify.validation.config import member
    from lejepa_verify.validation.encoders.base import build_encoder
    from lejepa_verify.validation.observations.base import build_observation

    mixing = build_observation(config.mixing, config.n, config.member_options("mixing"), seed=config.mixing_seed)
    options = dict(config.member_options("encoder"))
    if "encoder_layers" in options:
        options["encoder_layers"] = config.n_encoder_layers
    encoder = build_encoder(member("encoder", config.encoder), mixing.obs_shape, config.out_dim, options,
                            seed=config.seed, n=config.n)
    return mixing.to(device), encoder.to(device)


def make_objective(config, device="cpu"):
    """The objective of a validated config for its ``m`` outputs, on ``device``."""
    from lejepa_verify.validation.config import member

    return member("objective", config.objective).from_options(config.member_options("objective"), m=config.out_dim,
                                                           device=device, lam=config.lam)


def diverged_record(config, divergence: Divergence, curves: Mapping[str, list], wall_time: float) -> RunRecord:
    """The record of a run that stopped early: no metrics, the step, reason and values instead."""
    return RunRecord(status=DIVERGED, config=config, config_dict=config.to_dict(), divergence=divergence,
                     curves=dict(curves), versions=versions(), wall_time=wall_time, steps_per_s=None,
                     threads=torch.get_num_threads(), seed=config.seed)


@dataclass
class Prepared:
    """Everything a run needs before its first step (built by :func:`prepare`)."""

    config: Any
    world: Any
    mixing: torch.nn.Module
    encoder: torch.nn.Module
    objective: Any
    held: HeldOut
    start: float


def prepare(config, *, device, init_state: Mapping[str, Any] | None = None) -> Prepared:
    """The world, the models, the objective and the held-out set of a validated config."""
    from lejepa_verify.validation.worlds import World

    start = time.perf_counter()
    world = World.from_config(config)
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

    eval_gen = torch.Generator().manual_seed(config.seed + EVAL_SEED_OFFSET)
    z, z_next = world.eval_pairs(config.eval_size, eval_gen)
    with torch.no_grad():
        z, z_next = z.to(device), z_next.to(device)
        held = HeldOut(z, z_next, mixing(z), mixing(z_next))
    return Prepared(config, world, mixing, encoder, objective, held, start)


def conclude(run: Prepared, curves: Mapping[str, list], seconds: float, *, device) -> Fitted:
    """Measure a trained run (``validation.evaluation``); raises ``TrainingDiverged`` when a final
    metric is not finite."""
    config = run.config
    pairs = run.world.pairs
    ev = final_metrics(run.encoder, run.mixing, run.held, config, gaussian_world=run.world.gaussian_world,
                       device=device, steps_per_s=config.steps / seconds, train_seconds=seconds,
                       rho=pairs.eval_rho(run.held.z, run.held.z_next), bound_premise=pairs.bound_premise)
    if ev.metrics is None:
        reason = "final metrics not finite: " + ", ".join(f"{k} = {ev.values[k]}" for k in ev.not_finite)
        rec = diverged_record(config, Divergence(config.steps, reason, dict(ev.values)), curves,
                              time.perf_counter() - run.start)
        raise TrainingDiverged(f"diverged at step {config.steps} of {config.steps}: {reason}", rec)
    metrics = ev.metrics
    if config.steps < MIN_TRAINED_STEPS:
        from dataclasses import replace

        metrics = replace(metrics, notes=metrics.notes + (
            f"trained {config.steps} step{'s' if config.steps > 1 else ''} only: the metrics describe an encoder "
            "near its initialisation",))
    result = TrainResult(config, metrics, dict(curves), time.perf_counter() - run.start, OK, versions(),
                         torch.get_num_threads(), ev.arrays)
    return Fitted(result, run.encoder)


def diverged(run: Prepared, exc: Diverged) -> TrainingDiverged:
    """The ``TrainingDiverged`` of a run whose loop stopped, with its record."""
    rec = diverged_record(run.config, exc.divergence, exc.curves, time.perf_counter() - run.start)
    return TrainingDiverged(f"diverged at step {exc.divergence.step} of {run.config.steps}: "
                            f"{exc.divergence.reason}", rec)


def fit_one(config, *, device, progress: bool = True, init_state: Mapping[str, Any] | None = None) -> Fitted:
    """Train and measure one encoder of ``config`` (module docstring); raises ``TrainingDiverged``."""
    run = prepare(config, device=device, init_state=init_state)
    try:
        fitted = fit(config, run.world, run.mixing, run.encoder, run.objective, run.held, device=device,
                     progress=progress)
    except Diverged as exc:
        raise diverged(run, exc) from None
    return conclude(run, fitted.curves, fitted.seconds, device=device)
