"""Verify the hash chains (the audit trail, the requests' timelines; core/audit_chain.py); exit status 1 when one is broken.

    manage.py audit_chain_verify            # a summary; the head digest to compare with the log archive
    manage.py audit_chain_verify --json     # one JSON report per chain and line (monitoring)
"""

import json

from django.core.management.base import BaseCommand, CommandError

from core.audit_chain import audit_chain_verify, chains


class Command(BaseCommand):
    help = ("Verify the hash chains (the audit trail, the requests' timelines): changed, deleted or unsealed "
            "events are reported.")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the reports as JSON, one line per chain")

    def handle(self, *args, **options):
        broken = []
        for chain in chains():
            report = audit_chain_verify(chain=chain)
            problems = {"changed": report.changed, "missing": report.missing, "gaps": report.gaps,
                        "unsealed": report.unsealed}
            if options["json"]:
                self.stdout.write(json.dumps({"chain": chain.name, "intact": report.intact, "links": report.links,
                                              "head_seq": report.head_seq, "head_digest": report.head_digest,
                                              **problems}))
            else:
                self.stdout.write(f"{chain.name}: links: {report.links}, head #{report.head_seq} {report.head_digest}")
                for name, items in problems.items():
                    if items:
                        shown = ", ".join(map(str, items[:20])) + (" …" if len(items) > 20 else "")
                        self.stdout.write(f"  {name}: {len(items)} ({shown})")
            if not report.intact:
                broken.append(f"the {chain.name} chain is broken: "
                              + ", ".join(f"{len(v)} {k}" for k, v in problems.items() if v))
        if broken:
            raise CommandError("; ".join(broken))
        if not options["json"]:
            self.stdout.write(self.style.SUCCESS("every hash chain is intact"))
