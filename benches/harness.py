"""The pieces every benchmark shares: result rows and the table, progress lines, throwaway servers.

A benchmark is a function `(ctx: Context) -> list[Row]` registered in benches/__main__.py. It measures
our code and a baseline in the same run and returns rows; the harness prints one table. Nothing here
asserts a timing: absolute figures on shared 2-core machines drift by up to 2x, ratios much less.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
VAR = ROOT / "var" / "bench"


@dataclass
class Row:
    """One figure: ours against the baseline measured in the same run.

    `fmt` formats both values ("{:,.0f} req/s"); `better` says which way is good ("higher"/"lower") and
    only decorates the ratio. The ratio is always ours / baseline.

    `goal` states the target in words ("≥ 0.5×", "< 1 s"); `met` says whether this run reached it
    (None when the row has no goal, or the run was too small to judge, as in --short).
    """

    figure: str
    ours: float | None
    baseline: float | None
    fmt: str = "{:,.1f}"
    better: str = "higher"
    note: str = ""
    goal: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.ours is None or not self.baseline:
            return None
        return self.ours / self.baseline


@dataclass
class Context:
    duration: float = 10.0  # seconds of measured load per server
    warmup: float = 2.0
    threads: int = 2
    connections: int = 16
    repeat: int = 1  # interleaved runs per server; the table shows medians
    loadgen: str = "auto"  # "auto" (wrk when installed), "wrk" or "python"
    # --short: every benchmark runs end to end on small data with short load, so a broken bench fails CI;
    # its figures prove the code path, not the goal (Row.met is left None).
    short: bool = False
    notes: list[str] = field(default_factory=list)

    def scaled(self, full: int, short: int) -> int:
        """`full` normally, `short` under --short: the size of a benchmark's data."""
        return short if self.short else full

    def judge(self, reached: bool) -> bool | None:
        """Whether a goal was met — unjudged under --short, where the data is too small to say."""
        return None if self.short else reached

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


def progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def _cell(value: float | None, fmt: str) -> str:
    return "—" if value is None else fmt.format(value)


def _goal_cell(row: Row) -> str:
    if not row.goal:
        return ""
    return row.goal + {True: " ✓", False: " ✗", None: ""}[row.met]


def format_table(rows: list[Row]) -> str:
    """A Markdown table: figure | ours | baseline | ratio (ours / baseline; ↑ higher is better, ↓ lower)
    | goal (✓ met in this run, ✗ missed)."""
    header = ("figure", "ours", "baseline", "ratio", "goal")
    body = []
    for row in rows:
        arrow = {"higher": " ↑", "lower": " ↓"}.get(row.better, "")
        figure = row.figure + arrow + (f" ({row.note})" if row.note else "")
        ratio = "—" if row.ratio is None else f"{row.ratio:.2f}×"
        body.append((figure, _cell(row.ours, row.fmt), _cell(row.baseline, row.fmt), ratio, _goal_cell(row)))
    widths = [max(len(cells[i]) for cells in [header, *body]) for i in range(len(header))]

    def line(cells):
        return (
            "| "
            + " | ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            )
            + " |"
        )

    rule = "|" + "|".join(("-" * (w + 1) + ":") if i else ("-" * (w + 2)) for i, w in enumerate(widths)) + "|"
    return "\n".join([line(header), rule, *(line(cells) for cells in body)])


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


def manage(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=check,
    )


SQLITE_TEMPLATE = VAR / "template.sqlite3"
POSTGRES_TEMPLATE = "cz_bench_template"
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"  # where the benches' default databases live
# Templates brought up to date in this run (a `migrate --check` costs a Django start-up: once is enough).
_templates_current: set[str] = set()


def _migrate_sqlite(path: Path, env: dict[str, str], label: str) -> None:
    progress(f"migrating {path.relative_to(ROOT)} ({label})…")
    started = time.monotonic()
    result = manage("migrate", "--no-input", env={**env, "DATABASE_URL": f"sqlite:///{path}"}, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"migrate failed:\n{result.stdout}\n{result.stderr}")
    progress(f"migrated in {time.monotonic() - started:.0f} s")


