"""The scorecard: every number the paper publishes, ours beside it, and a verdict (issue 22).

An :class:`Entry` is one published number (or one published claim) with its value, its spread
and how it was obtained (the ``kind`` of its table in ``paper_numbers.toml``), what we measured
(:class:`Measurement`: the value, its spread over our runs, and the runs or the computation that
measured it), and a verdict:

``reproduced``
    ours lies within the tolerance of theirs: 3 of their standard deviations (never less than the
    resolution the number is printed to), ±0.03 for a value read off a figure, or the claim holds;
``explained``
    ours differs, and a cause was tested by a stored run, which the entry names (``tested_by``);
``not_reached``
    ours differs and no stored run tested a cause; the entry says by how much;
``not_run``
    nothing in this profile measures it (the entry says what would);
``failed``
    the run that should have measured it failed; the entry keeps its reason.

Numbers the file holds that are not published results (settings, counts of their runs,
pixel-measured readings of raster figures, which are never scored, duplicates kept for
cross-checking) are listed in :attr:`Scorecard.unscored`, each with the reason, so that no number
of the file is silently missing. ``paper_scorecard.json`` is :meth:`Scorecard.to_dict`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping, Sequence

REPRODUCED = "reproduced"
EXPLAINED = "explained"
NOT_REACHED = "not_reached"
NOT_RUN = "not_run"
FAILED = "failed"
VERDICTS = (REPRODUCED, EXPLAINED, NOT_REACHED, NOT_RUN, FAILED)
#: what a value read off a figure by eye is good for (the header of paper_numbers.toml)
FIGURE_TOLERANCE = 0.03
#: the precision of values recovered from a vector figure's path coordinates ("to ~1e-4")
VECTOR_DATA_PRECISION = 1e-4
SCORECARD_NAME = "paper_scorecard.json"
FORMAT = 1


@dataclass(frozen=True)
class Published:
    """One published number or claim.

    Attributes
    ----------
    id : str
        ``table.key[label]``, unique in the scorecard (``scaling.sigreg[n=64]``).
    table, key : str
        Where it is in ``paper_numbers.toml``.
    label : str
        Which entry of the column (``n = 64``), "" for a scalar.
    quantity : str
        What it is, in words.
    kind : str
        How it was obtained (the table's ``kind``; ``page`` for the project page's tables,
        ``figure`` for values read off a raster figure by eye, ``claim`` for a sentence).
    value : float or None
        Their number (``None`` for a claim).
    std : float or None
        Their standard deviation, where they give one.
    tolerance : float
        How far ours may lie from theirs and still reproduce it (0 for a claim).
    rule : str
        How ``tolerance`` was set, or what makes the claim hold.
    note : str
        Which of two conflicting published values this is compared with, and similar.
    """

    id: str
    table: str
    key: str
    label: str
    quantity: str
    kind: str
    value: float | None
    std: float | None
    tolerance: float
    rule: str
    note: str = ""

    @property
    def is_claim(self) -> bool:
        """Whether this is a claim (holds or not) rather than a number."""
        return self.value is None

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"id": self.id, "table": self.table, "key": self.key, "label": self.label,
                "quantity": self.quantity, "kind": self.kind, "value": self.value, "std": self.std,
                "tolerance": self.tolerance, "rule": self.rule, "note": self.note}


def printed_resolution(value: float, decimals: int, truncated: bool = False) -> float:
    """The error a number printed with ``decimals`` decimals carries: half a unit of its last place
    (a full unit when the paper truncates instead of rounding)."""
    return (1.0 if truncated else 0.5) * 10.0 ** (-decimals)


def decimals_of(text_or_value: Any) -> int:
    """Decimals a published number was printed with (from its shortest ``repr``; ``0.0472`` → 4)."""
    s = repr(float(text_or_value))
    if "e" in s:
        mant, exp = s.split("e")
        d = len(mant.split(".")[1].rstrip("0")) if "." in mant else 0
        return max(0, d - int(exp))
    return len(s.split(".")[1].rstrip("0")) if "." in s else 0


def column_decimals(values: Sequence[float]) -> int:
    """Decimals a column was printed with: the most any of its entries needs (a column is printed
    uniformly, and ``0.000`` reads back from TOML as ``0.0``)."""
    return max(decimals_of(v) for v in values)


def number(id: str, table: str, key: str, label: str, quantity: str, kind: str, value: float,
           std: float | None = None, *, decimals: int | None = None, truncated: bool = False,
           resolution: float | None = None, note: str = "") -> Published:
    """A published number with its tolerance set by its kind (module docstring): 3 std (never below
    the printed resolution, from ``decimals``, by default the value's own) where a std is given,
    ±0.03 for a figure read by eye, the printed resolution (or the vector figure's precision)
    otherwise; ``resolution`` gives the printed resolution of a number written in words ("~1.1M")."""
    value = float(value)
    res = resolution if resolution is not None else \
        printed_resolution(value, decimals_of(value) if decimals is None else decimals, truncated)
    if kind == "figure":
        tol, rule = FIGURE_TOLERANCE, "±0.03: read off a figure by eye"
    elif kind == "figure_vector_text":
        tol, rule = FIGURE_TOLERANCE, "±0.03: a mean printed in a figure, no spread given"
    elif kind == "figure_vector_data":
        # recovered from a vector figure's paths to ~1e-4, whatever decimals the file keeps
        tol = max(3.0 * (std or 0.0), VECTOR_DATA_PRECISION)
        rule = (f"3 std = {3 * std:.2g}" if std else "no spread") + (
            f" (raised to the vector figure's precision {VECTOR_DATA_PRECISION:g})" if tol > 3 * (std or 0.0) else "")
    elif std is not None and math.isfinite(std):
        floor = res
        tol = max(3.0 * std, floor)
        rule = f"3 std = {3 * std:.2g}" + (f" (raised to the printed resolution {floor:.1g})" if tol > 3 * std else "")
    else:
        tol, rule = res, f"printed resolution ±{res:.1g} (no spread given)"
    return Published(id, table, key, label, quantity, kind, value, std, tol, rule, note)


def claim(id: str, table: str, key: str, label: str, statement: str, kind: str, rule: str,
          note: str = "") -> Published:
    """A published claim: ``statement`` in words, ``rule`` what we test to say it holds."""
    return Published(id, table, key, label, statement, kind, None, None, 0.0, rule, note)


@dataclass(frozen=True)
class Cause:
    """A cause of a difference and the stored run that tested it.

    Attributes
    ----------
    text : str
        The cause, in one sentence (a setting, a definition, a finding).
    tested_by : dict
        The run that tested it (``Cell.ref()``), or the computation.
    value : float or None
        What that run measured, where it is a number.
    """

    text: str
    tested_by: Mapping[str, Any]
    value: float | None = None

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"text": self.text, "tested_by": dict(self.tested_by), "value": self.value}


@dataclass(frozen=True)
class Measurement:
    """What we measured for one entry.

    Attributes
    ----------
    status : str
        ``measured``, ``not_run`` or ``failed``.
    value : float or None
        Ours (the mean over our runs), or ``None``.
    spread : float or None
        Standard deviation over our runs (ddof 1), where there are several.
    holds : bool or None
        For a claim: whether it holds on our runs.
    runs : tuple[dict, ...]
        The runs (``Cell.ref()``) or the computation (``{"computed": ...}``) that measured it.
    reason : str
        How ours was obtained, or why there is none (not run, failed with ...).
    untested : str
        Known differences from their settings whose effect no stored run tested (``1500 steps
        (theirs 20000)``), for a ``not_reached`` verdict.
    cause : Cause or None
        A tested cause of a difference (an ``explained`` verdict where ours differs).
    """

    status: str
    value: float | None = None
    spread: float | None = None
    holds: bool | None = None
    runs: tuple = ()
    reason: str = ""
    untested: str = ""
    cause: Cause | None = None

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"status": self.status, "value": self.value, "spread": self.spread, "holds": self.holds,
                "runs": [dict(r) for r in self.runs], "reason": self.reason, "untested": self.untested,
                "cause": None if self.cause is None else self.cause.to_dict()}


def not_run(reason: str) -> Measurement:
    """Nothing in this profile measures the entry; ``reason`` says what would."""
    return Measurement("not_run", reason=reason)


def failed(reason: str, runs: Sequence[Mapping[str, Any]] = ()) -> Measurement:
    """The run that should have measured the entry failed (``reason``: its error)."""
    return Measurement("failed", reason=reason, runs=tuple(runs))


def measured(value: float, runs: Sequence[Mapping[str, Any]], *, spread: float | None = None, reason: str = "",
             untested: str = "", cause: Cause | None = None) -> Measurement:
    """A measured number."""
    return Measurement("measured", value=float(value), spread=spread, runs=tuple(runs), reason=reason,
                       untested=untested, cause=cause)


def judged(holds: bool, runs: Sequence[Mapping[str, Any]], *, value: float | None = None, reason: str = "",
           untested: str = "", cause: Cause | None = None) -> Measurement:
    """A claim tested on our runs: whether it ``holds``, with the number that decided it."""
    return Measurement("measured", value=None if value is None else float(value), holds=bool(holds),
                       runs=tuple(runs), reason=reason, untested=untested, cause=cause)


@dataclass(frozen=True)
class Entry:
    """A published number, ours, and the verdict (module docstring)."""

    published: Published
    ours: Measurement
    verdict: str
    why: str

    @property
    def gap(self) -> float | None:
        """Ours minus theirs, where both are numbers."""
        p, o = self.published, self.ours
        if p.value is None or o.value is None or not math.isfinite(o.value):
            return None
        return o.value - p.value

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        p = self.published
        gap = self.gap
        return {**p.to_dict(), "ours": self.ours.to_dict(), "verdict": self.verdict, "why": self.why, "gap": gap,
                "gap_in_std": None if gap is None or not p.std else gap / p.std}


def verdict(published: Published, ours: Measurement) -> Entry:
    """The :class:`Entry` of ``published`` given ``ours`` (the rules of the module docstring)."""
    if ours.status == "failed":
        return Entry(published, ours, FAILED, f"failed: {ours.reason}")
    if ours.status == "not_run":
        return Entry(published, ours, NOT_RUN, ours.reason or "not in this profile")
    if published.is_claim:
        if ours.holds:
            return Entry(published, ours, REPRODUCED, "the claim holds: " + (ours.reason or published.rule))
        base = "the claim does not hold on our runs" + (f": {ours.reason}" if ours.reason else "")
    else:
        value = ours.value if ours.value is not None else math.nan
        gap = value - published.value
        if math.isfinite(gap) and abs(gap) <= published.tolerance:
            return Entry(published, ours, REPRODUCED, f"within {published.rule}")
        if not math.isfinite(gap):
            return Entry(published, ours, NOT_REACHED, "ours is not a finite number" +
                         (f" ({ours.reason})" if ours.reason else ""))
        scale = f" ({abs(gap) / published.std:.3g} std)" if published.std else ""
        base = (f"{'above' if gap > 0 else 'below'} theirs by {abs(gap):.3g}{scale}; tolerance {published.rule}")
    if ours.cause is not None:
        ref = ours.cause.tested_by
        where = ref.get("run_id") or ref.get("computed") or "?"
        return Entry(published, ours, EXPLAINED, f"{base}; cause: {ours.cause.text} (tested by {where})")
    return Entry(published, ours, NOT_REACHED,
                 base + (f"; untested: {ours.untested}" if ours.untested else "; no stored run tested a cause"))


@dataclass(frozen=True)
class Unscored:
    """A number of the file that is not a published result, and why it is not scored."""

    table: str
    key: str
    reason: str

    def to_dict(self) -> dict:
        """The fields (and derived values) as a dict of plain values, for JSON records and the report."""
        return {"table": self.table, "key": self.key, "reason": self.reason}


def package_version() -> str:
    """The installed version of ``lejepa-verify`` (``"not installed"`` for a bare checkout)."""
    try:
        from importlib.metadata import version

        return version("lejepa-verify")
    except Exception:  # noqa: BLE001 - an uninstalled checkout still scores
        return "not installed"


@dataclass(frozen=True)
class Scorecard:
    """Every entry, the unscored numbers, and the header (version, profile, where the numbers came from)."""

    entries: tuple[Entry, ...]
    unscored: tuple[Unscored, ...]
    header: Mapping[str, Any]

    @property
    def counts(self) -> dict:
        """Entries per verdict, ``total``, and ``measured`` (reproduced + explained + not_reached)."""
        c = {v: 0 for v in VERDICTS}
        for e in self.entries:
            c[e.verdict] += 1
        c["total"] = len(self.entries)
        c["measured"] = c[REPRODUCED] + c[EXPLAINED] + c[NOT_REACHED]
        return c

    def counts_text(self) -> str:
        """The counts in one line."""
        c = self.counts
        return (f"{c['total']} published numbers: {c[REPRODUCED]} reproduced, {c[EXPLAINED]} explained, "
                f"{c[NOT_REACHED]} not reached, {c[NOT_RUN]} not run" + (f", {c[FAILED]} failed" if c[FAILED] else ""))

    def to_dict(self) -> dict:
        """The JSON form: ``format``, ``header``, ``counts``, ``entries``, ``unscored``."""
        return {"format": FORMAT, "header": dict(self.header), "counts": self.counts,
                "entries": [e.to_dict() for e in self.entries], "unscored": [u.to_dict() for u in self.unscored]}

    def write(self, folder: Path) -> Path:
        """Write ``folder/paper_scorecard.json`` atomically.

        Paths inside ``folder`` (the stores of the runs, the header's ``out``) are written relative
        to it, so a folder that is moved or copied elsewhere still says where its runs are."""
        from lejepa_verify.theory.claims import json_safe
        from lejepa_verify.validation.io import atomic_write_json

        data = self.to_dict()
        data["header"]["out"] = portable_path(data["header"].get("out", "."), folder)
        for entry in data["entries"]:
            cause = entry["ours"]["cause"]
            for ref in [*entry["ours"]["runs"], *([cause["tested_by"]] if cause else [])]:
                if "store" in ref:
                    ref["store"] = portable_path(ref["store"], folder)
        return atomic_write_json(Path(folder) / SCORECARD_NAME, json_safe(data))


def portable_path(path: str | Path, root: str | Path) -> str:
    """``path`` relative to ``root`` (POSIX separators, ``"."`` for ``root`` itself) when it lies
    inside ``root``; otherwise ``path`` unchanged."""
    p, r = Path(path), Path(root)
    try:
        rel = p.resolve().relative_to(r.resolve())
    except (ValueError, OSError):
        return str(path)
    return rel.as_posix() or "."


def make_header(profile: str, *, out: Path, numbers_path: str, command: str, applied: Sequence[str] = ()) -> dict:
    """The header of a scorecard written now: package version, profile, command, date, sources."""
    return {"package_version": package_version(), "profile": profile, "command": command,
            "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "out": str(out),
            "published_numbers": numbers_path, "overrides": list(applied)}


def read_scorecard(path: Path) -> dict:
    """A ``paper_scorecard.json`` as written (``ValueError`` naming the file when it is not one)."""
    from lejepa_verify.validation.io import read_json_file

    p, data = read_json_file(path, SCORECARD_NAME, "scorecard")
    if not isinstance(data, dict) or not isinstance(data.get("header"), dict) or not isinstance(data.get("entries"), list) \
            or not isinstance(data.get("counts"), dict):
        raise ValueError(f"{str(p)!r} is not a scorecard (no header, counts or entries)")
    return data


def provenance(data: Mapping[str, Any], *, version: str | None = None, profile: str | None = None) -> str:
    """One sentence on where a scorecard comes from, saying so when its version or profile differs
    from ``version`` (default: this package's) or ``profile``."""
    h = data.get("header", {})
    version = package_version() if version is None else version
    text = (f"Scorecard written by lejepa-verify {h.get('package_version', '?')}, profile `{h.get('profile', '?')}`, "
            f"{h.get('generated', '?')} (`{h.get('command', '?')}`).")
    if h.get("package_version") != version:
        text += f" **It comes from another version** (this is {version}): its numbers may differ from a new run."
    if profile is not None and h.get("profile") != profile:
        text += f" **It comes from another profile** (`{h.get('profile')}`, not `{profile}`)."
    return text


def markdown_table(card: Scorecard, *, verdicts: Sequence[str] = VERDICTS, limit: int | None = None) -> list[str]:
    """The scorecard as markdown rows (entries with a verdict in ``verdicts``, at most ``limit``)."""
    from lejepa_verify.validation.paper.text import fmt_value

    rows = ["| published number | theirs | ours | run | verdict | why |", "|---|---|---|---|---|---|"]
    shown = [e for e in card.entries if e.verdict in verdicts]
    for e in shown[:limit]:
        p, o = e.published, e.ours
        theirs = "claim: " + p.quantity if p.is_claim else fmt_value(p.value, p.std)
        if o.status != "measured":
            ours = "—"
        elif p.is_claim:
            ours = ("holds" if o.holds else "does not hold") + ("" if o.value is None else f" ({o.value:.4g})")
        else:
            ours = fmt_value(o.value, o.spread)
        run = _run_text(o)
        label = f"`{p.id}`" if p.is_claim else f"`{p.id}`: {p.quantity}"
        rows.append(f"| {label} | {theirs} | {ours} | {run} | {e.verdict} | {_cell(e.why)} |")
    if limit is not None and len(shown) > limit:
        rows.append(f"| … {len(shown) - limit} more in `{SCORECARD_NAME}` | | | | | |")
    return rows


def _run_text(o: Measurement) -> str:
    if not o.runs:
        return "—"
    r = o.runs[0]
    if "computed" in r:
        return "computed"
    more = f" +{len(o.runs) - 1}" if len(o.runs) > 1 else ""
    wall = f", {r['wall_time']:.0f} s" if isinstance(r.get("wall_time"), (int, float)) else ""
    return f"`{r.get('run_id', '?')}`{more} ({r.get('steps', '?')} steps{wall})"


def _cell(text: str) -> str:
    return text.replace("|", "/").replace("\n", " ")


def with_header(card: Scorecard, **header) -> Scorecard:
    """``card`` with ``header`` entries added or replaced."""
    return replace(card, header={**card.header, **header})
