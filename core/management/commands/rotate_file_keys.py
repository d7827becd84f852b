"""Rewrap every private file's data key with the current master key, and encrypt files stored plain.

    FILE_MASTER_KEYS=k2027:<new>,k2026:<old> FILE_MASTER_KEY_ID=k2027 manage.py rotate_file_keys

Keep the old key listed until this has run without failures; then it may be removed.
"""

from django.core.management.base import BaseCommand, CommandError

from core import file_crypto
from core.file_rotation import private_files, private_files_rotate
from core.progress import Progress
from core.storage import current_key_id


class Command(BaseCommand):
    help = "Rewrap private files' data keys with FILE_MASTER_KEY_ID; encrypt files still stored plain."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; write nothing.")

    def handle(self, *args, dry_run=False, **options):
        total = sum(1 for _ in private_files())
        step = max(1, total // 50)
        seen = 0
        self.stdout.write(f"{total} private files; current master key {current_key_id()!r}"
                          + (" (dry run)" if dry_run else ""))
        with Progress(total, self.stdout) as bar:
            def progress(path):
                nonlocal seen
                seen += 1
                if seen % step == 0 or seen == total:
                    bar.step(f"{seen}/{total} files", step if seen % step == 0 else seen % step)

            try:
                result = private_files_rotate(dry_run=dry_run, progress=progress)
            except file_crypto.FileKeyError as error:
                raise CommandError(str(error)) from error
        self.stdout.write(f"rewrapped {result.rewrapped}, encrypted (were plain) {result.encrypted}, "
                          f"already current {result.unchanged}, failed {len(result.failed)}")
        for line in result.failed:
            self.stderr.write(f"  {line}")
        if result.failed:
            raise CommandError(f"{len(result.failed)} files could not be opened with FILE_MASTER_KEYS; "
                               "they were left as they were.")
