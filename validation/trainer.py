"""``train(config)``: one training run, top to bottom, and its record on disk (docs/theory.md §1, §4, §7).

1. the world (latent law, transition, ρ, pair source) and the frozen mixing ``g`` from the
   config (``validation.fit``);
2. a fixed held-out set of pairs ``(z, z')`` and their observations ``x = g(z)``;
3. ``steps`` AdamW steps on fresh batches of pairs (``validation.loop``), a progress bar with
   the loss and ``R²(h→z)``;
4. the metrics of the learned ``h = f ∘ g`` on the held-out set (``validation.evaluation``):
   ``R²`` both ways, MCC, ``||AᵀA − I||_F``, and ε, δ, D, the bound and the Procrustes error of
   Prop 4.3 with bootstrap uncertainty (``numerics.bounds``); in Gaussian worlds also the
   Hermite spectrum of ``h`` and the alignment it predicts against the measured one;
5. with ``out``, the run's folder (``validation.run_folder``): ``record.json`` always (a diverged
   run's too), ``arrays.npz`` and ``weights.pt`` when asked, each best-of candidate under
   ``candidates/<k>/``; written in one step after the run, so a folder never mixes two runs and
   an interrupted run leaves nothing behind.

Same seed, same numbers on the CPU. A run that diverges raises :class:`TrainingDiverged`, whose
``record`` has status ``"diverged"`` with ``metrics.diverged_at_step`` and ``metrics.divergence``
(the reason); see ``validation.loop`` for what counts as diverged.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import torch

from lejepa_verify.validation.config import TrainConfig
from lejepa_verify.validation.evaluation import FINITE_METRICS, grid_r2, numpy_map  # noqa: F401 - public names
from lejepa_verify.validation.fit import build_models, check_device as _check_device, fit_one  # noqa: F401
from lejepa_verify.validation.loop import DIVERGENCE_LOSS_FACTOR, DIVERGENCE_SCALE_FACTOR, lr_at  # noqa: F401
from lejepa_verify.validation.record import (ARRAYS_NAME, CANDIDATES_DIR, RECORD_BYTES, RECORD_NAME,  # noqa: F401
                                             WEIGHTS_NAME, RunRecord, TrainingDiverged, TrainResult, versions)


def train(config: TrainConfig | None = None, *, progress: bool = True, out=None, save_arrays: bool = False,
          save_weights: bool = False, init_weights=None) -> TrainResult:
    """Train an encoder on the world of ``config`` and measure what it learned (module docstring).

    ``out``: a folder for ``record.json`` (always), ``arrays.npz`` (``save_arrays``: held-out
    ``z, z_next, x, x_next, h, h_next``) and ``weights.pt`` (``save_weights``: the encoder's
    ``state_dict``); what an earlier run left there is replaced or removed with the record.
    ``init_weights``: a ``state_dict`` (or the path of a ``weights.pt``) of this config's encoder
    to start from instead of its initialisation, e.g. to test whether a known solution is kept
    (``benchmarks/bench_pixels.py basin``); it must match the encoder exactly, and is refused with
    ``best_of > 1`` and with ``out`` (a stored record's config would not say where the run
    started). Raises ``TrainingDiverged`` when the run diverges.
    """
    from lejepa_verify.validation.memory_check import check_memory
    from lejepa_verify.validation.run_folder import RunFolder

    config = TrainConfig() if config is None else config
    if not isinstance(config, TrainConfig):
        raise ValueError(f"config must be a TrainConfig, got {type(config).__name__}")
    if init_weights is not None and config.best_of > 1:
        raise ValueError("init_weights cannot be combined with best_of > 1 (every candidate would start alike)")
    if init_weights is not None and out is not None:
        # a stored record is identified by its config, which does not say where the encoder started
        raise ValueError("init_weights cannot be combined with out: the record would pass for a run from the "
                         "config's own initialisation")
    init_state = load_init_weights(init_weights) if init_weights is not None else None
    device = _check_device(config.device)
    check_memory(config)
    folder = None
    if out is not None:
        needed = RECORD_BYTES + (config.eval_size * (4 * config.n + 2 * config.out_dim) * 8 if save_arrays else 0)
        folder = RunFolder.prepare(out, needed=needed * max(1, config.best_of))
    previous = torch.get_num_threads()
    # small models train fastest on one thread; the setting is global, so it is put back after
    if config.threads is not None:
        torch.set_num_threads(config.threads)
    try:
        if config.best_of > 1:
            from lejepa_verify.validation.best_of import fit_best_of

            try:
                chosen, candidates = fit_best_of(config, device=device, progress=progress)
            except TrainingDiverged as exc:
                if folder is not None:
                    folder.commit(exc.run_record, candidates=_candidate_files(exc, save_arrays, save_weights))
                raise
            if folder is not None:
                folder.commit(chosen.result.record, files=_files(chosen, save_arrays, save_weights),
                              candidates=[_candidate_entry(c, save_arrays, save_weights) for c in candidates])
            return chosen.result
        try:
            fitted = fit_one(config, device=device, progress=progress, init_state=init_state)
        except TrainingDiverged as exc:
            if folder is not None:
                folder.commit(exc.run_record)
            raise
        if folder is not None:
            folder.commit(fitted.result.record, files=_files(fitted, save_arrays, save_weights))
        return fitted.result
    finally:
        torch.set_num_threads(previous)


def _files(fitted, save_arrays: bool, save_weights: bool) -> dict[str, bytes]:
    """The companion files of a finished run, as bytes to be written with its record."""
    files = {}
    if save_arrays:
        buf = io.BytesIO()
        np.savez(buf, **fitted.result.arrays)
        files[ARRAYS_NAME] = buf.getvalue()
    if save_weights:
        buf = io.BytesIO()
        torch.save(fitted.encoder.state_dict(), buf)
        files[WEIGHTS_NAME] = buf.getvalue()
    return files


def _candidate_entry(candidate, save_arrays: bool, save_weights: bool):
    if candidate.fitted is None:
        return candidate.k, candidate.record, {}
    return candidate.k, candidate.fitted.result.record, _files(candidate.fitted, save_arrays, save_weights)


def _candidate_files(exc: TrainingDiverged, save_arrays: bool, save_weights: bool):
    """When every candidate diverged there is nothing but their summaries to write."""
    return []


def load_init_weights(init_weights) -> dict:
    """A ``state_dict`` from a mapping or a ``weights.pt`` path; anything else is a ValueError naming it."""
    if isinstance(init_weights, Mapping):
        state = dict(init_weights)
    elif isinstance(init_weights, (str, Path)):
        try:
            state = torch.load(init_weights, map_location="cpu", weights_only=True)
        except (OSError, RuntimeError, ValueError, EOFError, pickle.UnpicklingError) as exc:
            detail = str(exc).strip() or type(exc).__name__
            raise ValueError(f"init_weights: cannot read {str(init_weights)!r}: {detail}") from None
    else:
        raise ValueError(f"init_weights must be a state_dict or the path of a weights.pt, got {type(init_weights).__name__}")
    if not isinstance(state, Mapping) or not state or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ValueError("init_weights must map parameter names to tensors")
    return dict(state)


def load_record(path) -> dict:
    """Read a run's JSON record (``record.json`` or the folder holding it) as plain data."""
    return RunRecord.read(path).to_dict()


