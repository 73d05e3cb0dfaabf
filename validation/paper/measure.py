"""Ours for one published number, from the runs that measure it (the scorecard's common rules).

:func:`from_runs` turns the cells of a sweep that measure one published number into a
:class:`~.scorecard.Measurement`: the mean over the finished runs (and their spread), the runs
themselves, what differs from the authors' settings (their 20 000 steps, batch 256, best of K),
and, where ours differs from theirs, the cause a stored run tested: the same run at their
settings, found in the sweep's store of any profile (``Evidence.elsewhere``).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Callable, Sequence

from lejepa_verify.validation.paper import scorecard as sc
from lejepa_verify.validation.paper.runs import THEIR_BATCH, THEIR_STEPS, Cell, Evidence, mean_std, their_best_of

#: the command that fills a profile's side-by-side stores, and what it costs (measured or estimated)
FILL = {
    "quick": "lejepa-verify paper --profile quick --out DIR (minutes)",
    "cpu": "lejepa-verify paper --profile cpu --out DIR (about 2 h on 2 cores; 1500 of their 20 000 steps)",
    "cpu-full": "lejepa-verify paper --profile cpu-full --out DIR (their 20 000 steps; hours on 2 cores, "
                "see the guide for the estimate per sweep)",
    "paper": "lejepa-verify paper --profile paper --out DIR (their full grid: a GPU or a cluster)",
}


def settings_gap(config) -> list[str]:
    """How ``config`` differs from their training settings (steps, batch, restarts)."""
    gap = []
    if config.steps < THEIR_STEPS:
        gap.append(f"{config.steps} steps (theirs {THEIR_STEPS})")
    if config.batch_size != THEIR_BATCH:
        gap.append(f"batch {config.batch_size} (theirs {THEIR_BATCH})")
    k = their_best_of(config)
    if config.best_of < k:
        gap.append(f"best of {config.best_of} (theirs {k})")
    return gap


def their_settings(config) -> dict:
    """The settings of ``config`` that :func:`settings_gap` compares, at their values."""
    return {"steps": THEIR_STEPS, "batch_size": THEIR_BATCH, "best_of": max(config.best_of, their_best_of(config))}


def missing(evidence: Evidence, what: str) -> sc.Measurement:
    """``not_run`` for a number no run of this profile measures, naming the command that would."""
    return sc.not_run(f"{what} is not in profile `{evidence.profile}`; {FILL['cpu-full']} or "
                      f"{FILL['paper']} runs it")


def from_runs(pub: sc.Published, cells: Sequence[Cell], value_of: Callable[[Cell], float], evidence: Evidence, *,
              what: str = "this run") -> sc.Measurement:
    """The measurement of ``pub`` by ``cells`` (module docstring); ``value_of(cell)`` is ours for one
    finished run (NaN when it cannot say)."""
    if not cells:
        return missing(evidence, what)
    ok = [c for c in cells if c.ok]
    bad = [c for c in cells if c.status in ("failed", "diverged")]
    if not ok:
        if bad:
            return sc.failed("; ".join(f"{c.run_id}: {c.status}: {c.reason[:160]}" for c in bad), [c.ref() for c in bad])
        where = sc.portable_path(cells[0].store, evidence.out)
        return sc.not_run(f"not run yet (store {where}); {FILL.get(evidence.profile, FILL['cpu-full'])} runs it")
    values = [value_of(c) for c in ok]
    mean, spread = mean_std(values)
    if not math.isfinite(mean):
        return sc.measured(math.nan, [c.ref() for c in ok], reason="the stored runs do not hold this quantity")
    note = "" if len(ok) == len(cells) else f"{len(ok)} of {len(cells)} runs finished"
    gaps = sorted({g for c in ok for g in settings_gap(c.config)})
    untested, cause = ", ".join(gaps), None
    if gaps and not pub.is_claim and abs(mean - pub.value) > pub.tolerance:
        cause, untested = _their_settings_test(pub, ok, value_of, evidence, untested)
    return sc.measured(mean, [c.ref() for c in ok], spread=spread if len(ok) > 1 else None, reason=note,
                       untested=untested, cause=cause)


def _their_settings_test(pub, ok, value_of, evidence, untested):
    """Look for the same runs at their settings in any profile's store; a cause when they reproduce."""
    longer = [evidence.elsewhere(c, **their_settings(c.config)) for c in ok]
    longer = [c for c in longer if c is not None and c.ok]
    if not longer:
        return None, untested
    value, _ = mean_std([value_of(c) for c in longer])
    ref = longer[0].ref()
    if math.isfinite(value) and abs(value - pub.value) <= pub.tolerance:
        text = (f"the training length: ours ran {untested}; the same run at their settings ({THEIR_STEPS} steps) "
                f"gives {value:.6g}, within {pub.rule}")
        return sc.Cause(text, ref, value), untested
    return None, (f"{untested}; at their settings the same run ({ref['run_id']}, store `{Path(ref['store']).name}`) gives "
                  f"{value:.6g}, still outside the tolerance: the length is not the whole cause")


def claim_from_runs(pub: sc.Published, cells: Sequence[Cell], decide: Callable[[list[Cell]], tuple[bool, float | None, str]],
                    evidence: Evidence, *, what: str = "these runs") -> sc.Measurement:
    """A claim tested on the finished runs among ``cells``: ``decide(ok_cells)`` returns whether it
    holds, the number that decided it and a sentence."""
    if not cells:
        return missing(evidence, what)
    ok = [c for c in cells if c.ok]
    if not ok:
        bad = [c for c in cells if c.status in ("failed", "diverged")]
        if bad:
            return sc.failed("; ".join(f"{c.run_id}: {c.reason[:120]}" for c in bad), [c.ref() for c in bad])
        return sc.not_run(f"not run yet; {FILL.get(evidence.profile, FILL['cpu-full'])} runs them")
    holds, value, text = decide(ok)
    gaps = sorted({g for c in ok for g in settings_gap(c.config)})
    partial = "" if len(ok) == len(cells) else f" ({len(ok)} of {len(cells)} runs finished)"
    return sc.judged(holds, [c.ref() for c in ok], value=value, reason=text + partial, untested=", ".join(gaps))
