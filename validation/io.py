"""Writing to disk so that nothing is ever half-written: temporary file in the same folder, then rename.

Three things every writer of this package shares:

* files get the permissions a plain ``open(path, "w")`` would give them (``0o666`` less the
  umask), not the ``0o600`` of :func:`tempfile.mkstemp`, so a report is readable by whoever
  may read the folder;
* a full file system (``ENOSPC``, ``EDQUOT``) raises :class:`OutOfSpace`, naming the folder,
  the bytes the write needed (where known) and the bytes free, so the CLI can say it in one
  line; the temporary file is removed and the target is left as it was;
* :func:`folder_lock` lets one process at a time work in a folder (``fcntl.flock``, released
  by the kernel when the holder exits, even after ``kill -9``).
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator

# the bytes the writability probe writes: a folder that cannot take this much cannot take a record
PROBE_BYTES = 4096
_FULL = (errno.ENOSPC, errno.EDQUOT)


def human_bytes(n: float | None) -> str:
    """A byte count in decimal units (``"12.3 MB"``); ``"unknown"`` for ``None``."""
    if n is None:
        return "unknown"
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(n) < 1000 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000.0
    return f"{n:.1f} TB"


def free_bytes(folder: str | os.PathLike) -> int | None:
    """Bytes an unprivileged writer may still use on the file system of ``folder`` (None if unknown)."""
    try:
        st = os.statvfs(folder)
    except OSError:
        return None
    return int(st.f_bavail) * int(st.f_frsize)


class OutOfSpace(OSError):
    """A write failed because the file system of ``folder`` is full.

    ``needed``: bytes the failed write wanted (None when unknown); ``free``: bytes free then.
    An ``OSError`` with ``errno.ENOSPC``, so code that handles OSErrors keeps working.
    """

    def __init__(self, folder: str, needed: int | None = None, free: int | None = None):
        self.folder = str(folder)
        self.needed = needed
        self.free = free
        need = f"about {human_bytes(needed)} needed, " if needed is not None else ""
        super().__init__(errno.ENOSPC, f"no space left on the device of {self.folder!r} "
                                       f"({need}{human_bytes(free)} free)")

    def __reduce__(self):
        # raised in worker processes and unpickled in the sweep: keep the fields
        return (OutOfSpace, (self.folder, self.needed, self.free))

    def __str__(self) -> str:
        return self.strerror


def _umask() -> int:
    """The process umask, read without changing it where Linux allows (``/proc/self/status``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    # elsewhere the only way to read it is to set it; put it straight back
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def ensure_writable_dir(path: str | os.PathLike, name: str = "out", *, needed: int | None = None) -> Path:
    """Create ``path`` if needed and prove it writable, before any work starts.

    The probe writes :data:`PROBE_BYTES` bytes (an empty file would fit on a full disk).
    ``needed``: bytes the command expects to write; fewer free bytes is refused up front.
    Raises ``ValueError`` naming the parameter when the folder cannot be created or written,
    or lacks the space.
    """
    p = Path(path)
    # mkdir would say only "File exists" (or "Not a directory" for a file further up)
    existing = next((q for q in (p, *p.parents) if q.exists()), None)
    if existing is not None and not existing.is_dir():
        where = "is a file" if existing == p else f"lies inside {str(existing)!r}, which is a file"
        raise ValueError(f"{name} directory {str(p)!r} {where}, not a folder; choose a folder")
    created = [q for q in (p, *p.parents) if not q.exists()]
    try:
        try:
            p.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=".write-probe-", dir=p)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(b"\0" * PROBE_BYTES)
                    fh.flush()
                    os.fsync(fh.fileno())
            finally:
                os.unlink(probe)
        except OSError as exc:
            if exc.errno in _FULL:
                raise ValueError(f"{name} directory {str(p)!r} is full ({human_bytes(free_bytes(p))} free"
                                 + (f", this needs about {human_bytes(needed)}" if needed else "")
                                 + "); free some space or choose another folder") from None
            raise ValueError(f"{name} directory {str(p)!r} cannot be written: {exc.strerror or exc}") from None
        free = free_bytes(p)
        if needed is not None and free is not None and free < needed:
            raise ValueError(f"{name} directory {str(p)!r} has {human_bytes(free)} free, but this needs about "
                             f"{human_bytes(needed)}; free some space or choose another folder")
    except ValueError:
        # a refused folder is not left behind: remove what this call created, deepest first
        for q in created:
            try:
                q.rmdir()
            except OSError:
                break
        raise
    return p


def _atomic(path: Path, write, size: int | None = None) -> Path:
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        if exc.errno in _FULL:
            raise OutOfSpace(str(path.parent), size, free_bytes(path.parent)) from None
        raise
    try:
        # mkstemp makes the file 0600; a file written with open() would get 0666 less the umask
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError) and not isinstance(exc, OutOfSpace) and exc.errno in _FULL:
            raise OutOfSpace(str(path.parent), size, free_bytes(path.parent)) from None
        raise
    return path


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (a temporary file renamed into place); returns the path."""
    return _atomic(Path(path), lambda fh: fh.write(data), len(data))


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically; returns the path."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_json(path: str | os.PathLike, obj: Any) -> Path:
    """Write ``obj`` as indented JSON (NaN refused) to ``path`` atomically; returns the path."""
    return atomic_write_text(path, json.dumps(obj, indent=2, sort_keys=False, allow_nan=False) + "\n")


def read_json_file(path: str | os.PathLike, file_name: str, what: str) -> tuple[Path, Any]:
    """``(file, parsed JSON)`` of ``path``, or of ``path / file_name`` when ``path`` is a folder.

    A missing or unreadable file is a ``ValueError`` that names it and says it should hold
    ``what`` (``"run record"``, ``"scorecard"``).
    """
    p = Path(path)
    if p.is_dir():
        p = p / file_name
    try:
        return p, json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"no {what} at {str(p)!r}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{str(p)!r} is not a readable {what}: {exc}") from None


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


class FolderBusy(ValueError):
    """Another process holds the lock of a folder (see :func:`folder_lock`)."""


@contextmanager
def folder_lock(lock_file: str | os.PathLike, what: str, folder: str | os.PathLike) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``lock_file`` while the block runs, or refuse at once.

    ``what`` names the work (``"sweep"``), ``folder`` the folder it protects, for the message.
    The lock file keeps the holder's pid, host and start time; it stays behind (an unlocked
    lock file means nothing), and the kernel drops the lock when its holder exits in any way.
    Raises :class:`FolderBusy` (a ``ValueError``) when another process holds it.
    """
    lock_file = Path(lock_file)
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown"
            raise FolderBusy(f"another {what} is already working in {str(folder)!r} ({holder}); wait for it "
                             f"to finish, then run this command again, or choose another folder") from None
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()}, since "
                          f"{time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode(), 0)
        except OSError:
            pass  # who holds it is only for the message; a full disk must not stop the lock
        yield
    finally:
        os.close(fd)
