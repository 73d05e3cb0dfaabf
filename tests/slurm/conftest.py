"""The ``slurm_cluster`` fixture: a real single-node SLURM on localhost for the whole session.

Needs root (munged, slurmd) and the Debian packages, which it installs when they are missing
(``apt-get install --no-install-recommends``, as ``.ci/run`` does first); without root, or
when they cannot be installed, every test that uses it is skipped with the reason.
"""

import os
import subprocess

import pytest

from tests.slurm import cluster as slurm


@pytest.fixture(scope="session")
def slurm_cluster():
    if os.geteuid() != 0:
        pytest.skip("a local SLURM cluster needs root (munged and slurmd run as root)")
    if slurm.missing_binaries():
        why = slurm.install_packages()
        if why is not None or slurm.missing_binaries():
            pytest.skip(f"SLURM packages missing ({', '.join(slurm.missing_binaries())}) and not installable: {why}")
    try:
        c = slurm.start()
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        pytest.fail(f"the local SLURM cluster did not start: {exc}")
    try:
        yield c
    finally:
        c.run("scancel", "--full", "-u", "root")
        c.stop()


@pytest.fixture
def slurm_env(slurm_cluster, monkeypatch):
    """The cluster's client environment in this process, and an empty queue after the test."""
    for key in ("SLURM_CONF", "PATH"):
        monkeypatch.setenv(key, slurm_cluster.env[key])
    yield slurm_cluster
    slurm_cluster.run("scancel", "-u", "root")
    wait_queue_empty(slurm_cluster)


def wait_queue_empty(c) -> None:
    """Return once the queue is empty (an event; tests.waiting's guard only stops a hang)."""
    from tests.waiting import wait_for

    def empty() -> bool:
        done = c.run("squeue", "-h", "-o", "%i")
        return done.returncode == 0 and not done.stdout.strip()

    try:
        wait_for(empty, "the SLURM queue to empty", poll=0.5)
    except AssertionError as exc:
        raise AssertionError(f"{exc}: {c.run('squeue').stdout}") from None
