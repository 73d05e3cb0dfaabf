"""The axioms the authors' Lean 4 files assume without proof (docs/theory.md §6).

A view of the one declarations table, :data:`theory.lean.sources.DECLARATIONS`: the 13 axioms
of the main branch and what each is meant to say. Each claim names, in its ``lean`` field, the
declarations whose content it checks; the CLI prints the mapping and lists a declaration no
claim covers as "not checked", never hiding it.
"""

from __future__ import annotations

from lejepa_verify.theory.lean.sources import LEAN_AXIOMS

AXIOMS: dict[str, str] = {name: d.intended for name, d in LEAN_AXIOMS.items()}


def check_axiom_names(names) -> tuple[str, ...]:
    """Validate axiom names; unknown names are a ValueError listing the valid ones."""
    names = tuple(names)
    unknown = [n for n in names if n not in AXIOMS]
    if unknown:
        raise ValueError(f"unknown axiom {unknown[0]!r}; valid axioms: {', '.join(AXIOMS)}")
    return names
