"""The claim: the unit of verification (docs/where_to_add.md, "How a claim is verified").

A claim couples one line of mathematics with a ``check`` that computes evidence for it. The
check is a function whose keyword defaults state the *true* statement; each of the claim's
negative controls calls the **same** function with a deliberately false variant (a
:class:`Control`: keyword arguments, the false statement and which mistake it makes: a wrong
exponent, a wrong constant, a dropped term, a weakened hypothesis, a non-Gaussian law called
Gaussian). A claim is verified when the check passes and *every* control is rejected: a check
that cannot fail is a defect, and the controls are how the package shows that it can tell the
statement from the mistakes a person would plausibly make. A claim also names the declarations
of the authors' Lean files it checks (``lean``).

Each layer registers its claims with the :func:`claim` decorator in modules under
``<layer>/checks/``; the registry here only holds them. Loading the modules of the higher
layers is the job of the layer that runs them (``validation``), so data keeps flowing one way.
"""

from __future__ import annotations

import math
import time
import traceback
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Callable, Mapping

LAYERS = ("theory", "numerics", "validation")


def json_safe(value: Any) -> Any:
    """Turn evidence or a record into something JSON can hold without this package.

    Non-finite floats become their strings ("nan", "inf"); numpy arrays and scalars, sympy
    numbers and Fractions become plain numbers or exact strings; anything else its ``str``.
    """
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    # numpy scalars and arrays, sympy numbers: prefer an exact or float rendering
    if hasattr(value, "tolist"):
        return json_safe(value.tolist())
    try:
        if getattr(value, "is_Rational", False) and not getattr(value, "is_Integer", False):
            return str(value)
        if getattr(value, "is_Integer", False):
            return int(value)
        as_float = float(value)
        return as_float if math.isfinite(as_float) else str(as_float)
    except (TypeError, ValueError):
        return str(value)


@dataclass(frozen=True)
class Evidence:
    """What a check found: the verdict, the numbers that decided it and the tolerance used.

    ``tolerance`` is ``None`` for exact (symbolic, rational) checks. ``fields`` are named
    results a reader looks up directly (an audit's ``axiom``, ``classification`` and
    ``counter_model``; a proof's steps): they appear at the top level of :meth:`to_dict`.
    """

    passed: bool
    numbers: Mapping[str, Any] = field(default_factory=dict)
    tolerance: float | None = None
    detail: str = ""
    fields: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        clash = {"passed", "numbers", "tolerance", "detail"} & set(self.fields)
        if clash:
            raise ValueError(f"evidence fields must not reuse the names {sorted(clash)}")

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {
            "passed": bool(self.passed),
            "numbers": json_safe(dict(self.numbers)),
            "tolerance": self.tolerance,
            "detail": self.detail,
            **json_safe(dict(self.fields)),
        }


SCOPE_KINDS = ("proof", "instances")


@dataclass(frozen=True)
class Scope:
    """How far a claim's check reaches (docs/where_to_add.md, "How a claim is verified").

    ``kind="proof"``: a symbolic argument covers every case the statement quantifies over;
    ``text`` says what it covers ("all d >= 0", "all n, all multi-indices"). ``kind="instances"``:
    the check decides stated instances only; ``text`` says which ("d <= 12", "15 random
    matrices") and, where a proof for all cases is out of reach, why.
    """

    kind: str
    text: str

    def __post_init__(self) -> None:
        if self.kind not in SCOPE_KINDS:
            raise ValueError(f"scope kind must be one of {SCOPE_KINDS}, got {self.kind!r}")
        if not isinstance(self.text, str) or not self.text.strip():
            raise ValueError(f"scope text must be a non-empty string, got {self.text!r}")

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"kind": self.kind, ("covers" if self.kind == "proof" else "checked"): self.text}

    def __str__(self) -> str:
        return f"{self.kind}: {self.text}"


