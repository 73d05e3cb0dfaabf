"""The results store: one JSON record per run, named by a stable hash of the run's full config.

Layout of a sweep's output folder::

    OUT/runs/<run_id>.json          one record per finished run (ok, failed or diverged)
    OUT/manifests/<name>-<profile>.json   which runs a sweep asked for, in grid order
    OUT/.sweep/                     submitit's pickles and logs, per-session claim files

``run_id`` is the first 16 hex digits of the SHA-256 of the canonical JSON of
``TrainConfig.to_dict()`` (sorted keys, no spaces, ASCII): the same full config always gets
the same id, on any machine, and any changed field (a seed, a step count, the device) gives
another. Records are written with :func:`validation.io.atomic_write_json` (a temporary file in
the same folder, then a rename), so a record on disk is complete or absent, never half-written.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any, Iterable, Mapping

from lejepa_verify.theory.claims import json_safe
from lejepa_verify.validation.io import atomic_write_json

STORE_VERSION = 1
RUNS_DIR = "runs"
MANIFESTS_DIR = "manifests"
HIDDEN_DIR = ".sweep"
ID_LENGTH = 16

OK = "ok"
FAILED = "failed"
DIVERGED = "diverged"
STATUSES = (OK, FAILED, DIVERGED)
#: statuses that ``retry_failed`` runs again
RETRYABLE = (FAILED, DIVERGED)

#: about the size of one run's record (config, metrics, curves, spectrum), for the free-space check
RECORD_BYTES = 64_000

# a record is renamed into place within milliseconds of its temporary file's creation; a
# temporary file older than this belongs to a writer that was killed, and is removed on resume
STALE_TMP_SECONDS = 60.0


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no whitespace: equal configs give equal strings."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def config_dict(config: Any) -> dict:
    """The full config as plain JSON data (``TrainConfig.to_dict()``, or a mapping as is)."""
    d = config.to_dict() if hasattr(config, "to_dict") else dict(config)
    # a round trip through JSON turns tuples into lists, as they come back from a record
    return json.loads(json.dumps(d, allow_nan=False))


def _without_added_defaults(d: dict) -> dict:
    """A config mapping hashed like its ``TrainConfig`` (``identity_dict``); a mapping that is not a
    TrainConfig (a custom run function's config) is hashed as it is."""
    from lejepa_verify.validation.config import TrainConfig

    try:
        return TrainConfig.from_dict(d).identity_dict()
    except (ValueError, TypeError):
        return d


def run_id(config: Any) -> str:
    """``sha256(canonical_json(config))[:16]``: the stable id of a run. For a ``TrainConfig`` the
    hashed dict is ``identity_dict()`` (fields added later are left out at their defaults)."""
    d = config.identity_dict() if hasattr(config, "identity_dict") else _without_added_defaults(config_dict(config))
    d = json.loads(json.dumps(d, allow_nan=False))
    return hashlib.sha256(canonical_json(d).encode("ascii")).hexdigest()[:ID_LENGTH]


def runs_dir(out: str | os.PathLike) -> Path:
    """The folder of the run records, ``OUT/runs``."""
    return Path(out) / RUNS_DIR


def record_path(out: str | os.PathLike, rid: str) -> Path:
    """Where the record of run ``rid`` is stored: ``OUT/runs/<rid>.json``."""
    return runs_dir(out) / f"{rid}.json"


def read_record(path: str | os.PathLike) -> dict | None:
    """A record, or ``None`` when absent; a file that is not a record is an error, not a skip."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        rec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"record {str(p)!r} is not valid JSON ({exc}); it was not written by this store") from None
    if not isinstance(rec, dict) or rec.get("status") not in STATUSES or "run_id" not in rec:
        raise ValueError(f"record {str(p)!r} lacks run_id/status; it was not written by this store")
    return rec


def load_record(out: str | os.PathLike, rid: str) -> dict | None:
    """The record of run ``rid`` in ``out``, or ``None`` when it has none yet."""
    return read_record(record_path(out, rid))


def write_record(out: str | os.PathLike, record: Mapping[str, Any]) -> Path:
    """Write one record atomically to ``OUT/runs/<run_id>.json``."""
    rec = dict(record)
    if rec.get("status") not in STATUSES:
        raise ValueError(f"record status must be one of {', '.join(STATUSES)}, got {rec.get('status')!r}")
    rid = rec.get("run_id")
    if not isinstance(rid, str) or len(rid) != ID_LENGTH:
        raise ValueError(f"record run_id must be a {ID_LENGTH}-digit hex string, got {rid!r}")
    return atomic_write_json(record_path(out, rid), json_safe(rec))


def iter_record_paths(root: str | os.PathLike) -> Iterable[Path]:
    """Every ``runs/<id>.json`` below ``root``, skipping hidden folders (submitit's logs)."""
    root = Path(root)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        if Path(dirpath).name != RUNS_DIR:
            continue
        for f in sorted(filenames):
            if f.endswith(".json") and not f.startswith("."):
                yield Path(dirpath) / f


def remove_stale_temporaries(out: str | os.PathLike, older_than: float = STALE_TMP_SECONDS) -> list[Path]:
    """Remove temporary files a killed writer left in ``OUT/runs`` (never a finished record)."""
    removed = []
    folder = runs_dir(out)
    if not folder.is_dir():
        return removed
    now = time.time()
    for p in folder.iterdir():
        if p.name.startswith(".") and p.name.endswith(".tmp"):
            try:
                if now - p.stat().st_mtime > older_than:
                    p.unlink()
                    removed.append(p)
            except FileNotFoundError:
                pass
    return removed
