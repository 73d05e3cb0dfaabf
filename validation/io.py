"""Writing to disk so that nothing is ever half-written: temporary file in the same folder, then rename."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable


def ensure_writable_dir(path: str | os.PathLike, name: str = "out") -> Path:
    """Create ``path`` if needed and prove it writable, before any work starts.

    Raises ``ValueError`` naming the parameter when the folder cannot be created or written.
    """
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-probe-", dir=p)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ValueError(f"{name} directory {str(p)!r} cannot be written: {exc.strerror or exc}") from None
    return p


def _atomic(path: Path, write) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (a temporary file renamed into place); returns the path."""
    return _atomic(Path(path), lambda fh: fh.write(data))


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically; returns the path."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | os.PathLike, obj: Any) -> Path:
    """Write ``obj`` as indented JSON (NaN refused) to ``path`` atomically; returns the path."""
    return atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=False, allow_nan=False) + "\n")


def atomic_save_figure(fig, path_stem: str | os.PathLike, formats: Iterable[str] = ("png", "pdf"), dpi: int = 130) -> list[Path]:
    """Save a matplotlib figure as ``path_stem.<fmt>`` for each format, each file atomically."""
    out = []
    stem = Path(path_stem)
    for fmt in formats:
        target = stem.with_suffix(f".{fmt}")

        def write(fh, fmt=fmt):
            fig.savefig(fh, format=fmt, dpi=dpi, bbox_inches="tight")

        out.append(_atomic(target, write))
    return out