def sqlite_template(env: dict[str, str]) -> Path:
    """The SQLite database every new SQLite bench database is copied from, migrated once per run."""
    VAR.mkdir(parents=True, exist_ok=True)
    if str(SQLITE_TEMPLATE) not in _templates_current:
        template_env = {**env, "DATABASE_URL": f"sqlite:///{SQLITE_TEMPLATE}"}
        if not SQLITE_TEMPLATE.exists() or manage("migrate", "--check", env=template_env, check=False).returncode:
            _migrate_sqlite(SQLITE_TEMPLATE, env, "the template of every SQLite bench, about two minutes")
        _templates_current.add(str(SQLITE_TEMPLATE))
    return SQLITE_TEMPLATE


def migrated_sqlite(name: str, env: dict[str, str]) -> None:
    """Bring var/bench/<name> (env's DATABASE_URL) up to date: reuse it when `migrate --check` says nothing
    is pending, migrate it when something is; a new one is a copy of the migrated template (a migrate run
    is two minutes of CPU, a copy a fraction of a second)."""
    path = VAR / name
    if path.exists():
        if manage("migrate", "--check", env=env, check=False).returncode == 0:
            progress(f"database {path.relative_to(ROOT)} is up to date")
        else:
            _migrate_sqlite(path, env, "its new migrations")
        return
    template = sqlite_template(env)
    # SQLite's backup API, not a file copy: a copy could miss pages still in the template's write-ahead log.
    with contextlib.closing(sqlite3.connect(template)) as source, contextlib.closing(sqlite3.connect(path)) as copy:
        source.backup(copy)
    progress(f"database {path.relative_to(ROOT)} copied from the migrated template")


def _postgres_database_exists(url: str) -> bool:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def postgres_database_ensure(url: str, *, template: str | None = None) -> None:
    """Create the PostgreSQL database a benchmark's URL names if it is not there yet (each bench has its
    own, so that its data is never another's), as a copy of `template` when one is named."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            progress(f"creating database {name}" + (f" from {template}" if template else ""))
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def _postgres_database_drop(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_migrate_in_place(env: dict[str, str], label: str) -> None:
    """Bring the database env's DATABASE_URL names up to date; one whose migration history no longer
    matches the code is built again from empty."""
    url = env["DATABASE_URL"]
    postgres_database_ensure(url)
    if manage("migrate", "--check", env=env, check=False).returncode == 0:
        progress(f"{label} database is up to date")
        return
    progress(f"migrating the {label} database (minutes, the first time only)…")
    started = time.monotonic()
    result = manage("migrate", "--no-input", env=env, check=False)
    if result.returncode != 0:
        progress(
            f"the {label} database no longer matches the migrations ({_last_line(result.stderr)}); "
            "building it again from empty"
        )
        _postgres_database_drop(url)
        postgres_database_ensure(url)
        result = manage("migrate", "--no-input", env=env, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"migrate failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    progress(f"migrated in {time.monotonic() - started:.0f} s")


def postgres_migrated(env: dict[str, str], label: str) -> None:
    """Bring the PostgreSQL database env's DATABASE_URL names up to date with the code's migrations.

    A new bench database is a copy (CREATE DATABASE … TEMPLATE) of one template migrated once for every
    bench: on a fresh machine six benches cost one migrate run instead of six. Bench databases outlive a
    checkout (their data is reused across runs), so one whose migration history stops matching the code
    (a branch renumbered or dropped a migration, and `migrate` refuses) is made again from the template
    rather than failing the bench."""
    url = env["DATABASE_URL"]
    if _postgres_database_exists(url):
        if manage("migrate", "--check", env=env, check=False).returncode == 0:
            progress(f"{label} bench database is up to date")
            return
        progress(f"migrating the {label} bench database…")
        result = manage("migrate", "--no-input", env=env, check=False)
        if result.returncode == 0:
            return
        progress(
            f"the {label} bench database no longer matches the migrations ({_last_line(result.stderr)}); "
            "making it again from the template"
        )
        _postgres_database_drop(url)
    postgres_database_ensure(url, template=postgres_template(env))


def postgres_template(env: dict[str, str]) -> str:
    """The database (on the server env's DATABASE_URL names) every new PostgreSQL bench database is copied
    from, migrated once per run; returns its name."""
    template_url = f"{env['DATABASE_URL'].rsplit('/', 1)[0]}/{POSTGRES_TEMPLATE}"
    if template_url not in _templates_current:
        _postgres_migrate_in_place({**env, "DATABASE_URL": template_url}, "bench template")
        _templates_current.add(template_url)
    return POSTGRES_TEMPLATE


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else "no message"
