# ruff: noqa: F811  (pytest fixtures imported from certificate_helpers are redefined as arguments)
"""Backups and the restore drill, for real: pg_dump/pg_restore on PostgreSQL (SQLite's online backup on
SQLite), GnuPG encryption, a fresh database restored beside the test's, and `manage.py restore_checks`
run against it in a child process."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from core.backup import Backup, backup_create, backups_list, backups_to_keep, restore_drill
from tests.gov_services.certificate_helpers import (  # noqa: F401  fixtures
    approved,
    cert_item,
    holder,
    issued,
    seal,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def backup_dir(settings, tmp_path, private_files):
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_PASSPHRASE = "correct horse battery staple"
    return settings.BACKUP_DIR


def test_a_backup_is_encrypted_and_the_drill_restores_it_whole(backup_dir, issued):
    backup = backup_create()

    names = sorted(p.name for p in backup.path.iterdir())
    assert names in (["database.dump.gpg", "manifest.json", "private.tar.gpg"],
                     ["database.sqlite3.gpg", "manifest.json", "private.tar.gpg"])
    for sealed in backup.path.glob("*.gpg"):
        content = sealed.read_bytes()
        assert b"SQLite format 3" not in content and b"PGDMP" not in content and b"%PDF" not in content
    counts = backup.manifest["table_counts"]
    assert counts["gov_services_certificate"] == 1 and counts["gov_services_signingkey"] == 1

    result = restore_drill()
    assert result.ok, result.report
    assert "✓ row counts" in result.report and "✓ ledger" in result.report and "✓ certificates" in result.report


def test_a_damaged_backup_file_fails_the_drill_before_restoring(backup_dir, issued):
    backup = backup_create()
    sealed = next(backup.path.glob("database.*.gpg"))
    data = bytearray(sealed.read_bytes())
    data[len(data) // 2] ^= 0xFF
    sealed.write_bytes(bytes(data))
    result = restore_drill()
    assert not result.ok and "digest differs" in result.problems[0]


def test_a_restore_missing_rows_fails_the_drill(backup_dir, issued):
    backup = backup_create()
    manifest = backup.path / "manifest.json"
    data = json.loads(manifest.read_text())
    data["table_counts"]["gov_services_certificate"] = 2  # as if a row had been lost on the way
    manifest.write_text(json.dumps(data))
    result = restore_drill()
    assert not result.ok and "gov_services_certificate: 1 rows, the backup had 2" in result.report


def test_a_certificate_pdf_that_does_not_restore_fails_the_drill(backup_dir, issued):
    Path(issued.pdf.path).write_bytes(b"%PDF-1.7 not the issued file")
    backup_create()
    result = restore_drill()
    assert not result.ok and f"certificate {issued.serial}: its PDF is missing or not the one issued" in result.report


def test_under_sm3_and_sm2_the_drill_checks_sm3_fingerprints_a_mixed_chain_and_sm2_certificates(
        backup_dir, settings, issued, cert_item, station, officer, county_admin, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from core.audit_chain import audit_chain_seal
    from core.models import AuditSeal
    from gov_services.certificates import services
    from tests.gov_services.certificate_helpers import approved_request

    later = timezone.now() + datetime.timedelta(minutes=10)
    audit_chain_seal(now=later)
    settings.DIGEST_ALGORITHM, settings.CERTIFICATE_TOKEN_ALGORITHM = "sm3", "SM2"
    services.signing_key_rotate(department=cert_item.department, actor=county_admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_issue(request=approved_request(cert_item, station, officer), actor=officer)
    audit_chain_seal(now=later)
    assert set(AuditSeal.objects.values_list("algorithm", flat=True)) == {"sha256", "sm3"}

    backup = backup_create()
    assert all(digest.startswith("sm3:") for digest in backup.manifest["files"].values())
    result = restore_drill()
    assert result.ok, result.report
    assert "✓ certificates" in result.report


def test_backups_are_refused_without_a_passphrase(backup_dir, settings):
    from django.core.management.base import CommandError

    settings.BACKUP_PASSPHRASE = ""
    with pytest.raises(CommandError, match="BACKUP_PASSPHRASE"):
        call_command("backup")
    assert backups_list() == []


def _backup_at(when: datetime.datetime) -> Backup:
    return Backup(Path(f"/b/{when:%Y%m%d-%H%M}"), {"created_at": when.isoformat()})


def test_retention_keeps_the_newest_backup_of_each_recent_day_and_week():
    start = datetime.datetime(2026, 12, 6, 1, 30, tzinfo=datetime.UTC)
    backups = [_backup_at(start - datetime.timedelta(days=n, hours=h)) for n in range(60) for h in (0, 12)]
    keep = backups_to_keep(backups, daily=7, weekly=8)
    days = sorted({b.taken_at.date() for b in backups if b.path in keep}, reverse=True)
    assert len(keep) == len(days)  # one backup per kept day, the newest of it
    assert days[:7] == [start.date() - datetime.timedelta(days=n) for n in range(7)]
    assert len({d.isocalendar()[:2] for d in days}) == 8 and days[-1] > start.date() - datetime.timedelta(weeks=9)
