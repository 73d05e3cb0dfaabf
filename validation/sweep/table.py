"""``collect``: every record below a folder as one table, one row per run.

Columns: ``run_id``, ``status``, ``sweep`` (the sweeps whose manifests list the run, joined
by ``;``), ``error`` (its first line), the config fields (a mapping field such as
``latent_params`` becomes ``latent_params.alpha`` ...), the metrics, and ``wall_time`` and
``seconds`` (the trainer's and the sweep worker's timing). The metrics of a finished run are
the fields of its :class:`~lejepa_verify.validation.run_metrics.RunMetrics` as
``RunMetrics.table_row`` spells them (``bound``, ``bound_se``, ``bound_ci_low``, …); those of
a failed or diverged run are its recorded scalars (``diverged_at_step``, ``loss``). A metric
whose name is also a config field gets the prefix ``metric.``. Curves stay in the JSON records.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any, Iterable, Mapping

from lejepa_verify.validation.io import atomic_write_text
from lejepa_verify.validation.sweep import store

LEAD_COLUMNS = ("run_id", "status", "sweep", "error")


def _flat(prefix: str, value: Any, out: dict) -> None:
    if isinstance(value, Mapping):
        for k, v in value.items():
            _flat(f"{prefix}.{k}" if prefix else str(k), v, out)
    elif isinstance(value, (list, tuple)):
        # a config tuple (e.g. hidden widths) is one cell; long curves are left out
        if len(value) <= 16 and all(isinstance(v, (int, float, str, bool)) or v is None for v in value):
            out[prefix] = json.dumps(list(value))
    else:
        out[prefix] = value


def _scalar(value: Any) -> Any:
    if isinstance(value, str) and value in ("nan", "inf", "-inf"):
        return float(value)
    return value


def record_row(rec: Mapping[str, Any], sweeps: Iterable[str] = ()) -> dict:
    """One table row from one record."""
    row: dict[str, Any] = {
        "run_id": rec["run_id"],
        "status": rec["status"],
        "sweep": ";".join(sorted(set(sweeps))),
        "error": (rec.get("error") or "").splitlines()[0] if rec.get("error") else "",
    }
    config: dict = {}
    _flat("", rec.get("config", {}), config)
    row.update(config)
    metrics: dict = {}
    raw = rec.get("metrics") or {}
    if rec["status"] == store.OK and "r2_hz" in raw:
        from dataclasses import fields

        from lejepa_verify.validation.run_metrics import RunMetrics

        known = {f.name for f in fields(RunMetrics)}
        try:
            metrics = RunMetrics.from_dict(raw).table_row()
        except (TypeError, ValueError) as exc:
            # the sweep stored the run as ok: its row shows the metrics as stored, and says which are not numbers
            bad = [f"{k}={v!r}" for k, v in raw.items() if isinstance(v, str) and v not in ("nan", "inf", "-inf")]
            row["error"] = f"metrics that are not numbers: {', '.join(bad) or exc}"
            store.log.warning("collect: run %s: %s; its row shows them as stored", rec["run_id"], row["error"])
            known = set()
        # a metric this version does not know (a newer version wrote it) is kept as a column
        _flat("", {k: v for k, v in raw.items() if k not in known}, metrics)
    else:
        _flat("", raw, metrics)
    for k, v in metrics.items():
        row[f"metric.{k}" if k in row else k] = _scalar(v)
    if isinstance(rec.get("wall_time"), (int, float)):
        row["wall_time"] = rec["wall_time"]
    sweep_meta = rec.get("sweep") or {}
    if isinstance(sweep_meta.get("seconds"), (int, float)):
        row["seconds"] = sweep_meta["seconds"]
    return row


def records_frame(records: Iterable[Mapping[str, Any]], sweeps: Mapping[str, list[str]] | None = None):
    """A DataFrame with one row per record (see the module docstring for the columns)."""
    import pandas as pd

    sweeps = sweeps or {}
    rows = [record_row(r, sweeps.get(r["run_id"], ())) for r in records]
    if not rows:
        return pd.DataFrame(columns=list(LEAD_COLUMNS))
    df = pd.DataFrame(rows)
    lead = [c for c in LEAD_COLUMNS if c in df.columns]
    return df[lead + [c for c in df.columns if c not in lead]]


def _manifest_index(root: Path) -> dict[str, list[str]]:
    """run_id -> names of the sweeps whose manifests (below ``root``) list it."""
    index: dict[str, list[str]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        if Path(dirpath).name != store.MANIFESTS_DIR:
            continue
        for f in filenames:
            if not f.endswith(".json") or f.startswith("."):
                continue
            try:
                data = json.loads((Path(dirpath) / f).read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError):
                continue
            name = data.get("name")
            for run in data.get("runs", []):
                rid = run.get("run_id")
                if rid and name and name not in index.setdefault(rid, []):
                    index[rid].append(name)
    return index


def _finished(rec: Mapping[str, Any]) -> float:
    value = (rec.get("sweep") or {}).get("finished")
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else 0.0


def collect(root: str | os.PathLike, *, sweep: str | None = None):
    """Every run record below ``root`` as a pandas DataFrame, one row per run.

    Records are found in any ``runs/`` folder below ``root`` (hidden folders skipped). One run
    stored in two places (the same run id) gives one row: an ``ok`` record wins over a failed
    one, then the most recently finished. ``sweep`` keeps only the runs a sweep of that name
    listed. ``ValueError`` when ``root`` is not a folder. A file in ``runs/`` that is not a usable
    record is left out of the table and said in one line (``store.read_or_quarantine``).
    """
    root = Path(root)
    if not root.is_dir():
        raise ValueError(f"dir {str(root)!r} is not a folder")
    best: dict[str, dict] = {}
    for path in store.iter_record_paths(root):
        # a file that is not a usable record is quarantined or skipped, and said (store module)
        rec = store.read_or_quarantine(path)
        if rec is None:
            continue
        rid = rec["run_id"]
        old = best.get(rid)
        if old is None or ((rec["status"] == store.OK, _finished(rec)) > (old["status"] == store.OK, _finished(old))):
            best[rid] = rec
    index = _manifest_index(root)
    if sweep is not None:
        names = sorted({n for ns in index.values() for n in ns})
        if sweep not in names:
            raise ValueError(f"unknown sweep {sweep!r} in {str(root)!r}; sweeps found: {', '.join(names) or '(none)'}")
        best = {rid: rec for rid, rec in best.items() if sweep in index.get(rid, [])}
    return records_frame(sorted(best.values(), key=lambda r: r["run_id"]), index)


def write_csv(df, path: str | os.PathLike) -> Path:
    """Write a collected table as CSV, atomically."""
    return atomic_write_text(path, df.to_csv(index=False))
