"""Best-of-K encoder selection by final training loss (the authors' scaling protocol).

``best_of = K`` trains K encoders on the same world, candidate ``k`` with seed ``seed + 1000·k``
(the offset ``spec["seed"] + k * 1000`` in ``main`` of ``experiments/run.py`` of klindtlab/lejepa-identifiability), and
keeps the one whose final training loss (the mean over the last evaluation window) is lowest;
the authors compare the loss of the last logged batch. Their candidates also redraw the mixing
(its seed is the candidate's seed, ``mix_seed = seed`` in ``run_single``), so they select among worlds too; here
the mixing (``mixing_seed``) stays fixed and only the encoder's seed and batches change. They
take K = 1 above n = 32 (``if spec["N"] > 32: K = 1`` in ``main``); here K is what the config says.

The result is the chosen candidate's, with the original config and ``metrics.best_of``:
K, the chosen index, every candidate's final loss, ``R²(h→z)`` and wall time. It wraps the
one-run fit (``validation.fit``) and writes nothing; ``validation.trainer.train`` writes each
candidate to ``out/candidates/<k>/`` and the chosen one's files to ``out``.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

from lejepa_verify.validation.record import DIVERGED, RunRecord, TrainingDiverged

SEED_OFFSET = 1000


@dataclass(frozen=True)
class Candidate:
    """One of the K: its index, config and either its fit (``fitted``) or its diverged ``record``."""

    k: int
    config: object
    fitted: object | None
    record: RunRecord | None

    def summary(self) -> dict:
        """The row of ``metrics.best_of["candidates"]``."""
        if self.fitted is None:
            reason = self.record.divergence.reason if self.record and self.record.divergence else ""
            step = self.record.divergence.step if self.record and self.record.divergence else None
            return {"k": self.k, "seed": self.config.seed, "status": "diverged", "final_loss": None, "r2_hz": None,
                    "reason": f"diverged at step {step} of {self.config.steps}: {reason}"}
        res = self.fitted.result
        return {"k": self.k, "seed": self.config.seed, "status": "ok", "final_loss": res.curves["loss"][-1],
                "r2_hz": res.metrics.r2_hz, "wall_time": res.wall_time}


def candidate_configs(config) -> list:
    """The K candidates' configs: ``best_of = 1`` and seed ``seed + 1000·k``."""
    return [config.replace(best_of=1, seed=config.seed + SEED_OFFSET * k) for k in range(config.best_of)]


def choose(config, outcomes: list):
    """The best of the fitted candidates of ``config`` (``outcomes``: each a ``Fitted`` or a
    ``TrainingDiverged``, in candidate order) and the candidates; raises ``TrainingDiverged``
    (with every candidate's summary in its record) when all of them diverged."""
    start = time.perf_counter()
    candidates = [Candidate(k, cand, None if isinstance(res, TrainingDiverged) else res,
                            res.run_record if isinstance(res, TrainingDiverged) else None)
                  for k, (cand, res) in enumerate(zip(candidate_configs(config), outcomes))]
    summary = [c.summary() for c in candidates]
    finished = [c for c in candidates if c.fitted is not None]
    wall = sum(c.fitted.result.wall_time if c.fitted else (c.record.wall_time or 0.0) for c in candidates)
    if not finished:
        rec = RunRecord(status=DIVERGED, config=config, config_dict=config.to_dict(), best_of={"K": config.best_of,
                        "chosen": None, "candidates": summary}, wall_time=wall + time.perf_counter() - start,
                        seed=config.seed)
        raise TrainingDiverged(f"all {config.best_of} candidates diverged", rec)
    best = min(finished, key=lambda c: c.fitted.result.curves["loss"][-1])
    chosen = best.fitted.result
    metrics = dataclasses.replace(chosen.metrics, best_of={"K": config.best_of, "chosen": best.k,
                                                           "candidates": summary})
    result = dataclasses.replace(chosen, config=config, metrics=metrics, wall_time=wall)
    return dataclasses.replace(best.fitted, result=result), candidates


def fit_best_of(config, *, device, progress: bool = True):
    """Fit the K candidates (as one batched model where their encoder allows, ``validation.many``)
    and return ``(chosen Fitted, candidates)``; see :func:`choose`."""
    from lejepa_verify.validation.many import fit_many

    outcomes = fit_many(candidate_configs(config), device=device, progress=progress,
                        say=lambda line: None)
    return choose(config, outcomes)
