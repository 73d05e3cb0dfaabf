"""The readings of the authors' Lean declarations, one module per Lean file (docs/theory.md §6).

Each module (``hermite``, ``uniqueness``, ``approx``, ``dirichlet``, ``planning``: the Lean file
``lean/LeJEPA/<File>.lean`` it reads) defines, for every declaration of its file in
:data:`theory.lean.sources.DECLARATIONS`, an :class:`~theory.lean.audit.AuditSpec`: the
declaration transcribed as written over exact models, its classification, and the variants
that are its audit claim's negative controls. A module registers the tuple of its specs in
:data:`READERS` under its own name; :mod:`theory.lean.readings` reads them all.
"""

from lejepa_verify.theory.registry import Registry

#: Lean file (module name) → the tuple of its :class:`~theory.lean.audit.AuditSpec`.
READERS = Registry("lejepa_verify.theory.lean.readers", "Lean file", private=("common",))
