"""Shared builders for the readings: statements over a grid of exact values (docs/theory.md §6)."""

from __future__ import annotations

import itertools
from typing import Callable, Mapping, Sequence

from lejepa_verify.theory.lean.audit import Reading


def grid_reading(declaration: str, variant: str, grid: Mapping[str, Sequence], hypotheses: Sequence,
                 conclusion: tuple[str, Callable], *, argument: Callable | None = None, note: str = "",
                 derived: Callable | None = None) -> Reading:
    """A reading whose candidate models are every combination of the ``grid`` values.

    ``derived(model)``, when given, adds computed entries to each model (e.g. a total error that a
    hypothesis pins down); the search text lists the grid, so the audit says what it searched.
    """
    names = list(grid)

    def candidates():
        for values in itertools.product(*(grid[k] for k in names)):
            m = dict(zip(names, values))
            if derived is not None:
                m.update(derived(m))
            yield m

    searched = "; ".join(f"{k} ∈ {{{', '.join(str(v) for v in grid[k])}}}" for k in names)
    return Reading(declaration, variant, tuple(hypotheses), conclusion, candidates, argument=argument, note=note,
                   searched=searched)
