"""The audit of the Lean declarations gathered for a reader: one row per axiom, one per theorem (docs/theory.md §6)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from lejepa_verify.theory.lean.audit import CLASSIFICATIONS, audit
from lejepa_verify.theory.lean.readings import reading
from lejepa_verify.theory.lean.sources import (
    DECLARATIONS,
    LEAN_AXIOMS,
    LEAN_THEOREMS,
    axioms_declared_in,
    axioms_used,
)


@dataclass(frozen=True)
class AxiomRow:
    """One declaration's row: name, citation, intended meaning, classification as written (an axiom
    or a theorem: ``kind``), its counter-model, and its pull-request version."""

    name: str
    citation: str
    intended: str
    classification: str
    counter_model: Mapping[str, Any] | None
    reason: str
    pull_request: str
    kind: str = "axiom"
    pr_citation: str = ""

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return dict(self.__dict__)


#: one row type serves axioms and theorems
DeclarationRow = AxiomRow


@dataclass(frozen=True)
class TheoremRow:
    """A theorem, the axioms its proof text reaches, whether any of them is inconsistent, and the
    theorem's own classification as written (``None`` where it was not audited)."""

    name: str
    citation: str
    headline: bool
    axioms: tuple[str, ...]
    inconsistent_axioms: tuple[str, ...]
    environment_inconsistent: tuple[str, ...]
    classification: str | None = None
    counter_model: Mapping[str, Any] | None = None

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {**self.__dict__, "axioms": list(self.axioms), "inconsistent_axioms": list(self.inconsistent_axioms),
                "environment_inconsistent": list(self.environment_inconsistent)}


def classify_declarations(names: Sequence[str], evidence: Mapping[str, Mapping[str, Any]] | None = None
                          ) -> dict[str, AxiomRow]:
    """One row per declaration in ``names``. ``evidence`` maps names to audit-claim evidence already
    computed (``classification``, ``counter_model``, ``detail``); the others are audited here."""
    rows = {}
    for name in names:
        d = DECLARATIONS[name]
        ev = (evidence or {}).get(name)
        if ev is None or "classification" not in ev:
            r = audit(reading(name))
            cls, cm, why = r.classification, r.counter_model, r.reason
        else:
            cls, cm, why = ev["classification"], ev.get("counter_model"), ev.get("detail", "")
        rows[name] = AxiomRow(name=name, citation=d.cite(), intended=d.intended, classification=cls,
                              counter_model=cm, reason=why, pull_request=d.pull_request, kind=d.kind,
                              pr_citation=d.pr_cite())
    return rows


def classify_all(evidence: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, AxiomRow]:
    """One row per axiom (the 13 of main); see :func:`classify_declarations`."""
    return classify_declarations(tuple(LEAN_AXIOMS), evidence)


def classification_counts(rows: Mapping[str, AxiomRow]) -> dict[str, int]:
    """How many rows fall into each classification (every classification listed, zeros included)."""
    counts = {c: 0 for c in CLASSIFICATIONS}
    for r in rows.values():
        counts[r.classification] += 1
    return counts


def theorem_rows(rows: Mapping[str, AxiomRow]) -> list[TheoremRow]:
    """Theorem by theorem: the axioms used (textual reading) and the inconsistent ones among them,
    the inconsistent axioms declared in the theorem's own file (its environment), and the theorem's
    classification as written where ``rows`` holds its row."""
    bad = {n for n, r in rows.items() if r.classification == "inconsistent" and r.kind == "axiom"}
    out = []
    for t in LEAN_THEOREMS:
        used = axioms_used(t.name)
        env = tuple(a for a in axioms_declared_in(t.source) if a in bad)
        own = rows.get(t.name)
        out.append(TheoremRow(name=t.name, citation=t.cite(), headline=t.headline, axioms=used,
                              inconsistent_axioms=tuple(a for a in used if a in bad), environment_inconsistent=env,
                              classification=None if own is None else own.classification,
                              counter_model=None if own is None else own.counter_model))
    return out


def root_environment_inconsistent(rows: Mapping[str, AxiomRow]) -> tuple[str, ...]:
    """The inconsistent axioms in the environment of ``lean/LeJEPA.lean``, which imports every file."""
    return tuple(n for n, r in rows.items() if r.classification == "inconsistent" and r.kind == "axiom")


def _evidence(results: Sequence) -> dict:
    return {r.id.removeprefix("lean/"): r.evidence for r in results if r.id.startswith("lean/") and r.error is None}


def rows_from_results(results: Sequence) -> dict[str, AxiomRow]:
    """Axiom rows built from the ``lean/<axiom>`` claim results of a claims run (ClaimResult objects)."""
    return classify_all(_evidence(results))


def declaration_rows_from_results(results: Sequence) -> dict[str, AxiomRow]:
    """Rows of all 43 declarations from the ``lean/<name>`` claim results; missing ones are audited here."""
    return classify_declarations(tuple(DECLARATIONS), _evidence(results))
