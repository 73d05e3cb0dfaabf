"""A throw-away single-node SLURM cluster on localhost, for the tests of ``--backend slurm``.

Five daemons from the Debian packages, each started directly (there is no systemd here) with
its own configuration, socket, log and pid file in one temporary folder, and stopped by pid in
reverse order: munged (its own key and socket), mariadbd (a fresh data folder, 127.0.0.1 only),
slurmdbd (accounting: without it ``sacct`` fails and submitit never sees a cancelled job end),
slurmctld and slurmd. Facts this layout rests on, measured on Debian 12 with SLURM 22.05:

* ``SlurmctldHost`` must be ``hostname -s``; the node is that name with ``NodeAddr=127.0.0.1``;
* munged refuses a socket folder that is not mode 755;
* with a munge socket other than the default, the clients need ``AuthInfo=socket=...`` and
  slurmctld's accounting connection ``AccountingStoragePass=<socket>``;
* ``KillWait=2``: submitit's job wrapper ignores SIGTERM, and the default 30 s would hold the
  node that long after every ``scancel``;
* ``ProctrackType=proctrack/linuxproc`` and ``TaskPlugin=task/none`` need no cgroups.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PACKAGES = ("slurmctld", "slurmd", "slurm-client", "munge", "slurmdbd", "mariadb-server")
BINARIES = ("munged", "mariadbd", "mariadb-install-db", "slurmdbd", "slurmctld", "slurmd", "sbatch", "sacct",
            "scancel", "squeue", "sinfo")
SBIN = ("/usr/sbin", "/sbin")


def which(name: str) -> str | None:
    path = os.environ.get("PATH", "") + os.pathsep + os.pathsep.join(SBIN)
    return shutil.which(name, path=path)


def missing_binaries() -> list[str]:
    return [b for b in BINARIES if which(b) is None]


def install_packages(timeout: float = 600) -> str | None:
    """Install the Debian packages (root only); None on success, else why it failed."""
    if shutil.which("apt-get") is None:
        return "apt-get not found"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    cmd = ["apt-get", "install", "-y", "--no-install-recommends", *PACKAGES]
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    if done.returncode != 0:
        # a fresh machine has no package lists yet
        subprocess.run(["apt-get", "update"], capture_output=True, text=True, env=env, timeout=timeout)
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    if done.returncode != 0:
        return f"apt-get install failed: {done.stderr.strip().splitlines()[-1:] or done.returncode}"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Cluster:
    """A running cluster: ``env`` is what a client process needs (``SLURM_CONF``)."""

    root: Path
    ports: dict[str, int]
    env: dict[str, str]
    procs: list[tuple[str, subprocess.Popen, Path]] = field(default_factory=list)

    def log(self, name: str) -> str:
        p = self.root / "log" / f"{name}.log"
        return p.read_text(errors="replace") if p.exists() else ""

    def run(self, *cmd: str, timeout: float = 30) -> subprocess.CompletedProcess:
        return subprocess.run([which(cmd[0]) or cmd[0], *cmd[1:]], capture_output=True, text=True,
                              env=self.env, timeout=timeout)

    def stop(self) -> None:
        """Stop the daemons by pid, in the reverse order of their start."""
        for name, proc, pid_file in reversed(self.procs):
            pid = proc.pid
            try:
                pid = int(pid_file.read_text().split()[0])
            except (OSError, ValueError, IndexError):
                pass
            for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    break
                try:
                    proc.wait(timeout=wait) if pid == proc.pid else _wait_gone(pid, wait)
                    break
                except subprocess.TimeoutExpired:
                    continue
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.procs.clear()


def _wait_gone(pid: int, timeout: float) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise subprocess.TimeoutExpired(str(pid), timeout)


def _wait(what: str, ready, proc: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.time() + timeout
    while not ready():
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}:\n{_tail(log)}")
        if time.time() > deadline:
            raise RuntimeError(f"{what} not ready after {timeout:.0f} s:\n{_tail(log)}")
        time.sleep(0.1)


def _tail(log: Path, n: int = 25) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return "(no log)"


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def start(cpus: int | None = None, ports: dict[str, int] | None = None, timeout: float = 600) -> Cluster:
    """Bring the cluster up; ``ports`` may fix ``mysql``, ``slurmdbd``, ``slurmctld``, ``slurmd``.

    Each daemon is waited for until it answers, or fails when it exits; ``timeout`` only guards
    against a daemon that hangs (a loaded machine starts them slowly, never wrongly)."""
    root = Path(tempfile.mkdtemp(prefix="lejepa-slurm-"))
    root.chmod(0o755)
    for sub in ("etc", "log", "run", "munge", "state", "spool", "db"):
        (root / sub).mkdir()
        (root / sub).chmod(0o755)
    ports = {name: (ports or {}).get(name) or free_port() for name in ("mysql", "slurmdbd", "slurmctld", "slurmd")}
    host = socket.gethostname().split(".")[0]
    cpus = cpus or os.cpu_count() or 1
    munge_socket = root / "munge" / "munge.socket"
    etc, log, run = root / "etc", root / "log", root / "run"
    env = {**os.environ, "SLURM_CONF": str(etc / "slurm.conf")}
    env["PATH"] = env.get("PATH", "") + os.pathsep + os.pathsep.join(SBIN)
    cluster = Cluster(root=root, ports=ports, env=env)

    def launch(name: str, cmd: list[str], pid_file: Path) -> subprocess.Popen:
        out = open(log / f"{name}.out", "wb")
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        out.close()
        cluster.procs.append((name, proc, pid_file))
        return proc

    try:
        # munge: its own key, socket, pid and seed file
        key = root / "munge" / "munge.key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o400)
        pid = run / "munged.pid"
        proc = launch("munged", [which("munged"), "-F", "--force", f"--key-file={key}", f"--socket={munge_socket}",
                                 f"--pid-file={pid}", f"--log-file={log / 'munged.log'}",
                                 f"--seed-file={root / 'munge' / 'munged.seed'}"], pid)
        _wait("munged", munge_socket.exists, proc, log / "munged.log", timeout)

        # mariadb: a throw-away data folder, TCP on 127.0.0.1 only, no grant tables (no passwords)
        datadir = root / "db" / "data"
        done = subprocess.run([which("mariadb-install-db"), f"--datadir={datadir}", "--user=root",
                               "--auth-root-authentication-method=normal", "--skip-test-db"],
                              capture_output=True, text=True, env=env, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"mariadb-install-db failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        pid = run / "mariadbd.pid"
        proc = launch("mariadbd", [which("mariadbd"), "--no-defaults", f"--datadir={datadir}", "--user=root",
                                   "--bind-address=127.0.0.1", f"--port={ports['mysql']}",
                                   f"--socket={root / 'db' / 'mysql.sock'}", f"--pid-file={pid}",
                                   "--skip-grant-tables", f"--log-error={log / 'mariadbd.log'}"], pid)
        _wait("mariadbd", lambda: _port_open(ports["mysql"]), proc, log / "mariadbd.log", timeout)

        auth = f"AuthType=auth/munge\nAuthInfo=socket={munge_socket}\n"
        dbd_conf = etc / "slurmdbd.conf"
        dbd_conf.write_text(
            auth
            + f"DbdAddr=127.0.0.1\nDbdHost={host}\nDbdPort={ports['slurmdbd']}\nSlurmUser=root\n"
            + f"PidFile={run / 'slurmdbd.pid'}\nLogFile={log / 'slurmdbd.log'}\nDebugLevel=info\n"
            + "StorageType=accounting_storage/mysql\nStorageHost=127.0.0.1\n"
            + f"StoragePort={ports['mysql']}\nStorageUser=root\nStorageLoc=slurm_acct_db\n")
        dbd_conf.chmod(0o600)
        (etc / "slurm.conf").write_text(
            auth
            + f"ClusterName=lejepa\nSlurmctldHost={host}\nSlurmUser=root\nSlurmdUser=root\n"
            + f"SlurmctldPort={ports['slurmctld']}\nSlurmdPort={ports['slurmd']}\n"
            + f"StateSaveLocation={root / 'state'}\nSlurmdSpoolDir={root / 'spool'}\n"
            + f"SlurmctldPidFile={run / 'slurmctld.pid'}\nSlurmdPidFile={run / 'slurmd.pid'}\n"
            + f"SlurmctldLogFile={log / 'slurmctld.log'}\nSlurmdLogFile={log / 'slurmd.log'}\n"
            + "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\nKillWait=2\nMpiDefault=none\n"
            + "ReturnToService=2\nSchedulerType=sched/backfill\nSelectType=select/cons_tres\n"
            + "SelectTypeParameters=CR_CPU\nJobAcctGatherType=jobacct_gather/none\nJobCompType=jobcomp/none\n"
            + "AccountingStorageType=accounting_storage/slurmdbd\nAccountingStorageHost=127.0.0.1\n"
            + f"AccountingStoragePort={ports['slurmdbd']}\nAccountingStoragePass={munge_socket}\n"
            + "SlurmdParameters=config_overrides\nInactiveLimit=0\nMinJobAge=300\nSlurmctldTimeout=30\n"
            + "SlurmdTimeout=30\nMessageTimeout=20\n"
            + f"NodeName={host} NodeAddr=127.0.0.1 CPUs={cpus} State=UNKNOWN\n"
            + "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP\n")

        pid = run / "slurmdbd.pid"
        proc = launch("slurmdbd", [which("slurmdbd"), "-D"], pid)
        _wait("slurmdbd", lambda: _port_open(ports["slurmdbd"]), proc, log / "slurmdbd.log", timeout)
        pid = run / "slurmctld.pid"
        proc = launch("slurmctld", [which("slurmctld"), "-D", "-i"], pid)
        _wait("slurmctld", lambda: _port_open(ports["slurmctld"]), proc, log / "slurmctld.log", timeout)
        pid = run / "slurmd.pid"
        proc = launch("slurmd", [which("slurmd"), "-D", "-N", host], pid)

        def node_idle() -> bool:
            done = cluster.run("sinfo", "-h", "-o", "%t")
            return done.returncode == 0 and done.stdout.strip() in ("idle", "mix", "alloc")

        _wait("slurmd", node_idle, proc, log / "slurmd.log", timeout)

        def accounting() -> bool:
            return cluster.run("sacct", "-n", "-X", "-S", "now-1minutes").returncode == 0

        _wait("accounting (sacct)", accounting, proc, log / "slurmdbd.log", timeout)
    except BaseException:
        cluster.stop()
        raise
    return cluster
