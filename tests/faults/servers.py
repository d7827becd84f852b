"""The services a fault test starts, stops and kills on its own: a PostgreSQL cluster in a temporary
directory (initdb/pg_ctl), a redis-server and Celery worker processes, all on free loopback ports —
never the machine's shared PostgreSQL or Redis.

A binary that is missing skips the test with the reason, or fails it where FAULTS_REQUIRE is set (CI)."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def need(binary: str | None, what: str) -> str:
    """The binary's path; a missing one skips the test (fails it under FAULTS_REQUIRE=1)."""
    if binary:
        return binary
    reason = f"{what} is not installed (scripts/install-system-deps.sh installs it)"
    if os.environ.get("FAULTS_REQUIRE"):
        pytest.fail(f"FAULTS_REQUIRE is set but {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_listening(port: int, what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on {port} within {seconds} s")


def wait_until(condition, *, seconds: float, step: float = 0.1, what: str = "the condition"):
    """condition()'s first true value, polled; fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {seconds} s")
        time.sleep(step)


def broker_holds(url: str) -> int:
    """Messages a Redis broker still holds: queued, or handed out and not acknowledged."""
    import redis

    client = redis.Redis.from_url(url)
    return client.llen("celery") + client.hlen("unacked")


@dataclass
class RedisServer:
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_listening(self.port, "redis-server", 10)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


def postgres_bin_dir() -> str | None:
    """The newest /usr/lib/postgresql/*/bin with initdb (or initdb on PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name)
                   if Path(p).parent.parent.name.isdigit() else 0)
    if found:
        return str(Path(found[-1]).parent)
    on_path = shutil.which("initdb")
    return str(Path(on_path).parent) if on_path else None


@dataclass
class PostgresCluster:
    """A throw-away cluster: initdb into a temporary directory, pg_ctl to start, restart and stop it.
    PostgreSQL refuses to run as root, so there it runs as the `postgres` system user."""

    bin_dir: str
    port: int
    directory: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="cunzhan-faults-pg-")))

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(Path(self.bin_dir) / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    def init(self, snapshot: Path | None = None) -> None:
        """initdb, or a copy of `snapshot` (the data directory a previous run left, whose migrated test
        template spares this run the migrations: tests/db_template.py rebuilds it when they changed)."""
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        if snapshot is not None and (snapshot / "PG_VERSION").exists():
            subprocess.run(["cp", "-a", str(snapshot), str(self.data)], check=True, timeout=300)
            (self.data / "postmaster.pid").unlink(missing_ok=True)
        else:
            self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync",
                      "--locale=C")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.directory}'\n"
                       "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 60\n"
                       "shared_buffers = 64MB\n")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.directory / "log"), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop", check=False)

    def copy_database(self, source_url: str, name: str) -> bool:
        """Copy the database `source_url` names (on another server) into this cluster as `name`, through
        pg_dump | pg_restore; False, with nothing made, when the source is not there or the copy fails."""
        dump = subprocess.Popen([str(Path(self.bin_dir) / "pg_dump"), "--format=custom", "--dbname", source_url],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        here = f"postgresql://postgres@127.0.0.1:{self.port}"
        building = f"{name}_building"
        psql = [str(Path(self.bin_dir) / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "--dbname", f"{here}/postgres", "-c"]
        subprocess.run([*psql, f'DROP DATABASE IF EXISTS "{building}"'], check=True, capture_output=True)
        subprocess.run([*psql, f'CREATE DATABASE "{building}" TEMPLATE template0'], check=True, capture_output=True)
        restore = subprocess.run([str(Path(self.bin_dir) / "pg_restore"), "--exit-on-error", "--single-transaction",
                                  "--dbname", f"{here}/{building}"], stdin=dump.stdout, capture_output=True,
                                 timeout=600)
        dump.stdout.close()
        if dump.wait() != 0 or restore.returncode != 0:
            subprocess.run([*psql, f'DROP DATABASE IF EXISTS "{building}"'], check=False, capture_output=True)
            return False
        subprocess.run([*psql, f'ALTER DATABASE "{building}" RENAME TO "{name}"'], check=True, capture_output=True)
        return True

    def save(self, snapshot: Path) -> None:
        """Stop cleanly and keep the data directory as `snapshot` for the next run."""
        self.stop("fast")
        partial = snapshot.with_name(snapshot.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        subprocess.run(["cp", "-a", str(self.data), str(partial)], check=True, timeout=300)
        shutil.rmtree(snapshot, ignore_errors=True)
        partial.rename(snapshot)

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


@dataclass
class CeleryWorker:
    """`celery -A config worker` in a process group of its own, against the test's database and broker."""

    env: dict
    concurrency: int = 1
    process: subprocess.Popen | None = None
    log: Path | None = None

    def start(self, **extra_env: str) -> None:
        self.log = Path(tempfile.mkstemp(prefix="cunzhan-faults-worker-", suffix=".log")[1])
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=prefork",
             f"--concurrency={self.concurrency}", "--without-mingle", "--without-gossip", "--without-heartbeat",
             "-l", "info", "-n", f"faults-{os.getpid()}-{time.monotonic_ns()}@%h"],
            cwd=ROOT, env={**os.environ, **self.env, **extra_env}, start_new_session=True,
            stdout=self.log.open("w"), stderr=subprocess.STDOUT)

    def wait_ready(self, seconds: float = 300) -> None:
        wait_until(lambda: self.log.exists() and "ready." in self.log.read_text(errors="replace"),
                   seconds=seconds, step=0.2, what="the Celery worker's start")

    def kill(self) -> None:
        """SIGKILL to the whole worker (main process and its pool children): no goodbye to the broker."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
            self.process = None

    def children(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def stop(self) -> None:
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
            self.kill()
