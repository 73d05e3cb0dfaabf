"""Error bars for a deterministic rule from a sequence of refinements (docs/theory.md §2, numerics).

A quadrature value ``Q_q`` with ``q`` nodes per axis approaches the integral ``I`` at a rate that
depends on the integrand: geometrically (or faster) for an analytic map, like ``q^{−p}`` with a
small ``p`` for a map with a kink or a jump (about ``p = 1/2`` for a jump under a Gauss–Hermite
tensor rule: the node spacing near the origin shrinks like ``1/sqrt(q)``). One difference
``|Q_q − Q_{q'}|`` is therefore no bound: when the error shrinks like ``1/q`` it is a third of
the error, for ``p = 1/2`` a fifth.

:func:`sequence_error` reads three values ``Q_1, Q_2, Q_3`` on rules whose node counts double
(``q/4, q/2, q``) and classifies the sequence by the ratio ``r = |d_2| / |d_1|`` of its
differences ``d_1 = Q_2 − Q_1``, ``d_2 = Q_3 − Q_2``:

* ``|d_2|`` at rounding level: converged; ``error = |d_2| + floor``.
* ``r <= 1/4`` (observed order ``p = log2(1/r) >= 2`` per doubling, the regime of smooth maps):
  resolved; if the ratio persists the remaining error is ``|d_2| r / (1 − r) <= |d_2| / 3``, and
  ``error = |d_2| + floor`` keeps a factor of at least 3 for a ratio that is still falling.
* ``1/4 < r <= r_max`` with ``d_1, d_2`` of one sign: algebraic convergence of order
  ``p = log2(1/r)``; Richardson's tail ``|d_2| r / (1 − r)`` with a safety factor 2 is the
  error, and the result is flagged *unresolved* (a kink or a jump) so that ``auto`` can prefer
  Monte Carlo, whose half-width does not depend on smoothness.
* anything else (ratio near or above 1, or a change of sign): not converging; no error can be
  stood behind (``error = inf``), and callers fall back to another method.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["SequenceError", "sequence_error", "sequence_error_array", "Z95"]

#: two-sided 95 % normal quantile, for Monte Carlo half-widths
Z95 = 1.959963984540054
_FAST_RATIO = 0.25
_MAX_RATIO = 0.9
_SAFETY = 2.0


@dataclass(frozen=True)
class SequenceError:
    """Error of the finest value of a refinement sequence; ``order`` is the observed ``p``."""

    error: float
    resolved: bool
    converging: bool
    order: float
    reason: str

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return asdict(self)


def _floor(scale: float, n_points: int) -> float:
    # rounding of a weighted sum of n_points terms of size ~scale, with room for cancellation
    return 64.0 * np.finfo(float).eps * max(scale, 1e-300) * math.sqrt(max(n_points, 1)) + 1e-300


def sequence_error(values, scale: float | None = None, n_points: int = 1) -> SequenceError:
    """Error bar for ``values[-1]`` from three values on doubling rules (module docstring).

    ``scale``: the size of the integrand's terms (default ``max |values|``); sets the rounding floor.
    """
    v = [float(x) for x in values]
    if len(v) != 3 or not all(math.isfinite(x) for x in v):
        raise ValueError(f"values must be three finite numbers on doubling rules, got {values!r}")
    scale = max(abs(x) for x in v) if scale is None else float(scale)
    floor = _floor(max(scale, 1.0), n_points)
    d1, d2 = v[1] - v[0], v[2] - v[1]
    if abs(d2) <= floor:
        return SequenceError(abs(d2) + floor, True, True, math.inf, "converged to rounding")
    if abs(d1) <= floor:
        # a change after an unchanged step: the rule is not in its asymptotic regime
        return SequenceError(math.inf, False, False, float("nan"),
                             "the finest rule moved after an unchanged step: not converging")
    r = abs(d2) / abs(d1)
    order = math.log2(1.0 / r)
    if r <= _FAST_RATIO:
        return SequenceError(abs(d2) + floor, True, True, order,
                             f"fast convergence (observed order {order:.1f} per doubling)")
    if r <= _MAX_RATIO and d1 * d2 > 0:
        tail = _SAFETY * abs(d2) * r / (1.0 - r)
        return SequenceError(tail + floor, False, True, order,
                             f"slow algebraic convergence (observed order {order:.2f} per doubling: "
                             "a kink or a jump); error by Richardson extrapolation")
    return SequenceError(math.inf, False, False, order,
                         f"not converging (ratio of successive changes {r:.2f}"
                         + (", changes of opposite sign)" if d1 * d2 <= 0 else ")"))


def sequence_error_array(v1, v2, v3, n_points: int = 1):
    """Elementwise :func:`sequence_error` for arrays of equal shape: ``(error, resolved)`` arrays.

    The rounding floor is set by the largest value of the whole array, as the entries are
    projections of one integrand.
    """
    v1, v2, v3 = (np.asarray(x, dtype=float) for x in (v1, v2, v3))
    scale = float(max(np.abs(v1).max(initial=0.0), np.abs(v2).max(initial=0.0), np.abs(v3).max(initial=0.0)))
    err = np.empty(v3.shape)
    ok = np.empty(v3.shape, dtype=bool)
    for idx in np.ndindex(v3.shape):
        s = sequence_error((v1[idx], v2[idx], v3[idx]), scale=scale, n_points=n_points)
        err[idx], ok[idx] = s.error, s.resolved
    return err, ok
