"""The claim: the unit of verification (docs/where_to_add.md, "How a claim is verified").

A claim couples one line of mathematics with a ``check`` that computes evidence for it. The
check is a function whose keyword defaults state the *true* statement; the claim's negative
control calls the **same** function with a deliberately false variant (``control`` keyword
arguments: a wrong exponent, a wrong gap, a non-Gaussian law called Gaussian). A claim is
verified when the check passes and the control is rejected: a check that cannot fail is a
defect, and the control is how the package shows that it can.

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


@dataclass(frozen=True)
class Claim:
    """A statement of docs/theory.md with its check and negative control.

    ``check(**{})`` checks the statement; ``check(**control)`` checks the false variant
    described by ``control_statement`` and must come out ``passed=False``.
    ``axioms`` names the authors' Lean axioms (docs/theory.md §6) whose content the claim checks.
    ``scope`` (required) says whether the check is a proof for every case or a check of stated
    instances; a claim without one is refused.
    """

    id: str
    statement: str
    source: str
    layer: str
    check: Callable[..., Evidence]
    control: Mapping[str, Any]
    control_statement: str
    axioms: tuple[str, ...] = ()
    slow: bool = False
    scope: Scope | None = None

    def __post_init__(self) -> None:
        if self.layer not in LAYERS:
            raise ValueError(f"layer must be one of {LAYERS}, got {self.layer!r}")
        if not isinstance(self.scope, Scope):
            raise ValueError(f"claim {self.id!r} has no scope (scope must be proof(...) or instances(...), "
                             f"got {self.scope!r})")
        if not self.control:
            raise ValueError(f"claim {self.id!r} has no negative control (control must be non-empty)")
        from lejepa_verify.theory.axioms import check_axiom_names

        check_axiom_names(self.axioms)


@dataclass(frozen=True)
class ClaimResult:
    """The outcome of running a claim and its negative control."""

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

    @property
    def verified(self) -> bool:
        """Verified: the check passed, the negative control was rejected, and nothing raised."""
        return self.passed and self.control_rejected and self.error is None

    @property
    def verdict(self) -> str:
        """``ERROR`` if the check raised, else ``FAIL`` if it failed, else ``CONTROL ACCEPTED`` if the control passed, else ``pass``."""
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
    control: Mapping[str, Any],
    control_statement: str,
    axioms: tuple[str, ...] = (),
    slow: bool = False,
    scope: Scope | None = None,
) -> Callable[[Callable[..., Evidence]], Callable[..., Evidence]]:
    """Decorator registering ``fn`` as the check of a claim; returns ``fn`` unchanged.

    >>> @claim("demo/one", statement="1 = 1", source="none", layer="theory",
    ...        control={"value": 2}, control_statement="1 = 2", scope=instances("the one case"))
    ... def _check(value=1):
    ...     return Evidence(passed=(value == 1), numbers={"value": value})
    """

    def decorate(fn: Callable[..., Evidence]) -> Callable[..., Evidence]:
        register(
            Claim(
                id=id,
                statement=statement,
                source=source,
                layer=layer,
                check=fn,
                control=dict(control),
                control_statement=control_statement,
                axioms=tuple(axioms),
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
    """Run a claim's check and its negative control; an exception is an error, never a pass."""
    start = time.perf_counter()
    evidence: Evidence | None = None
    control: Evidence | None = None
    error = None
    try:
        evidence = c.check()
        control = c.check(**c.control)
        if not isinstance(evidence, Evidence) or not isinstance(control, Evidence):
            raise TypeError(f"check of {c.id!r} must return Evidence")
    except Exception as exc:  # noqa: BLE001 - a failing check is reported, not raised
        error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
    seconds = time.perf_counter() - start
    return ClaimResult(
        id=c.id,
        statement=c.statement,
        source=c.source,
        layer=c.layer,
        passed=bool(evidence is not None and evidence.passed and error is None),
        control_rejected=bool(control is not None and not control.passed and error is None),
        evidence=evidence.to_dict() if evidence is not None else {},
        control_evidence=control.to_dict() if control is not None else {},
        control_statement=c.control_statement,
        axioms=c.axioms,
        seconds=seconds,
        error=error,
        scope=c.scope,
    )
