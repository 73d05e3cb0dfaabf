"""What the CLI and store tests share: a tiny run's settings, the CLI as a subprocess, and checks
of what a user sees (one error line, standard JSON)."""

import json
import sys
from pathlib import Path

from lejepa_verify.validation import io as vio

#: a real training run of a few steps on a tiny MLP
TINY = {"steps": 5, "eval_every": 5, "eval_size": 64, "n_bootstrap": 0, "spectrum_degree": 0, "width": 8,
        "depth": 1, "n_slices": 4}
CLI = [sys.executable, "-m", "lejepa_verify.validation.cli"]


def strict_json(text: str):
    """json.loads that refuses NaN / Infinity, which Python's json accepts and standard JSON does not."""
    def refuse(name):
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


def one_error_line(stderr: str) -> str:
    """The one non-empty line of ``stderr``; fails on a traceback or on more lines."""
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert "Traceback" not in stderr, stderr
    assert len(lines) == 1, stderr
    return lines[0]


def sweep_file(path: Path, name: str, settings: dict, seeds) -> Path:
    """A TOML sweep file: ``settings`` fixed, one axis of seeds."""
    path.write_text(f"name = {json.dumps(name)}\n[fixed]\n"
                    + "".join(f"{k} = {json.dumps(v)}\n" for k, v in settings.items())
                    + f"[axes]\nseed = {json.dumps(list(seeds))}\n")
    return path


def fill(folder: Path, leave: int) -> None:
    """Fill the file system of ``folder`` until about ``leave`` bytes are free."""
    free = vio.free_bytes(folder)
    with open(folder / "filler", "wb") as fh:
        fh.write(b"\0" * max(0, free - leave))


#: ``python -c HELD_SWEEP GATE ARGS...``: ``lejepa-verify ARGS`` whose sweeps run a stand-in for
#: the trainer that holds each run until the file ``GATE/release`` appears, except the first run
#: to start when ``GATE/one`` exists (it finishes at once). A test then acts at a known state of
#: the sweep (one record in, the other workers busy), whatever the machine's load.
HELD_SWEEP = '''
import functools, os, sys, time
from pathlib import Path

import lejepa_verify.validation.sweep as sweep_package
from lejepa_verify.validation.cli import main

GATE = Path(sys.argv[1])


def held(config):
    try:
        if (GATE / "one").exists():
            os.close(os.open(GATE / "first", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            return {"metrics": {"r2_hz": 1.0}}
    except FileExistsError:
        pass
    while not (GATE / "release").exists():
        time.sleep(0.05)
    return {"metrics": {"r2_hz": 1.0}}


sweep_package.run_sweep = functools.partial(sweep_package.run_sweep, runner=held)
sys.exit(main(sys.argv[2:]))
'''


#: ``python -c STARTED_CLI MARKER COMMAND ARGS...``: ``lejepa-verify COMMAND ARGS...`` that creates
#: the file MARKER when the command's own work begins (its ``run``, after the arguments are
#: parsed): the event a test interrupts at, whatever the machine's load.
STARTED_CLI = '''
import sys
from pathlib import Path

from lejepa_verify.validation import cli
from lejepa_verify.validation.commands import {command} as command

real = command.run


def run(args):
    Path(sys.argv[1]).touch()
    return real(args)


command.run = run
sys.exit(cli.main(sys.argv[2:]))
'''


def started_cli(marker: Path, command: str, *args: str) -> list[str]:
    """The argv of ``lejepa-verify command args...`` that creates ``marker`` when its work begins."""
    return [sys.executable, "-c", STARTED_CLI.replace("{command}", command), str(marker), command, *args]
