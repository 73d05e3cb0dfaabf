"""Best-of-K encoder selection by final training loss (the authors' scaling protocol).

``best_of = K`` trains K encoders on the same world, candidate ``k`` with seed ``seed + 1000·k``
(the offset ``spec["seed"] + k * 1000`` in ``main`` of ``experiments/run.py`` of klindtlab/lejepa-identifiability), and
keeps the one whose final training loss (the mean over the last evaluation window) is lowest;
the authors compare the loss of the last logged batch. Their candidates also redraw the mixing
(its seed is the candidate's seed, ``mix_seed = seed`` in ``run_single``), so they select among worlds too; here
the mixing (``mixing_seed``) stays fixed and only the encoder's seed and batches change. They
take K = 1 above n = 32 (``if spec["N"] > 32: K = 1`` in ``main``); here K is what the config says.

The record is the chosen candidate's, with the original config and ``metrics["best_of"]``:
K, the chosen index, every candidate's final loss, ``R²(h→z)`` and wall time. With ``out``
each candidate is written to ``out/candidates/<k>/`` and the chosen one's files also to ``out``.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

from lejepa_verify.validation.io import atomic_write_bytes, atomic_write_json

SEED_OFFSET = 1000


def train_best_of(config, *, progress: bool = True, out: Path | None = None, save_arrays: bool = False,
                  save_weights: bool = False):
    """Train the config's best-of-K candidates and keep the best one's record (the world is kept, only the encoder is redrawn)."""
    from lejepa_verify.validation.trainer import RECORD_NAME, TrainingDiverged, train

    start = time.perf_counter()
    results, summary = [], []
    for k in range(config.best_of):
        cand = config.replace(best_of=1, seed=config.seed + SEED_OFFSET * k)
        where = None if out is None else out / "candidates" / str(k)
        try:
            res = train(cand, progress=progress, out=where, save_arrays=save_arrays, save_weights=save_weights)
        except TrainingDiverged as exc:
            summary.append({"k": k, "seed": cand.seed, "status": "diverged", "final_loss": None,
                            "r2_hz": None, "reason": str(exc)})
            results.append(None)
            continue
        summary.append({"k": k, "seed": cand.seed, "status": "ok", "final_loss": res.curves["loss"][-1],
                        "r2_hz": res.metrics.r2_hz, "wall_time": res.wall_time})
        results.append(res)
    finite = [i for i, r in enumerate(results) if r is not None]
    if not finite:
        raise TrainingDiverged(f"all {config.best_of} candidates diverged",
                               {"status": "diverged", "config": config.to_dict(), "metrics": {"best_of": summary}})
    best = min(finite, key=lambda i: results[i].curves["loss"][-1])
    chosen = results[best]
    metrics = dataclasses.replace(chosen.metrics, best_of={"K": config.best_of, "chosen": best, "candidates": summary})
    result = dataclasses.replace(chosen, config=config, metrics=metrics, wall_time=time.perf_counter() - start)
    if out is not None:
        src = out / "candidates" / str(best)
        for f in src.iterdir():
            if f.is_file() and f.name != RECORD_NAME:
                atomic_write_bytes(out / f.name, f.read_bytes())
        atomic_write_json(out / RECORD_NAME, result.to_dict())
    return result
