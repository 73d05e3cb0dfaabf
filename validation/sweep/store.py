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

A file in ``runs/`` named like a record that is not one this store would use (not valid JSON,
no ``run_id``/``status``/``config``, a ``run_id`` that is not its file name, or a config that
does not give its ``run_id``: edited after the run) is *quarantined* by :func:`load_record`:
moved to ``OUT/runs/.quarantine/`` and said in one line (a ``logging`` warning, shown on
stderr when nothing else is configured), so its run counts as never run and a sweep runs it
again. A ``.json`` file not named like a record is left alone and skipped with a note.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
from pathlib import Path
from typing import Any, Iterable, Mapping

from lejepa_verify.theory.claims import json_safe
from lejepa_verify.validation.io import atomic_write_json

STORE_VERSION = 1
RUNS_DIR = "runs"
MANIFESTS_DIR = "manifests"
HIDDEN_DIR = ".sweep"
QUARANTINE_DIR = ".quarantine"
ID_LENGTH = 16
_RECORD_NAME = re.compile(rf"[0-9a-f]{{{ID_LENGTH}}}\.json")

log = logging.getLogger(__name__)

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


class NotARecord(ValueError):
    """A file in ``runs/`` that this store cannot use as a run's record (the message says why)."""


def is_record_name(name: str) -> bool:
    """Whether a file name is that of a record, ``<run_id>.json``."""
    return _RECORD_NAME.fullmatch(name) is not None


def read_record(path: str | os.PathLike) -> dict | None:
    """A record, or ``None`` when absent. :class:`NotARecord` (a ``ValueError``) for a file that
    is not a complete record of this store: not valid JSON, no ``run_id``, ``status`` or
    ``config``, a ``run_id`` other than the file's name, or a config that gives another run id."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:
        raise NotARecord(f"record {str(p)!r} is not UTF-8 text ({exc.reason})") from None
    try:
        rec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotARecord(f"record {str(p)!r} is not valid JSON ({exc}); it was not written by this store") from None
    if not isinstance(rec, dict) or rec.get("status") not in STATUSES or not isinstance(rec.get("run_id"), str) \
            or not isinstance(rec.get("config"), dict):
        raise NotARecord(f"record {str(p)!r} lacks run_id/status/config; it was not written by this store")
    rid = rec["run_id"]
    if is_record_name(p.name) and p.stem != rid:
        raise NotARecord(f"record {str(p)!r} holds run {rid}, not the run its name says")
    try:
        config_id = run_id(rec["config"])
    except (TypeError, ValueError) as exc:  # e.g. a NaN, which canonical JSON cannot hold
        raise NotARecord(f"record {str(p)!r}: its config cannot be hashed ({exc})") from None
    if config_id != rid:
        raise NotARecord(f"record {str(p)!r}: its config gives run id {config_id}, not {rid} "
                         "(the record was edited after its run)")
    return rec


def quarantine(path: str | os.PathLike, reason: str) -> Path | None:
    """Move ``path`` to ``.quarantine/`` beside it and say so; returns where it went (``None``
    when it was gone already, or could not be moved: it is then left where it is, and said so)."""
    p = Path(path)
    folder = p.parent / QUARANTINE_DIR
    target = folder / p.name
    k = 0
    while target.exists():
        k += 1
        target = folder / f"{p.name}.{k}"
    try:
        folder.mkdir(exist_ok=True)
        os.replace(p, target)
    except FileNotFoundError:
        return None  # another process moved or replaced it: nothing left to quarantine
    except OSError as exc:
        log.warning("store: %s; it could not be moved aside (%s) and is skipped", reason, exc.strerror or exc)
        return None
    log.warning("store: %s; moved it to %s: its run counts as not run, and a sweep runs it again", reason, target)
    return target


def read_or_quarantine(path: str | os.PathLike) -> dict | None:
    """The record at ``path``; ``None`` when absent, when it is not a record (quarantined, see
    :func:`quarantine`) or when its name is not a record's (left alone, skipped with a note)."""
    p = Path(path)
    if not is_record_name(p.name):
        log.warning("store: skipped %s: not a record's name (<16 hex digits>.json); move it out of %s/",
                    p, RUNS_DIR)
        return None
    try:
        return read_record(p)
    except NotARecord as exc:
        quarantine(p, str(exc))
        return None


def load_record(out: str | os.PathLike, rid: str) -> dict | None:
    """The record of run ``rid`` in ``out``, or ``None`` when it has none yet (or had one that is
    not a usable record: it is quarantined, see the module docstring)."""
    return read_or_quarantine(record_path(out, rid))


def write_record(out: str | os.PathLike, record: Mapping[str, Any]) -> Path:
    """Write one record atomically to ``OUT/runs/<run_id>.json``."""
    rec = dict(record)
    if rec.get("status") not in STATUSES:
        raise ValueError(f"record status must be one of {', '.join(STATUSES)}, got {rec.get('status')!r}")
    rid = rec.get("run_id")
    if not isinstance(rid, str) or len(rid) != ID_LENGTH:
        raise ValueError(f"record run_id must be a {ID_LENGTH}-digit hex string, got {rid!r}")
    return atomic_write_json(record_path(out, rid), json_safe(rec))


def is_store(folder: str | os.PathLike) -> bool:
    """Whether ``folder`` is a store: it has a ``manifests/`` or ``.sweep/`` folder, or a record in ``runs/``."""
    folder = Path(folder)
    if (folder / MANIFESTS_DIR).is_dir() or (folder / HIDDEN_DIR).is_dir():
        return True
    runs = folder / RUNS_DIR
    return runs.is_dir() and any(is_record_name(p.name) for p in runs.iterdir())


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
