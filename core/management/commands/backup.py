"""`manage.py backup`: take an encrypted backup of the database and the private files into BACKUP_DIR
(core/backup.py, docs/backup.md) and apply the retention rule. Celery beat runs it nightly."""

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Take an encrypted backup (database + private files + manifest) and prune old ones."

    def handle(self, *args, **options):
        try:
            backup = backup_create()
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(backup.manifest["table_counts"].values())
        self.stdout.write(f"{backup.path}: {rows} rows in {len(backup.manifest['table_counts'])} tables, "
                          f"{len(backup.manifest['files'])} encrypted files")
