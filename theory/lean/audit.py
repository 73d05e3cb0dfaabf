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

:func:`audit` returns the classification:

- ``inconsistent``: a candidate satisfies every hypothesis and falsifies the conclusion. From
  the axiom applied to it Lean derives ``False``.
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
        reason = ("a counter-model satisfies every hypothesis and falsifies the conclusion, so Lean "
                  "derives False from the axiom applied to it")
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
    return AxiomAudit(axiom=reading.axiom, variant=reading.variant, classification=cls, reason=reason,
                      counter_model=counter, candidates_searched=searched, satisfying_hypotheses=satisfying,
                      undecided_evaluations=undecided, restates=restates, argument=argument)
