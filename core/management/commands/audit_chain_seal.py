"""Link the settled audit events into the hash chain now (Celery beat does it every minute)."""

from django.core.management.base import BaseCommand

from core.audit_chain import audit_chain_seal


class Command(BaseCommand):
    help = "Link every settled, unsealed audit event into the audit trail's hash chain."

    def handle(self, *args, **options):
        self.stdout.write(f"linked {audit_chain_seal()} audit event(s)")