def proof(covers: str) -> Scope:
    """Scope of a claim decided by a symbolic argument for every case in ``covers``."""
    return Scope("proof", covers)


def instances(checked: str) -> Scope:
    """Scope of a claim decided on the stated instances ``checked`` only."""
    return Scope("instances", checked)


#: What kind of deliberate mistake a negative control makes (docs/where_to_add.md, "How a claim is
#: verified"): each control of a claim says which one, so a reader sees what the check can tell apart.
CONTROL_KINDS = (
    "wrong exponent",
    "wrong constant",
    "dropped term",
    "added term",
    "dropped hypothesis",
    "weakened hypothesis",
    "strengthened conclusion",
    "non-Gaussian called Gaussian",
    "Gaussian called non-Gaussian",
    "mislabelled case",
    "wrong object",
    "wrong classification",
    "repaired statement",
    "unspecified",
)


@dataclass(frozen=True)
class Control:
    """One negative control: a deliberately false (or, for an audit, repaired) variant of a claim.

    ``kwargs`` are passed to the claim's ``check``; the variant ``statement`` says in one line
    what it asserts, ``kind`` which mistake it makes (:data:`CONTROL_KINDS`). The check run on
    it must come out ``passed=False``.
    """

    statement: str
    kwargs: Mapping[str, Any]
    kind: str = "unspecified"

    def __post_init__(self) -> None:
        if self.kind not in CONTROL_KINDS:
            raise ValueError(f"control kind must be one of {CONTROL_KINDS}, got {self.kind!r}")
        if not isinstance(self.statement, str) or not self.statement.strip():
            raise ValueError(f"control statement must be a non-empty string, got {self.statement!r}")
        if not isinstance(self.kwargs, Mapping) or not self.kwargs:
            raise ValueError(f"control {self.statement!r} must change at least one argument of the check, "
                             f"got {self.kwargs!r}")
        object.__setattr__(self, "kwargs", dict(self.kwargs))

    def to_dict(self) -> dict:
        """The fields as a dict of plain values, for JSON records and the report."""
        return {"kind": self.kind, "statement": self.statement, "kwargs": json_safe(dict(self.kwargs))}


def control(kind: str, statement: str, /, **kwargs) -> Control:
    """A negative control of ``kind`` asserting ``statement``, run as ``check(**kwargs)``.

    >>> control("wrong constant", "1 = 2", value=2).kind
    'wrong constant'
    """
    return Control(statement=statement, kwargs=kwargs, kind=kind)


def _lean_names(names) -> tuple[str, ...]:
    from lejepa_verify.theory.lean.sources import check_declaration_names

    return check_declaration_names(names)


@dataclass(frozen=True)
class Claim:
    """A statement of docs/theory.md with its check and its negative controls.

    ``check(**{})`` checks the statement; ``check(**c.kwargs)`` checks the deliberately false
    variant of each control ``c`` in ``controls`` and must come out ``passed=False``.
    ``lean`` names the declarations of the authors' Lean files (axioms and theorems,
    :data:`theory.lean.sources.DECLARATIONS`) whose content the claim checks; ``axioms`` is the
    part of ``lean`` that is an axiom on the authors' main branch. ``scope`` (required) says
    whether the check is a proof for every case or a check of stated instances; a claim without
    a scope or without a control is refused.
    """

    id: str
    statement: str
    source: str
    layer: str
    check: Callable[..., Evidence]
    controls: tuple[Control, ...]
    lean: tuple[str, ...] = ()
    slow: bool = False
    scope: Scope | None = None

    def __post_init__(self) -> None:
        if self.layer not in LAYERS:
            raise ValueError(f"layer must be one of {LAYERS}, got {self.layer!r}")
        if not isinstance(self.scope, Scope):
            raise ValueError(f"claim {self.id!r} has no scope (scope must be proof(...) or instances(...), "
                             f"got {self.scope!r})")
        controls = tuple(self.controls)
        if not controls or not all(isinstance(c, Control) for c in controls):
            raise ValueError(f"claim {self.id!r} has no negative control (controls must be a non-empty tuple "
                             f"of Control, got {self.controls!r})")
        object.__setattr__(self, "controls", controls)
        object.__setattr__(self, "lean", _lean_names(self.lean))

    @property
    def control(self) -> Mapping[str, Any]:
        """The arguments of the first control (what a single-control reader runs)."""
        return self.controls[0].kwargs

    @property
    def control_statement(self) -> str:
        """The statements of every control, numbered when there are several."""
        return control_statements(self.controls)

    @property
    def axioms(self) -> tuple[str, ...]:
        """The names in ``lean`` that are axioms on the authors' main branch."""
        from lejepa_verify.theory.lean.sources import LEAN_AXIOMS

        return tuple(n for n in self.lean if n in LEAN_AXIOMS)


