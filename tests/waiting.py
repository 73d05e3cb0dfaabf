"""Waiting for events, not for the clock: a test goes on when what it waits for has happened.

A loaded machine makes everything slower, so a fixed timeout that races a process turns a test
red for no fault of the code. Here a wait ends when its event happens (a file appears, a line
arrives on a pipe, a process ends) or when the process that should cause it has ended without
it (a failure, said with that process's output). :data:`HANG_GUARD` only stops a test that
would otherwise hang forever; no verdict depends on it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from typing import Callable

from lejepa_verify.validation.sweep.worker import process_alive

#: seconds after which a wait gives up: only a hung process gets there, never a slow one
HANG_GUARD = 600.0
POLL = 0.02


def wait_for(event: Callable[[], bool], what: str, *, proc: subprocess.Popen | None = None,
             alive: Callable[[], bool] | None = None, poll: float = POLL) -> None:
    """Return once ``event()`` is true.

    Fails when ``proc`` (or ``alive()``) shows that the process meant to cause the event has
    ended without it, and after :data:`HANG_GUARD` seconds as a guard against a hang. ``poll``:
    seconds between two looks (longer where a look costs, e.g. a query of a daemon).
    """
    start = time.monotonic()
    while not event():
        if proc is not None and proc.poll() is not None:
            if event():  # it happened just before the process ended
                return
            out, err = proc.communicate()
            raise AssertionError(f"{what}: the process ended (exit {proc.returncode}) before it happened\n"
                                 f"{out or ''}{err or ''}")
        if alive is not None and not alive():
            if event():
                return
            raise AssertionError(f"{what}: the process that should cause it is gone")
        if time.monotonic() - start > HANG_GUARD:
            raise AssertionError(f"{what}: not after {HANG_GUARD:.0f} s (hang guard)")
        time.sleep(poll)


def wait_until_gone(pids, what: str) -> None:
    """Return once none of ``pids`` runs (each is a process state: running, or ended)."""
    pids = set(pids)
    wait_for(lambda: not any(process_alive(p) for p in pids), what)


def interrupt_when(cmd: list[str], event: Callable[[subprocess.Popen], bool], *, env: dict | None = None):
    """Start ``cmd`` in its own process group, wait for ``event(proc)``, then SIGINT the whole
    group as a terminal's Ctrl-C would (child processes get it too). Returns ``(rc, stdout, stderr)``."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", **(env or {})}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env=env)
    try:
        wait_for(lambda: event(proc), "the point to interrupt", proc=proc)
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=HANG_GUARD)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc.returncode, out, err
