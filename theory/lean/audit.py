"""Audit an axiom as written: search for a counter-model, then classify (docs/theory.md §6).

A :class:`Reading` is one transcription of a Lean statement into checkable form: its
hypotheses and its conclusion as predicates on a *model* (a concrete choice of every argument,
with Lean and Mathlib semantics: ``x / 0 = 0``, an empty sum is 0, an empty product 1, ``Fin 0``
has no elements, structure fields constrained only by what the structure declares), a finite
family of candidate models to search, and optionally

- ``forms``: the hypotheses and the unfolded conclusion as sympy propositions, for the
  tautology test (every conjunct of the conclusion, with the existential witness read off the
  arguments, is literally a hypothesis or reduces to ``True``);
- ``argument``: a symbolic argument that no counter-model exists for any arguments.

The same transcription serves the 30 theorems of the files: a theorem is a statement too, and
what Lean proves about it says nothing of its truth when an axiom it rests on is inconsistent.

:func:`audit` returns the classification:

- ``inconsistent``: a candidate satisfies every hypothesis and falsifies the conclusion. From
  an axiom applied to it Lean derives ``False``; a *theorem* with a counter-model is false as
  written, and Lean proves it only through an inconsistent axiom.
- ``tautology``: no counter-model, and the conclusion restates the hypotheses.
- ``true``: no counter-model, and the argument covers every choice of the arguments.
- ``undecided``: none of these is established (the reason says which step is missing, e.g. a
  predicate that could not be decided on some candidate). Never reported as ``true``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

CLASSIFICATIONS = ("inconsistent", "tautology", "true", "undecided")

Predicate = Callable[[Mapping[str, Any]], "bool | None"]


@dataclass(frozen=True)
class Reading:
    """A checkable transcription of one Lean statement (as written, repaired, or a variant)."""

    axiom: str
    variant: str
    hypotheses: tuple[tuple[str, Predicate], ...]
    conclusion: tuple[str, Predicate]
    candidates: Callable[[], Iterable[Mapping[str, Any]]]
    forms: Callable[[], tuple[tuple, tuple]] | None = None
    argument: Callable[[], tuple["bool | None", str]] | None = None
    note: str = ""
    searched: str = ""


@dataclass(frozen=True)
class AxiomAudit:
    """The outcome of auditing one reading.

    ``counter_model`` is the first candidate found that satisfies every hypothesis and falsifies
    the conclusion (its values exact: integers, Fractions, sympy expressions as strings).
    ``restates`` is the tautology test's verdict (``None`` where no forms were given);
    ``argument`` the verdict and text of the symbolic argument (``None`` where none applies).
    """

    axiom: str
    variant: str
    classification: str
    reason: str
    counter_model: Mapping[str, Any] | None
    candidates_searched: int
    satisfying_hypotheses: int
    undecided_evaluations: int
    restates: bool | None
    argument: tuple[bool | None, str] | None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        from lejepa_verify.theory.claims import json_safe

        return json_safe({
            "axiom": self.axiom, "variant": self.variant, "classification": self.classification,
            "reason": self.reason, "counter_model": self.counter_model,
            "candidates_searched": self.candidates_searched,
            "satisfying_hypotheses": self.satisfying_hypotheses,
            "undecided_evaluations": self.undecided_evaluations, "restates_hypotheses": self.restates,
            "argument": None if self.argument is None else {"holds": self.argument[0], "how": self.argument[1]},
            **dict(self.extra),
        })


def restates_hypotheses(hypotheses: tuple, conclusion: tuple) -> bool:
    """True when every conjunct of the (unfolded, witnessed) conclusion is a hypothesis or ``True``.

    Propositions are sympy Booleans (``Eq``, ``Le``, ``Lt`` of symbols and undefined functions);
    the comparison is structural, so ``M ≤ ε + W`` matches ``M ≤ ε + W`` and nothing weaker.
    """
    import sympy as sp

    hyps = set(hypotheses)
    return all(c is sp.true or c == sp.true or c in hyps for c in conclusion)


def _render(model: Mapping[str, Any]) -> dict:
    out = {}
    for k, v in model.items():
        if k.startswith("_"):
            continue
        out[k] = v if isinstance(v, (int, str, bool)) or v is None else _render_value(v)
    return out


def _render_value(v):
    from fractions import Fraction

    if isinstance(v, Fraction):
        return str(v)
    if isinstance(v, (list, tuple)):
        return [_render_value(x) for x in v]
    if isinstance(v, Mapping):
        return {str(k): _render_value(x) for k, x in v.items()}
    if isinstance(v, (int, bool, str)) or v is None:
        return v
    return str(v)


def _verdict(value) -> bool | None:
    """A predicate's answer as True, False or None (sympy's ``true``/``false`` become bools)."""
    return None if value is None else bool(value)


def audit(reading: Reading) -> AxiomAudit:
    """Search ``reading.candidates()`` for a counter-model, then classify (see the module docstring)."""
    searched = satisfying = undecided = 0
    counter = None
    for model in reading.candidates():
        searched += 1
        verdicts = [_verdict(pred(model)) for _, pred in reading.hypotheses]
        if any(v is False for v in verdicts):
            continue
        if any(v is None for v in verdicts):
            undecided += 1
            continue
        satisfying += 1
        held = _verdict(reading.conclusion[1](model))
        if held is None:
            undecided += 1
            continue
        if held is False and counter is None:
            counter = _render(model)
    restates = None
    if reading.forms is not None:
        hyp_forms, concl_forms = reading.forms()
        restates = restates_hypotheses(hyp_forms, concl_forms)
    argument = reading.argument() if reading.argument is not None else None

    if counter is not None:
        cls = "inconsistent"
        reason = ("a counter-model satisfies every hypothesis and falsifies the conclusion, so the "
                  "statement is false: Lean derives False from it (an axiom), or proves it only through "
                  "an inconsistent axiom (a theorem)")
    elif satisfying == 0:
        cls = "undecided"
        reason = f"no candidate of {searched} satisfied every hypothesis: the search decided nothing"
    elif restates:
        cls = "tautology"
        reason = (f"no counter-model among {searched} candidates, and the conclusion restates the "
                  "hypotheses: consistent, with none of the analytic content its name promises")
    elif argument is not None and argument[0] is True:
        cls = "true"
        reason = f"no counter-model among {searched} candidates; for all arguments: {argument[1]}"
    else:
        cls = "undecided"
        missing = "no argument covers every choice of the arguments" if argument is None else \
            f"the argument did not go through ({argument[1]})"
        reason = f"no counter-model among {searched} candidates, but {missing}"
    if undecided and cls != "inconsistent":
        reason += f"; {undecided} candidate evaluations could not be decided"
    if reading.searched:
        reason += f" (searched: {reading.searched})"
    return AxiomAudit(axiom=reading.axiom, variant=reading.variant, classification=cls, reason=reason,
                      counter_model=counter, candidates_searched=searched, satisfying_hypotheses=satisfying,
                      undecided_evaluations=undecided, restates=restates, argument=argument)


# ---------------------------------------------------------------------------------------------
# Audit specifications: what each declaration's claim states, and its negative controls
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """A named variant of a declaration's reading: a negative control of its audit claim.

    ``kind`` is one of :data:`theory.claims.CONTROL_KINDS` (a wrong exponent, a dropped
    hypothesis, the repaired statement, …); ``statement`` says in one line what the variant
    asserts. For a declaration found inconsistent the controls are repaired statements, whose
    search must come back empty; otherwise they are false variants a counter-model refutes.
    """

    name: str
    kind: str
    statement: str


@dataclass(frozen=True)
class AuditSpec:
    """The audit of one Lean declaration: its classification as written and how it is read.

    ``expected``: the classification the audit claim states (``inconsistent``, ``tautology`` or
    ``true``); ``statement``: the claim's one line; ``scope``: what the check covers;
    ``build(variant)`` returns the :class:`Reading` of ``"as_written"`` or of a control's variant.
    """

    declaration: str
    expected: str
    statement: str
    scope: Any
    build: Callable[[str], Reading]
    controls: tuple[Variant, ...]

    @property
    def variants(self) -> tuple[str, ...]:
        """``"as_written"`` and the name of every control variant."""
        return ("as_written",) + tuple(v.name for v in self.controls)


def audit_spec(declaration: str, *, expected: str, statement: str, scope, controls) -> Callable:
    """Decorator: ``build(variant) -> Reading`` becomes the :class:`AuditSpec` of ``declaration``.

    The decorated name is bound to the spec; a reader module lists its specs in ``SPECS``.
    """
    from lejepa_verify.theory.claims import Control
    from lejepa_verify.theory.lean.sources import declaration as lookup

    lookup(declaration)
    if expected not in CLASSIFICATIONS[:3]:
        raise ValueError(f"expected must be one of {CLASSIFICATIONS[:3]}, got {expected!r}")
    controls = tuple(controls)
    if not controls:
        raise ValueError(f"the audit of {declaration!r} needs at least one control variant")
    for v in controls:  # the kind vocabulary is the claims'
        Control(statement=v.statement, kwargs={"variant": v.name}, kind=v.kind)

    def decorate(build: Callable[[str], Reading]) -> AuditSpec:
        return AuditSpec(declaration=declaration, expected=expected, statement=statement, scope=scope,
                         build=build, controls=controls)

    return decorate