def control_statements(controls) -> str:
    """``"(1) …; (2) …"`` for several controls, the bare statement for one."""
    controls = tuple(controls)
    if len(controls) == 1:
        return controls[0].statement
    return "; ".join(f"({i}) {c.statement}" for i, c in enumerate(controls, 1))


@dataclass(frozen=True)
class ControlOutcome:
    """One control run through the claim's check: ``rejected`` when the check came out failed."""

    kind: str
    statement: str
    rejected: bool
    evidence: Mapping[str, Any]

    def to_dict(self) -> dict:
        """The fields as a dict of plain values, for JSON records and the report."""
        return {"kind": self.kind, "statement": self.statement, "rejected": bool(self.rejected),
                "evidence": json_safe(dict(self.evidence))}


@dataclass(frozen=True)
class ClaimResult:
    """The outcome of running a claim and its negative controls.

    ``control_rejected`` is true only when every control was rejected; ``controls`` holds each
    control's outcome; ``control_evidence`` is the evidence of the first control that was *not*
    rejected (the one a reader must look at), else of the first control.
    """

    id: str
    statement: str
    source: str
    layer: str
    passed: bool
    control_rejected: bool
    evidence: Mapping[str, Any]
    control_evidence: Mapping[str, Any]
    control_statement: str
    axioms: tuple[str, ...]
    seconds: float
    error: str | None = None
    scope: Scope | None = None
    lean: tuple[str, ...] = ()
    controls: tuple[ControlOutcome, ...] = ()

    @property
    def verified(self) -> bool:
        """Verified: the check passed, every negative control was rejected, and nothing raised."""
        return self.passed and self.control_rejected and self.error is None

    @property
    def verdict(self) -> str:
        """``ERROR`` if the check raised, else ``FAIL`` if it failed, else ``CONTROL ACCEPTED`` if a control passed, else ``pass``."""
        if self.error is not None:
            return "ERROR"
        if not self.passed:
            return "FAIL"
        if not self.control_rejected:
            return "CONTROL ACCEPTED"
        return "pass"

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {
            "id": self.id,
            "statement": self.statement,
            "source": self.source,
            "layer": self.layer,
            "passed": bool(self.passed),
            "control_rejected": bool(self.control_rejected),
            "verdict": self.verdict,
            "evidence": json_safe(dict(self.evidence)),
            "control_statement": self.control_statement,
            "control_evidence": json_safe(dict(self.control_evidence)),
            "controls": [c.to_dict() for c in self.controls],
            "lean": list(self.lean),
            "axioms": list(self.axioms),
            "scope": self.scope.to_dict() if self.scope is not None else None,
            "seconds": round(self.seconds, 4),
            "error": self.error,
        }


_REGISTRY: dict[str, Claim] = {}


def register(c: Claim) -> Claim:
    """Add a claim to the registry; ids are unique across all layers."""
    existing = _REGISTRY.get(c.id)
    if existing is not None and existing.check is not c.check:
        raise ValueError(f"claim id {c.id!r} is registered twice")
    _REGISTRY[c.id] = c
    return c


