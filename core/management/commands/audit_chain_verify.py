"""Verify the hash chain over the audit trail (core/audit_chain.py); exit status 1 when it is broken.

    manage.py audit_chain_verify            # a summary; the head digest to compare with the log archive
    manage.py audit_chain_verify --json     # the report as JSON (monitoring, the restore drill)
"""

import json

from django.core.management.base import BaseCommand, CommandError

from core.audit_chain import audit_chain_verify


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain: changed, deleted or unsealed audit events are reported."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args, **options):
        report = audit_chain_verify()
        problems = {"changed": report.changed, "missing": report.missing, "gaps": report.gaps,
                    "unsealed": report.unsealed}
        if options["json"]:
            self.stdout.write(json.dumps({"intact": report.intact, "links": report.links, "head_seq": report.head_seq,
                                          "head_digest": report.head_digest, **problems}))
        else:
            self.stdout.write(f"links: {report.links}, head #{report.head_seq} {report.head_digest}")
            for name, items in problems.items():
                if items:
                    shown = ", ".join(map(str, items[:20])) + (" …" if len(items) > 20 else "")
                    self.stdout.write(f"{name}: {len(items)} ({shown})")
        if not report.intact:
            raise CommandError("the audit chain is broken: "
                               + ", ".join(f"{len(v)} {k}" for k, v in problems.items() if v))
        if not options["json"]:
            self.stdout.write(self.style.SUCCESS("the audit chain is intact"))
