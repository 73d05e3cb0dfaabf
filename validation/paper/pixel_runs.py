"""What the report's pixel section left under ``DIR/pixels``: its summary and its runs' records.

Read by the paper's Reacher table (:mod:`lejepa_verify.validation.paper.reacher`) and by the evidence the scorecard is
measured from (:mod:`.runs`); the pixel section writes ``SUMMARY_NAME`` there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

PIXELS_DIR = "pixels"
SUMMARY_NAME = "summary.json"
SUMMARY_ROW_KEYS = ("name", "kind", "param", "steps", "r2_hz", "plan_median", "plan_quartiles")


def ou_name(rho: float) -> str:
    """The pixel section's name of its OU run at ``rho``."""
    return f"ou_rho{rho:g}"


def traj_name(lag: int) -> str:
    """The pixel section's name of its trajectory run at ``lag``."""
    return f"traj_lag{int(lag)}"


@dataclass(frozen=True)
class PixelRuns:
    """What the pixel section left under ``DIR/pixels``.

    Attributes
    ----------
    summary : dict or None
        ``summary.json`` when it could be read.
    why : str
        Why it could not ("" when it could).
    rows : dict[str, dict]
        The summary's rows by run name.
    records : dict[str, RunRecord]
        The records of the runs in ``DIR/pixels/<name>/``, by name, where readable.
    where : Path
        The folder.
    """

    summary: Mapping[str, Any] | None
    why: str
    rows: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    records: Mapping[str, Any] = field(default_factory=dict)
    where: Path = Path(".")

    def ref(self, name: str) -> dict:
        """The scorecard's reference to the pixel run ``name``."""
        rec = self.records.get(name)
        row = self.rows.get(name, {})
        return {"sweep": "pixels (report section)", "store": str(self.where / name), "run_id": name,
                "status": rec.status if rec is not None else "ok", "steps": row.get("steps"),
                "wall_time": None if rec is None else rec.wall_time, "profile": (self.summary or {}).get("profile")}


def read_pixel_summary(out: Path) -> tuple[dict | None, str]:
    """The pixel section's ``summary.json`` under ``out`` and ``""``, or ``None`` and why it is unusable."""
    where = Path(out) / PIXELS_DIR / SUMMARY_NAME
    try:
        summary = json.loads(where.read_text())
        rows = summary["runs"]
        if not isinstance(summary.get("profile"), str) or not isinstance(rows, list):
            raise ValueError("no profile or runs")
        for row in rows:
            missing = [k for k in SUMMARY_ROW_KEYS if k not in row]
            if missing:
                raise ValueError(f"a run lacks {', '.join(missing)}")
    except FileNotFoundError:
        return None, f"not run: the report's pixel section writes `{where}`"
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return None, f"unreadable `{where}` ({type(exc).__name__}: {exc})"
    return summary, ""


def read_pixel_runs(out: Path) -> PixelRuns:
    """:class:`PixelRuns` of ``out`` (a report folder)."""
    from lejepa_verify.validation.record import RunRecord

    summary, why = read_pixel_summary(out)
    rows = {row["name"]: row for row in summary["runs"]} if summary else {}
    records = {}
    for name in rows:
        try:
            records[name] = RunRecord.read(Path(out) / PIXELS_DIR / name)
        except ValueError:
            pass   # the summary's numbers still stand; R²(z→h) of this run is then not available
    return PixelRuns(summary, why, rows, records, Path(out) / PIXELS_DIR)