def claim(
    id: str,
    *,
    statement: str,
    source: str,
    layer: str,
    controls: tuple[Control, ...] = (),
    control: Mapping[str, Any] | None = None,
    control_statement: str | None = None,
    lean: tuple[str, ...] = (),
    axioms: tuple[str, ...] = (),
    slow: bool = False,
    scope: Scope | None = None,
) -> Callable[[Callable[..., Evidence]], Callable[..., Evidence]]:
    """Decorator registering ``fn`` as the check of a claim; returns ``fn`` unchanged.

    Controls are given as ``controls=(control(kind, statement, **kwargs), ...)``; the older
    single ``control=`` (kwargs) with ``control_statement=`` is read as one more control.
    ``lean`` names the authors' Lean declarations the claim checks; ``axioms=`` is read as part
    of ``lean``.

    >>> @claim("demo/one", statement="1 = 1", source="none", layer="theory",
    ...        controls=(control("wrong constant", "1 = 2", value=2),), scope=instances("the one case"))
    ... def _check(value=1):
    ...     return Evidence(passed=(value == 1), numbers={"value": value})
    """
    all_controls = tuple(controls)
    if control is not None or control_statement is not None:
        if control is None or control_statement is None:
            raise ValueError(f"claim {id!r}: control and control_statement go together")
        all_controls = (Control(statement=control_statement, kwargs=control),) + all_controls
    names = tuple(dict.fromkeys(tuple(axioms) + tuple(lean)))

    def decorate(fn: Callable[..., Evidence]) -> Callable[..., Evidence]:
        register(
            Claim(
                id=id,
                statement=statement,
                source=source,
                layer=layer,
                check=fn,
                controls=all_controls,
                lean=names,
                slow=slow,
                scope=scope,
            )
        )
        return fn

    return decorate


def registered(layer: str | None = None) -> list[Claim]:
    """The claims registered so far, in registration order, optionally of one layer."""
    if layer is not None and layer not in LAYERS:
        raise ValueError(f"layer must be one of {LAYERS}, got {layer!r}")
    return [c for c in _REGISTRY.values() if layer is None or c.layer == layer]


def run_claim(c: Claim) -> ClaimResult:
    """Run a claim's check and each of its negative controls; an exception is an error, never a pass."""
    start = time.perf_counter()
    evidence: Evidence | None = None
    outcomes: list[ControlOutcome] = []
    error = None
    try:
        evidence = c.check()
        if not isinstance(evidence, Evidence):
            raise TypeError(f"check of {c.id!r} must return Evidence")
        for ctl in c.controls:
            ev = c.check(**ctl.kwargs)
            if not isinstance(ev, Evidence):
                raise TypeError(f"check of {c.id!r} must return Evidence (control {ctl.statement!r})")
            outcomes.append(ControlOutcome(kind=ctl.kind, statement=ctl.statement, rejected=not ev.passed,
                                           evidence=ev.to_dict()))
    except Exception as exc:  # noqa: BLE001 - a failing check is reported, not raised
        error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
    seconds = time.perf_counter() - start
    if not isinstance(evidence, Evidence):
        evidence = None
    ran_all = error is None and len(outcomes) == len(c.controls)
    shown = next((o for o in outcomes if not o.rejected), outcomes[0] if outcomes else None)
    return ClaimResult(
        id=c.id,
        statement=c.statement,
        source=c.source,
        layer=c.layer,
        passed=bool(evidence is not None and evidence.passed and error is None),
        control_rejected=bool(ran_all and all(o.rejected for o in outcomes)),
        evidence=evidence.to_dict() if evidence is not None else {},
        control_evidence=dict(shown.evidence) if shown is not None else {},
        control_statement=c.control_statement,
        axioms=c.axioms,
        seconds=seconds,
        error=error,
        scope=c.scope,
        lean=c.lean,
        controls=tuple(outcomes),
    )
