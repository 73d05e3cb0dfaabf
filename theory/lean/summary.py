"""The audit of the Lean axioms gathered for a reader: one row per axiom, one per theorem (docs/theory.md §6)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from lejepa_verify.theory.lean.audit import CLASSIFICATIONS, audit
from lejepa_verify.theory.lean.readings import reading
from lejepa_verify.theory.lean.sources import (
    LEAN_AXIOMS,
    LEAN_THEOREMS,
    axioms_declared_in,
    axioms_used,
)


@dataclass(frozen=True)
class AxiomRow:
    """One row of the axiom summary: name, citation, intended meaning, classification as written."""
    name: str
    citation: str
    intended: str
    classification: str
    counter_model: Mapping[str, Any] | None
    reason: str
    pull_request: str

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class TheoremRow:
    """A theorem, the axioms its proof text reaches, and whether any of them is inconsistent."""

    name: str
    citation: str
    headline: bool
    axioms: tuple[str, ...]
    inconsistent_axioms: tuple[str, ...]
    environment_inconsistent: tuple[str, ...]

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {**self.__dict__, "axioms": list(self.axioms), "inconsistent_axioms": list(self.inconsistent_axioms),
                "environment_inconsistent": list(self.environment_inconsistent)}


def classify_all(evidence: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, AxiomRow]:
    """One row per axiom. ``evidence`` maps axiom names to audit-claim evidence already computed
    (``classification``, ``counter_model``, ``detail``); missing axioms are audited here."""
    rows = {}
    for name, a in LEAN_AXIOMS.items():
        ev = (evidence or {}).get(name)
        if ev is None or "classification" not in ev:
            r = audit(reading(name))
            cls, cm, why = r.classification, r.counter_model, r.reason
        else:
            cls, cm, why = ev["classification"], ev.get("counter_model"), ev.get("detail", "")
        rows[name] = AxiomRow(name=name, citation=a.cite(), intended=a.intended, classification=cls,
                              counter_model=cm, reason=why, pull_request=a.pull_request)
    return rows


def classification_counts(rows: Mapping[str, AxiomRow]) -> dict[str, int]:
    """How many rows fall into each classification (every classification listed, zeros included)."""
    counts = {c: 0 for c in CLASSIFICATIONS}
    for r in rows.values():
        counts[r.classification] += 1
    return counts


def theorem_rows(rows: Mapping[str, AxiomRow]) -> list[TheoremRow]:
    """Theorem by theorem: the axioms used (textual reading) and the inconsistent ones among them,
    and the inconsistent axioms declared in the theorem's own file (its environment)."""
    bad = {n for n, r in rows.items() if r.classification == "inconsistent"}
    out = []
    for t in LEAN_THEOREMS:
        used = axioms_used(t.name)
        env = tuple(a for a in axioms_declared_in(t.source) if a in bad)
        out.append(TheoremRow(name=t.name, citation=t.cite(), headline=t.headline, axioms=used,
                              inconsistent_axioms=tuple(a for a in used if a in bad), environment_inconsistent=env))
    return out


def root_environment_inconsistent(rows: Mapping[str, AxiomRow]) -> tuple[str, ...]:
    """The inconsistent axioms in the environment of ``lean/LeJEPA.lean``, which imports every file."""
    return tuple(n for n, r in rows.items() if r.classification == "inconsistent")


def rows_from_results(results: Sequence) -> dict[str, AxiomRow]:
    """Rows built from the ``lean/<axiom>`` claim results of a claims run (ClaimResult objects)."""
    evidence = {}
    for r in results:
        if r.id.startswith("lean/") and r.error is None:
            evidence[r.id.removeprefix("lean/")] = r.evidence
    return classify_all(evidence)
