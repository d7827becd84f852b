"""Backups a county can restore: the database and the private files, encrypted, with a manifest, kept
by a retention rule; and the restore drill that proves the latest one restores and is whole.

A backup is a folder `<BACKUP_DIR>/cunzhan-<YYYYmmdd-HHMMSS>/` holding

* `database.dump.gpg` (PostgreSQL: `pg_dump --format=custom`) or `database.sqlite3.gpg` (SQLite's
  online backup), and `private.tar.gpg` (PRIVATE_MEDIA_ROOT: scans, signatures, certificates),
  each encrypted by `gpg --symmetric` (AES-256) with BACKUP_PASSPHRASE — PostgreSQL's and GnuPG's own
  tools, so that the county's IT office can restore by hand with the commands in docs/backup.md;
* `manifest.json`: when, the engine, every table's row count *in the dumped snapshot* (PostgreSQL:
  counted in the transaction whose snapshot pg_dump exports; SQLite: counted in the copy), and each
  file's digest (SHA-256, or "sm3:<hex>" under DIGEST_ALGORITHM=sm3).

The drill (`restore_drill`) restores the latest backup into a fresh database beside the live one and
runs `manage.py restore_checks` against it in a child process: row counts as in the manifest, then
every check the apps registered (core/restore_checks.py: the ledger balances, certificates verify …).
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core import digests

MANIFEST = "manifest.json"
PREFIX = "cunzhan-"


class BackupError(RuntimeError):
    """A backup or a restore could not be made; the message says which step and why."""


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest: dict

    @property
    def taken_at(self) -> datetime.datetime:
        return datetime.datetime.fromisoformat(self.manifest["created_at"])


# --- encryption (GnuPG, symmetric) ---------------------------------------------------------------

def _gpg(args: list[str], *, stdin=None, stdout=None) -> subprocess.Popen:
    passphrase = settings.BACKUP_PASSPHRASE
    if not passphrase:
        raise BackupError("BACKUP_PASSPHRASE is not set: backups are always encrypted")
    read, write = os.pipe()
    os.write(write, passphrase.encode("utf-8"))
    os.close(write)
    process = subprocess.Popen(
        ["gpg", "--batch", "--yes", "--quiet", "--pinentry-mode", "loopback", "--passphrase-fd", str(read), *args],
        stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, pass_fds=(read,))
    os.close(read)
    return process


def encrypt_file(plain: Path, sealed: Path) -> None:
    process = _gpg(["--symmetric", "--cipher-algo", "AES256", "--output", str(sealed), str(plain)])
    _wait(process, "gpg --symmetric")


def decrypt_file(sealed: Path, plain: Path) -> None:
    process = _gpg(["--decrypt", "--output", str(plain), str(sealed)])
    _wait(process, "gpg --decrypt (is BACKUP_PASSPHRASE the one the backup was made with?)")


def _wait(process: subprocess.Popen, what: str) -> None:
    _out, err = process.communicate()
    if process.returncode != 0:
        raise BackupError(f"{what} failed: {(err or b'').decode(errors='replace').strip()}")


# --- taking a backup ---------------------------------------------------------------------------------

def _table_counts(cursor, tables: list[str], quote) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


def _postgres_dump(target: Path) -> dict[str, int]:
    """pg_dump of the snapshot of one REPEATABLE READ transaction, whose row counts go in the manifest."""
    db = connection.settings_dict
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _table_counts(cursor, _plain_tables(cursor), connection.ops.quote_name)
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}", "--file", str(target),
             *_pg_connection_args(db)], env=_pg_env(db), capture_output=True)
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.decode(errors='replace').strip()}")
    return counts


def _plain_tables(cursor) -> list[str]:
    """The tables that hold rows (a partitioned table's rows are counted in it, not again in its parts)."""
    cursor.execute("""
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition""")
    return [row[0] for row in cursor.fetchall()]


def _pg_connection_args(db: dict, *, name: str | None = None) -> list[str]:
    args = ["--dbname", name or db["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [flag, str(db[key])]
    return args


def _pg_env(db: dict) -> dict:
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _sqlite_copy(target: Path) -> dict[str, int]:
    with sqlite3.connect(target) as copy:
        connection.ensure_connection()
        connection.connection.backup(copy)
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        tables = [row[0] for row in cursor.fetchall()]
        return _table_counts(cursor, tables, lambda name: '"' + name.replace('"', '""') + '"')


def backup_create(*, now: datetime.datetime | None = None) -> Backup:
    """Take a backup into BACKUP_DIR and apply the retention rule; the Backup made."""
    now = timezone.localtime(now)
    root = Path(settings.BACKUP_DIR)
    folder = root / f"{PREFIX}{now:%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True, exist_ok=False)
    engine = connection.vendor
    try:
        with tempfile.TemporaryDirectory(dir=root) as work:
            work = Path(work)
            plain_db = work / ("database.dump" if engine == "postgresql" else "database.sqlite3")
            counts = _postgres_dump(plain_db) if engine == "postgresql" else _sqlite_copy(plain_db)
            plain_files = work / "private.tar"
            with tarfile.open(plain_files, "w") as archive:
                private = Path(settings.PRIVATE_MEDIA_ROOT)
                if private.exists():
                    archive.add(private, arcname="private")
            files = {}
            for plain in (plain_db, plain_files):
                sealed = folder / f"{plain.name}.gpg"
                encrypt_file(plain, sealed)
                files[sealed.name] = digests.file_fingerprint(sealed)
    except Exception:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    manifest = {"format": "cunzhan-backup-1", "created_at": now.isoformat(), "engine": engine,
                "table_counts": counts, "files": files}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    backups_prune()
    return Backup(folder, manifest)


# --- keeping and finding backups ---------------------------------------------------------------------

def backups_list() -> list[Backup]:
    """Every complete backup (a manifest is written last), newest first."""
    root = Path(settings.BACKUP_DIR)
    found = []
    for folder in sorted(root.glob(f"{PREFIX}*"), reverse=True):
        manifest = folder / MANIFEST
        if manifest.exists():
            found.append(Backup(folder, json.loads(manifest.read_text(encoding="utf-8"))))
    return found


def backups_to_keep(backups: list[Backup], *, daily: int, weekly: int) -> set[Path]:
    """The newest backup of each of the last `daily` days that have one, and of each of the last
    `weekly` ISO weeks that have one (pure)."""
    keep, days, weeks = set(), [], []
    for backup in backups:  # newest first
        day = backup.taken_at.date()
        week = day.isocalendar()[:2]
        if day not in days and len(days) < daily:
            days.append(day)
            keep.add(backup.path)
        if week not in weeks and len(weeks) < weekly:
            weeks.append(week)
            keep.add(backup.path)
    return keep


def backups_prune() -> list[Path]:
    backups = backups_list()
    keep = backups_to_keep(backups, daily=settings.BACKUP_KEEP_DAILY, weekly=settings.BACKUP_KEEP_WEEKLY)
    removed = [b.path for b in backups if b.path not in keep]
    for path in removed:
        shutil.rmtree(path)
    return removed


# --- the restore drill ----------------------------------------------------------------------------------

def verify_files(backup: Backup) -> list[str]:
    problems = []
    for name, digest in backup.manifest["files"].items():
        path = backup.path / name
        if not path.exists():
            problems.append(f"{name}: missing")
        elif not digests.fingerprint_matches(path, digest):
            problems.append(f"{name}: its digest differs from the manifest (damaged or altered)")
    return problems


@dataclass(frozen=True)
class DrillResult:
    backup: Backup
    problems: list[str]
    report: str

    @property
    def ok(self) -> bool:
        return not self.problems


def restore_drill(*, backup: Backup | None = None) -> DrillResult:
    """Restore `backup` (the latest by default) into a fresh database and check it; the database and
    the unpacked files are removed afterwards, whatever the outcome."""
    backups = [backup] if backup else backups_list()
    if not backups:
        raise BackupError(f"no backup in {settings.BACKUP_DIR}")
    backup = backups[0]
    problems = verify_files(backup)
    if problems:
        return DrillResult(backup, problems, "")
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        restore = _restore_postgres if backup.manifest["engine"] == "postgresql" else _restore_sqlite
        with restore(backup, work) as database_url:
            files = work / "private.tar"
            decrypt_file(backup.path / "private.tar.gpg", files)
            with tarfile.open(files) as archive:
                archive.extractall(work / "files", filter="data")
            result = subprocess.run(
                [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "restore_checks",
                 "--manifest", str(backup.path / MANIFEST)],
                # The restored copy only: no replica, no shared cache, no broker, its own files.
                env={**os.environ, "DATABASE_URL": database_url, "REPLICA_DATABASE_URL": "",
                     "CACHE_URL": "locmemcache://restore-drill", "CELERY_BROKER_URL": "",
                     "PRIVATE_MEDIA_ROOT": str(work / "files" / "private")},
                capture_output=True, text=True)
    report = result.stdout + result.stderr
    if result.returncode != 0:
        problems.append("the restored database failed its checks (see the report)")
    return DrillResult(backup, problems, report)


class _restore_sqlite:
    def __init__(self, backup: Backup, work: Path):
        self.backup, self.path = backup, work / "restored.sqlite3"

    def __enter__(self) -> str:
        decrypt_file(self.backup.path / "database.sqlite3.gpg", self.path)
        return f"sqlite:///{self.path}"

    def __exit__(self, *exc):
        self.path.unlink(missing_ok=True)


class _restore_postgres:
    """A fresh database `<name>_drill_<stamp>` with the dump restored in it; dropped on exit."""

    def __init__(self, backup: Backup, work: Path):
        self.backup, self.work = backup, work
        self.db = connection.settings_dict
        self.name = f"{self.db['NAME']}_drill_{timezone.now():%Y%m%d%H%M%S}"[:63]

    def _run(self, args: list[str], what: str) -> None:
        result = subprocess.run(args, env=_pg_env(self.db), capture_output=True)
        if result.returncode != 0:
            raise BackupError(f"{what} failed: {result.stderr.decode(errors='replace').strip()}")

    def __enter__(self) -> str:
        dump = self.work / "database.dump"
        decrypt_file(self.backup.path / "database.dump.gpg", dump)
        server = _pg_connection_args(self.db)[2:]  # host, port, user: not the database
        self._run(["createdb", *server, self.name], "createdb")
        self._run(["pg_restore", "--no-owner", "--exit-on-error", *_pg_connection_args(self.db, name=self.name),
                   str(dump)], "pg_restore")
        user = self.db.get("USER") or ""
        password = f":{self.db['PASSWORD']}" if self.db.get("PASSWORD") else ""
        auth = f"{user}{password}@" if user else ""
        host = self.db.get("HOST") or ""
        port = f":{self.db['PORT']}" if self.db.get("PORT") else ""
        return f"postgres://{auth}{host}{port}/{self.name}"

    def __exit__(self, *exc):
        server = _pg_connection_args(self.db)[2:]
        subprocess.run(["dropdb", "--if-exists", *server, self.name], env=_pg_env(self.db), capture_output=True)
