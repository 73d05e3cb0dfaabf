"""Exact mathematics of LeJEPA identifiability (docs/theory.md), checked with sympy.

Imports sympy and the standard library only. The claims registry lives here because it is
the lowest layer that needs it; ``numerics`` and ``validation`` register their claims in it.
"""

from lejepa_verify.theory.claims import Claim, ClaimResult, Evidence, claim, registered, run_claim

__all__ = ["Claim", "ClaimResult", "Evidence", "claim", "registered", "run_claim"]
