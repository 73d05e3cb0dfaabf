"""Claims auditing the authors' 43 Lean declarations as written (docs/theory.md §6), one claim per declaration.

Each claim ``lean/<name>`` states the classification of one axiom or theorem *as written*
(``inconsistent``: a counter-model satisfies its hypotheses and falsifies its conclusion, so an
axiom makes Lean's environment inconsistent and a theorem is false as stated; ``tautology``;
``true``) and checks it with :func:`theory.lean.audit.audit` on the transcription of
:mod:`theory.lean.readings`. The declarations, their order and their files come from the one
table :data:`theory.lean.sources.DECLARATIONS`; what each audit claims and which variants are
its controls, from the reading of the declaration.

Negative controls, each run through the same audit: the variants of the reading (the repaired
statement for an inconsistent declaration, whose search must come back empty; the statement
with content for a tautology; false variants for a true one, each refuted by a counter-model),
and the claim with the wrong classification. These claims do not replace the claims that check
the *intended* mathematics (Mehler, AM–GM, Mazur–Ulam, …, whose ``lean`` field names the
declaration too); they are a second reading beside them.
"""

from __future__ import annotations

import functools

from lejepa_verify.theory.claims import Evidence, claim, control
from lejepa_verify.theory.lean.audit import CLASSIFICATIONS, AxiomAudit, audit
from lejepa_verify.theory.lean.readings import audit_specs, reading
from lejepa_verify.theory.lean.sources import DECLARATIONS

#: The classification a claim of the wrong-classification control states instead of the right one.
_WRONG = {"inconsistent": "true", "tautology": "inconsistent", "true": "inconsistent"}


@functools.lru_cache(maxsize=None)
def audited(name: str, variant: str = "as_written") -> AxiomAudit:
    """The audit of one reading (computed once: the claim and its controls share it)."""
    return audit(reading(name, variant))


def audit_evidence(axiom: str, expected: str, variant: str = "as_written") -> Evidence:
    """Audit one reading of the declaration ``axiom``; passed iff its classification is ``expected``.

    For ``inconsistent`` the counter-model must also have been found by the search (it is the
    evidence); the evidence carries ``axiom``, ``classification`` and ``counter_model``.
    """
    if expected not in CLASSIFICATIONS:
        raise ValueError(f"expected must be one of {CLASSIFICATIONS}, got {expected!r}")
    result = audited(axiom, variant)
    ok = result.classification == expected
    if expected == "inconsistent":
        ok = ok and result.counter_model is not None
    d = DECLARATIONS[axiom]
    return Evidence(
        passed=ok,
        numbers={"candidates_searched": result.candidates_searched,
                 "satisfying_hypotheses": result.satisfying_hypotheses,
                 "undecided_evaluations": result.undecided_evaluations},
        tolerance=None,
        detail=result.reason,
        fields={"axiom": axiom, "declaration": axiom, "kind": d.kind, "variant": result.variant,
                "classification": result.classification, "counter_model": result.counter_model,
                "restates_hypotheses": result.restates,
                "argument": None if result.argument is None else result.argument[1],
                "citation": d.cite(), "pull_request": d.pull_request, "pull_request_citation": d.pr_cite()},
    )


def _register(spec) -> None:
    d = DECLARATIONS[spec.declaration]
    name = spec.declaration

    def check(variant: str = "as_written", expected: str = spec.expected) -> Evidence:
        return audit_evidence(name, expected, variant)

    check.__doc__ = f"Audit of the Lean {d.kind} ``{name}`` ({d.cite()}): classification must be {spec.expected!r}."
    check.__name__ = f"check_lean_{name}"
    wrong = _WRONG[spec.expected]
    controls = tuple(control(v.kind, v.statement, variant=v.name) for v in spec.controls) + (
        control("wrong classification", f"the {d.kind} as written is {wrong}", expected=wrong),)
    claim(
        f"lean/{name}",
        statement=spec.statement,
        source=f"Lean {d.cite()}; {d.paper} (docs/theory.md §6)",
        layer="theory",
        controls=controls,
        lean=(name,),
        scope=spec.scope,
    )(check)


SPECS = audit_specs()
#: The classification each audit claim states, by declaration.
CLAIMED_CLASSIFICATION = {name: spec.expected for name, spec in SPECS.items()}

for _spec in SPECS.values():
    _register(_spec)
