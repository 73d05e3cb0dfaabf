"""The scorecard of every published number: one module per published result, gathered here.

Each result module (:mod:`.scaling`, :mod:`.alpha`, :mod:`.grid`, :mod:`.bound`, :mod:`lejepa_verify.validation.paper.reacher`,
:mod:`.mixings`) has ``entries(numbers, evidence)`` (its scored numbers) and ``unscored(numbers)``
(the numbers of its tables that are settings, duplicates or raster-figure readings, with the
reason). :func:`build_scorecard` runs them all; :func:`uncovered` lists every number of the file
that neither an entry nor an unscored line accounts for, and the scorecard lists those too (as
"not yet in the catalogue"), so a number added to the file is never silently missing.
"""

from __future__ import annotations

from typing import Any, Iterable

from lejepa_verify.validation.paper import alpha, bound, grid, mixings, reacher, scaling
from lejepa_verify.validation.paper import scorecard as sc

#: the result modules, in the order of the page
RESULTS = (scaling, alpha, grid, bound, reacher, mixings)

#: tables of the file that hold no published result of an experiment, and why
OTHER_TABLES = {
    "authors_recipe": "their training recipe: settings our sweeps take",
    "synthetic_hyperparameters": "their hyperparameters (App. H.4): settings our sweeps take",
    "lean_verification": "counts of their Lean build (files, targets, components): the Lean axioms themselves are "
                         "checked by `lejepa-verify claims`",
    "sfa_comparison": "numbers about prior work (slow feature analysis), not results of the paper's experiments",
    "theory_statements": "the theorems in words: checked by `lejepa-verify claims`",
    "discrepancies": "where the paper disagrees with itself: each entry that compares with one of two values says which",
    "bound_figure": "notes on their bound figure's definitions (used by the bound entry)",
    "lambda_rho_grid": "their grid's axes (settings)",
}
#: suffixes of a column's spread (and its unit), covered by the column's entries
_SPREAD = ("_std_printed", "_std_unit", "_std", "_mean")


def build_scorecard(numbers, evidence, *, command: str) -> sc.Scorecard:
    """The scorecard of ``numbers`` (``validation.paper_numbers.PaperNumbers``) measured from
    ``evidence`` (:class:`~.runs.Evidence`). ``ValueError`` naming the table and key when the file
    lacks a number an entry expects."""
    entries: list[sc.Entry] = []
    unscored: list[sc.Unscored] = []
    for module in RESULTS:
        if hasattr(module, "entries"):
            entries += module.entries(numbers, evidence)
        unscored += module.unscored(numbers)
    for table, why in OTHER_TABLES.items():
        if table in numbers.tables:
            unscored += [sc.Unscored(table, key, why) for key, _ in _numeric_keys(numbers.tables[table])]
    ids = [e.published.id for e in entries]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ValueError(f"the scorecard lists a published number twice: {dup[:5]}")
    unscored += [sc.Unscored(t, k, "not yet in the scorecard's catalogue: a number of the file no entry reads")
                 for t, k in uncovered(numbers, entries, unscored)]
    header = sc.make_header(evidence.profile, out=evidence.out, numbers_path=numbers.path, command=command,
                            applied=evidence.applied)
    return sc.Scorecard(tuple(entries), tuple(unscored), header)


def _numeric(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return True
    if isinstance(v, list) and v:
        return all(_numeric(x) or (isinstance(x, str) and x.startswith("~")) for x in v)
    return False


def _numeric_keys(table) -> Iterable[tuple[str, Any]]:
    return [(k, v) for k, v in table.items() if _numeric(v)]


def uncovered(numbers, entries, unscored) -> list[tuple[str, str]]:
    """``(table, key)`` of every number (or list of numbers) in the file that no entry scores and no
    unscored line names (a column's ``_std``/``_std_printed``/``_std_unit`` go with the column)."""
    covered = {(e.published.table, e.published.key) for e in entries} | {(u.table, u.key) for u in unscored}
    covered |= {(t, _base(k)) for t, k in list(covered)}
    out = []
    for table, data in numbers.tables.items():
        if not isinstance(data, dict):
            continue
        for key, _ in _numeric_keys(data):
            if (table, key) not in covered and (table, _base(key)) not in covered:
                out.append((table, key))
    return out


def _base(key: str) -> str:
    for suffix in _SPREAD:
        if key.endswith(suffix):
            return key[: -len(suffix)]
    return key
