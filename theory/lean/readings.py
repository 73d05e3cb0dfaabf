"""The authors' 43 Lean declarations transcribed as written, with the variants their audits reject (docs/theory.md §6).

For each declaration of :data:`theory.lean.sources.DECLARATIONS`, :func:`reading` gives the
transcription ``"as_written"`` (the statement over everything its arguments range over, with
Lean and Mathlib semantics) and, under each control's name, a variant that is a negative
control of its audit claim:

- for a declaration found inconsistent (false as written), the *repaired* statement (the
  missing hypothesis added, e.g. ``0 < m``, or the structure field tied to the map it
  describes), whose search must come back empty;
- for a tautology, the statement *with content* (the restated hypothesis dropped or weakened),
  which is no longer a tautology;
- for a true declaration, a deliberately false variant (a hypothesis dropped, a wrong exponent
  or constant, a dropped term) that the search refutes with a counter-model.

The 13 axioms keep the name ``"control"`` for their first variant. The readings live one module
per Lean file in :mod:`theory.lean.readers`; this module reads them through their registry.
Models are exact: Fractions, sympy Rationals and polynomials in a symbol ``z``.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from lejepa_verify.theory.lean.audit import AuditSpec, Reading
from lejepa_verify.theory.lean.semantics import Z, lean_div, rpow_le  # noqa: F401 - re-exported for readers of this module
from lejepa_verify.theory.lean.sources import DECLARATIONS, LEAN_AXIOMS

#: the variant every declaration has; the others are named by its controls
AS_WRITTEN = "as_written"
#: the variants every axiom has (its first control is called "control")
VARIANTS = (AS_WRITTEN, "control")


def audit_specs() -> dict[str, AuditSpec]:
    """Every declaration's :class:`AuditSpec`, in the order of :data:`DECLARATIONS` (imports every reader module)."""
    from lejepa_verify.theory.lean.readers import READERS

    found: dict[str, AuditSpec] = {}
    for specs in READERS.load_all().values():
        for spec in specs:
            if spec.declaration in found:
                raise ValueError(f"Lean declaration {spec.declaration!r} is read twice")
            found[spec.declaration] = spec
    return {name: found[name] for name in DECLARATIONS if name in found}


def audit_spec(name: str) -> AuditSpec:
    """The audit of one declaration; an unread or unknown name is a ``ValueError``."""
    specs = audit_specs()
    if name not in specs:
        raise ValueError(f"axiom must be one of the 13 Lean axioms or 30 theorems with a reading "
                         f"({', '.join(specs)}), got {name!r}")
    return specs[name]


def reading(name: str, variant: str = AS_WRITTEN) -> Reading:
    """The transcription of ``name`` (``"as_written"``) or of one of its control variants."""
    spec = audit_spec(name)
    if variant not in spec.variants:
        raise ValueError(f"variant must be one of {spec.variants} for {name!r}, got {variant!r}")
    return spec.build(variant)


def readings(variant: str = AS_WRITTEN) -> Iterable[Reading]:
    """The reading of every axiom in ``variant`` (``as_written`` by default)."""
    return (reading(a, variant) for a in LEAN_AXIOMS)


def model_repr(model: Mapping[str, Any]) -> str:
    """A counter-model as text: ``name = value, ...``."""
    return ", ".join(f"{k} = {v}" for k, v in model.items())
