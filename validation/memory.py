"""Keep freed tensor buffers in the process instead of handing them back to the OS.

glibc serves every allocation above its mmap threshold (128 KiB at first, adapting up to
32 MiB) with a fresh ``mmap`` and returns it with ``munmap`` when freed, and trims the top of
the heap above ``M_TRIM_THRESHOLD``. A CNN training step allocates and frees the same tens of
megabytes of activations every step (a batch of 512 frames of 64×64 is 8 MB per grey channel,
its first conv stage 33 MB), so each step page-faults its buffers back in from zeroed pages.
On this machine that halved CNN training speed (``benchmarks/bench_pixels.py`` measures it).

:func:`keep_freed_memory` calls ``mallopt(M_MMAP_MAX, 0)`` (every block from the heap, none
mmapped) and ``mallopt(M_TRIM_THRESHOLD, 2**31 − 1)`` (trim only above 2 GiB), through ctypes. The setting
is process-wide and stays on: freed memory is reused by the next step instead of being
returned, so the resident size stays at the peak of one step. On a C library without
``mallopt`` (macOS, musl) it does nothing and says so. Worker processes that must be set up
before start-up can use :data:`MALLOC_ENV` (glibc's ``MALLOC_MMAP_MAX_`` and
``MALLOC_TRIM_THRESHOLD_`` tunables, the same two settings).
"""

from __future__ import annotations

import ctypes
import ctypes.util

M_TRIM_THRESHOLD = -1
M_MMAP_MAX = -4
_TRIM = 2 ** 31 - 1

#: the same settings as environment variables, for processes started from outside
MALLOC_ENV = {"MALLOC_MMAP_MAX_": "0", "MALLOC_TRIM_THRESHOLD_": str(_TRIM)}

_applied: bool | None = None


def keep_freed_memory() -> bool:
    """Apply the two ``mallopt`` settings of the module docstring once; ``True`` when glibc took them."""
    global _applied
    if _applied is not None:
        return _applied
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        _applied = False
        return _applied
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    ok_mmap = mallopt(M_MMAP_MAX, 0) == 1
    ok_trim = mallopt(M_TRIM_THRESHOLD, _TRIM) == 1
    _applied = ok_mmap and ok_trim
    return _applied
