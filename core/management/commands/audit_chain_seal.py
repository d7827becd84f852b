"""Link the settled events into the hash chains now (Celery beat does it every minute)."""

from django.core.management.base import BaseCommand

from core.audit_chain import audit_chain_seal


class Command(BaseCommand):
    help = "Link every settled, unsealed event into its hash chain (the audit trail, the requests' timelines)."

    def handle(self, *args, **options):
        self.stdout.write(f"linked {audit_chain_seal()} event(s)")
