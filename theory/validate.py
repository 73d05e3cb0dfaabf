"""Input validation shared by every layer: a bad argument is a ``ValueError`` naming it.

Messages follow docs/where_to_add.md ("How we write"): the parameter, the value and the allowed range, e.g.
``rho must lie in (0, 1), got 1.3``.
"""

from __future__ import annotations

import math
import numbers
from fractions import Fraction
from typing import Any, Iterable


def check_rho(rho: Any, name: str = "rho") -> Any:
    """``rho`` must be a real number strictly between 0 and 1 (sympy rationals allowed)."""
    # a string such as "0.5" is refused although float() would read it: it is a typed-in
    # number that was never parsed, and accepting it hides the mistake upstream
    if isinstance(rho, (bool, str, bytes)):
        raise ValueError(f"{name} must be a real number in (0, 1), got {rho!r}")
    try:
        value = float(rho)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number in (0, 1), got {rho!r}") from None
    if not math.isfinite(value) or not 0.0 < value < 1.0:
        raise ValueError(f"{name} must lie in (0, 1), got {rho!r}")
    return rho


def check_int(value: Any, name: str, lo: int | None = None, hi: int | None = None) -> int:
    """An integer in ``[lo, hi]``; floats such as 2.0 are refused (a degree is an integer)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        if lo is not None and hi is not None:
            allowed = f"in [{lo}, {hi}]"
        elif lo is not None:
            allowed = f">= {lo}"
        else:
            allowed = f"<= {hi}"
        raise ValueError(f"{name} must be {allowed}, got {value}")
    return value


def check_positive(value: Any, name: str, *, strict: bool = True) -> float:
    """A finite real number ``> 0`` (or ``>= 0`` with ``strict=False``)."""
    if isinstance(value, (bool, str, bytes)):
        raise ValueError(f"{name} must be a positive real number, got {value!r}")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {value!r}") from None
    if not math.isfinite(v) or (v <= 0 if strict else v < 0):
        bound = "> 0" if strict else ">= 0"
        raise ValueError(f"{name} must be finite and {bound}, got {value!r}")
    return v


def check_choice(value: Any, name: str, choices: Iterable[str]) -> str:
    """One of a fixed set of names; the message lists the valid ones."""
    choices = list(choices)
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; valid choices: {', '.join(map(str, choices))}")
    return value


def as_fraction(value: Any, name: str) -> Fraction:
    """An exact rational from an int, a Fraction, a sympy Rational or a decimal string."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be rational, got {value!r}")
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if getattr(value, "is_Rational", False):
        return Fraction(int(value.p), int(value.q))
    if isinstance(value, str):
        try:
            return Fraction(value)
        except ValueError:
            pass
    raise ValueError(f"{name} must be an exact rational (int, Fraction or sympy Rational), got {value!r}")
