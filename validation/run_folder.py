"""A run's folder holds one run: written in one step, after the run, or not at all.

``train(config, out=DIR)`` writes ``DIR/record.json`` and, when asked, ``arrays.npz`` and
``weights.pt`` (and ``candidates/<k>/`` for best-of-K). Nothing is written while the run
trains: :meth:`RunFolder.prepare` only checks, before any work, that ``DIR`` can be made and
written (and is not a file) and that its file system has room, and creates nothing, so a run
interrupted at any moment leaves no folder behind. :meth:`RunFolder.commit` stages the new
files in a hidden folder inside ``DIR``, removes the old record first (so a folder never shows
an old record beside new files), then what an earlier run left (its ``arrays.npz``,
``weights.pt``, ``candidates/``), moves the new companions in and the new record last. A folder
is therefore either without a record, or holds a record with exactly that run's files.
Other files in ``DIR`` are left alone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterable, Mapping

from lejepa_verify.validation.io import OutOfSpace, free_bytes, human_bytes
from lejepa_verify.validation.record import ARRAYS_NAME, CANDIDATES_DIR, RECORD_NAME, WEIGHTS_NAME, RunRecord

#: what a run writes into its folder, and so what a new run replaces there
MANAGED = (RECORD_NAME, ARRAYS_NAME, WEIGHTS_NAME, CANDIDATES_DIR)


class RunFolder:
    """The folder ``path`` a run will be written to (module docstring)."""

    def __init__(self, path: Path):
        self.path = path

    @classmethod
    def prepare(cls, out, *, needed: int = 0, name: str = "out") -> "RunFolder":
        """Check, creating nothing, that ``out`` can hold a run of about ``needed`` bytes."""
        path = Path(out)
        if path.exists() and not path.is_dir():
            raise ValueError(f"{name} {str(path)!r} is a file, not a folder; give a folder for the run's record")
        probe = path
        while not probe.exists():
            if probe.parent == probe:
                break
            probe = probe.parent
        if not probe.is_dir():
            raise ValueError(f"{name} {str(path)!r} cannot be created: {str(probe)!r} is a file")
        if not os.access(probe, os.W_OK | os.X_OK):
            raise ValueError(f"{name} folder {str(path)!r} cannot be written: {str(probe)!r} is not writable")
        free = free_bytes(probe)
        if free is not None and needed and free < needed:
            raise ValueError(f"{name} directory {str(path)!r} has {human_bytes(free)} free, but this needs about "
                             f"{human_bytes(needed)}; free some space or choose another folder")
        return cls(path)

    def commit(self, record: RunRecord, *, files: Mapping[str, bytes] | None = None,
               candidates: Iterable[tuple[int, RunRecord, Mapping[str, bytes]]] = ()) -> Path:
        """Write ``record`` with ``files`` (name → bytes) and the candidates' folders, replacing
        whatever run the folder held (module docstring). Returns the record's path."""
        created = not self.path.exists()
        self.path.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.path))
        try:
            _write_run(staging, record, files or {})
            cands = list(candidates)
            for k, rec, cfiles in cands:
                _write_run(staging / CANDIDATES_DIR / str(k), rec, cfiles)
            # the old record goes first: from here on the folder shows no run until the new record lands
            _remove(self.path / RECORD_NAME)
            for entry in MANAGED[1:]:
                _remove(self.path / entry)
            for entry in MANAGED[1:]:
                if (staging / entry).exists():
                    os.replace(staging / entry, self.path / entry)
            os.replace(staging / RECORD_NAME, self.path / RECORD_NAME)
        except BaseException as exc:
            shutil.rmtree(staging, ignore_errors=True)
            if created:
                shutil.rmtree(self.path, ignore_errors=True)
            if isinstance(exc, OSError) and not isinstance(exc, OutOfSpace) and exc.errno in (28, 122):
                raise OutOfSpace(str(self.path), None, free_bytes(self.path.parent)) from None
            raise
        shutil.rmtree(staging, ignore_errors=True)
        return self.path / RECORD_NAME


def _write_run(folder: Path, record: RunRecord, files: Mapping[str, bytes]) -> None:
    import json

    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    (folder / RECORD_NAME).write_text(json.dumps(record.to_dict(), indent=2, allow_nan=False) + "\n",
                                      encoding="utf-8")


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
