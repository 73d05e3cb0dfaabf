"""Formatting shared by the paper tables: numbers, ``value ± spread``, a run's cell."""

from __future__ import annotations

import math


def fmt(x, digits: int = 6) -> str:
    """``x`` with ``digits`` decimals; a dash for a missing or non-finite value."""
    return "—" if not isinstance(x, (int, float)) or isinstance(x, bool) or not math.isfinite(x) else f"{x:.{digits}f}"


def plus_minus(value: float, spread: float) -> str:
    """``value ± spread`` with ``spread`` to one significant digit and ``value`` to the same decimal place."""
    if not (isinstance(spread, (int, float)) and math.isfinite(spread) and spread > 0):
        return f"{value:.4g}"
    place = max(0, -math.floor(math.log10(spread)))
    return f"{value:.{place}f} ± {spread:.{place}f}"


def fmt_value(value, spread=None) -> str:
    """A number, with ``± spread`` (two significant digits) when a finite positive spread is given."""
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return "—"
    text = f"{value:.6g}"
    if isinstance(spread, (int, float)) and math.isfinite(spread) and spread > 0:
        text += f" ± {spread:.2g}"
    return text


def cell_text(c, metric: str = "r2_hz", digits: int = 6, spec: str | None = None) -> str:
    """The metric ``metric`` of a finished run (``digits`` decimals, or the format ``spec``), else
    why there is no value (a :class:`~.runs.Cell`, or ``None`` for a run the profile does not list)."""
    if c is None:
        return "not in this profile"
    if c.ok:
        v = c.metric(metric)
        return fmt(v, digits) if spec is None or not math.isfinite(v) else format(v, spec)
    reason = c.reason if c.status != "not run" else ""
    return c.status + (f" ({reason[:80]})" if reason else "")


def pair_text(a, b, metric: str) -> str:
    """``metric`` of two runs as ``a / b`` with three significant digits."""
    return f"{cell_text(a, metric, spec='.3g')} / {cell_text(b, metric, spec='.3g')}"


def walls(*runs) -> str:
    """The runs' wall times in seconds, ``a / b``, a dash for a run without one."""
    return " / ".join(fmt(c.wall_time, 0) if c is not None and c.wall_time else "—" for c in runs)
