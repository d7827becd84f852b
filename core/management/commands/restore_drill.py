"""`manage.py restore_drill [--backup PATH]`: restore the latest backup (or the one named) into a fresh
database beside the live one, check it (row counts, ledger, certificates, every registered check) and
remove it again. Exit status 1 when the backup does not restore whole. docs/backup.md."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backups_list, restore_drill


class Command(BaseCommand):
    help = "Restore the latest backup into a fresh database, verify it, and drop it."

    def add_arguments(self, parser):
        parser.add_argument("--backup", help="a backup folder (default: the latest in BACKUP_DIR)")

    def handle(self, *args, backup=None, **options):
        chosen = None
        if backup:
            chosen = next((b for b in backups_list() if b.path == Path(backup).resolve()), None)
            if chosen is None:
                raise CommandError(f"{backup} is not a complete backup in BACKUP_DIR")
        try:
            result = restore_drill(backup=chosen)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"restore drill of {result.backup.path} (taken {result.backup.taken_at:%Y-%m-%d %H:%M})")
        self.stdout.write(result.report.rstrip())
        if not result.ok:
            raise CommandError("; ".join(result.problems))
        self.stdout.write("the backup restores whole")
