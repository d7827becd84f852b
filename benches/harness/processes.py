"""Throwaway servers and child processes: gunicorn in a process group of its own, the environment a
bench child runs the project with, `python -m` children that answer JSON, and manage.py commands."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
VENV_BIN = Path(sys.executable).parent
VAR = ROOT / "var" / "bench"

# --- servers -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, timeout: float = 10.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_until_answers(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with status {proc.returncode} before answering {url}")
        try:
            fetch(url, timeout=2.0)
            return
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer {url} within {timeout:.0f} s")


@contextlib.contextmanager
def gunicorn(
    app: str, *, env: dict[str, str], workers: int = 2, name: str = "server", log: Path | None = None
) -> Iterator[str]:
    """Serve `app` with gunicorn (sync workers) on a free loopback port; yield its base URL.

    The server runs in its own process group, which is always stopped (TERM, then KILL) on exit.
    """
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = log or VAR / f"{name}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        str(VENV_BIN / "gunicorn"),
        app,
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--chdir",
        str(ROOT),
        "--log-level",
        "warning",
        "--timeout",
        "60",
    ]
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        wait_until_answers(url + "/", proc)
        yield url
    except RuntimeError as exc:
        raise RuntimeError(f"{name}: {exc}; see {log}") from None
    finally:
        stop_group(proc)


def stop_group(proc: subprocess.Popen, grace: float = 10.0) -> None:
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def clean_env(**overrides: str) -> dict[str, str]:
    """This process's environment without the project's configuration variables, plus `overrides`:
    a benchmark says exactly which database, cache and broker its server uses."""
    drop = {
        "DATABASE_URL",
        "CACHE_URL",
        "REDIS_URL",
        "CELERY_BROKER_URL",
        "CELERY_RESULT_BACKEND",
        "DJANGO_SETTINGS_MODULE",
        "DEBUG",
        "ALLOWED_HOSTS",
        "SECRET_KEY",
        "CONN_MAX_AGE",
    }
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(overrides)
    return env


BENCH_SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789abcdefghij"


def project_env(**overrides: str) -> dict[str, str]:
    """clean_env for a bench child that runs the project itself: local settings without debug, a cache of
    its own process, no broker, quiet logs and a throwaway secret key; `overrides` name the bench's
    database and sizes (and may replace any of these)."""
    return clean_env(
        **{
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DEBUG": "false",
            "CACHE_URL": "locmemcache://bench",
            "CELERY_BROKER_URL": "",
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": BENCH_SECRET_KEY,
            **overrides,
        }
    )


def child_json(module: str, *args: str, env: dict[str, str], timeout: float | None = None) -> dict:
    """Run `python -m module args` under env and return the JSON object its last line of output prints.

    A bench measures in a child process so that Django is set up against the bench's own database; the
    child's stderr passes through to the terminal, and a child that fails stops the bench."""
    child = subprocess.run(
        [sys.executable, "-m", module, *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
        timeout=timeout,
    )
    if child.returncode != 0:
        raise RuntimeError(f"the bench child {module} {' '.join(args)} failed with status {child.returncode}")
    return json.loads(child.stdout.strip().splitlines()[-1])


def bench_script(name: str, child) -> None:
    """A bench module run with `python -m`: with --child, its child (called by `child_json`, the project on
    the path); otherwise the bench `name` alone, through benches/__main__.py."""
    if "--child" in sys.argv:
        sys.path.insert(0, str(ROOT))
        child()
    else:
        from benches.__main__ import main

        sys.exit(main(["--only", name]))


def manage(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=check,
    )