def train_many(configs: Sequence, *, progress: bool = True, max_batch: int | None = None) -> list[TrainResult]:
    """Train ``configs`` as few batched models as their shapes allow (``validation.many``: runs of
    one shape share every kernel launch, each with its own data, initialisation, slices and
    schedules, and records what ``train`` records).

    Returns one :class:`~lejepa_verify.validation.record.TrainResult` per config, in order: a
    finished run's (status ``"ok"``), or a diverged run's (status ``"diverged"``, ``metrics``
    ``None``, ``divergence`` saying where and why; ``record`` is what ``train`` would have
    written). A config with ``best_of = K`` trains its K candidates in the batch and keeps the
    best, as ``train`` does. An empty list gives an empty list.
    """
    from lejepa_verify.theory.validate import check_int
    from lejepa_verify.validation.best_of import candidate_configs, choose
    from lejepa_verify.validation.many import MAX_BATCH, fit_many

    configs = list(configs)
    for i, c in enumerate(configs):
        if not isinstance(c, TrainConfig):
            raise ValueError(f"configs[{i}] must be a TrainConfig, got {type(c).__name__}")
    max_batch = MAX_BATCH if max_batch is None else check_int(max_batch, "max_batch", 1)
    if not configs:
        return []
    for c in configs:
        _check_device(c.device)
    # a best-of-K config is its K candidates, chosen from afterwards
    flat, owner = [], []
    for i, c in enumerate(configs):
        cands = candidate_configs(c) if c.best_of > 1 else [c]
        flat += cands
        owner += [i] * len(cands)
    previous = torch.get_num_threads()
    try:
        by_threads: dict = {}
        for j, c in enumerate(flat):
            by_threads.setdefault(c.threads, []).append(j)
        fitted: list = [None] * len(flat)
        for threads, idx in by_threads.items():
            if threads is not None:
                torch.set_num_threads(threads)
            for j, res in zip(idx, fit_many([flat[j] for j in idx], device=torch.device(flat[idx[0]].device),
                                            progress=progress, max_batch=max_batch)):
                fitted[j] = res
    finally:
        torch.set_num_threads(previous)
    out = []
    for i, c in enumerate(configs):
        mine = [fitted[j] for j in range(len(flat)) if owner[j] == i]
        if c.best_of > 1:
            try:
                chosen, _ = choose(c, mine)
                out.append(chosen.result)
            except TrainingDiverged as exc:
                out.append(TrainResult.from_diverged(exc))
        else:
            res = mine[0]
            out.append(TrainResult.from_diverged(res) if isinstance(res, TrainingDiverged) else res.result)
    return out
