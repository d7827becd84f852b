"""`manage.py supervise`: run the supervision sweep once, now (or for `--at`), with a progress bar."""

from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.progress import Progress
from core.timeutil import COUNTY_TZ
from gov_services.models import SupervisionSweep
from gov_services.supervision.services.sweep import supervision_sweep_run, sweep_stage_count


class Command(BaseCommand):
    help = ("Issue yellow and red cards, take due escalation steps and close stale returned requests. "
            "Idempotent: running it again at the same moment issues nothing new.")

    def add_arguments(self, parser):
        parser.add_argument("--at", help="sweep as of this Beijing-time moment, e.g. 2025-06-03T09:00 "
                                         "(default: now)")

    def handle(self, *args, at=None, **options):
        now = self._moment(at) if at else timezone.now()
        with Progress(sweep_stage_count(), self.stdout) as bar:
            sweep = supervision_sweep_run(now=now, trigger=SupervisionSweep.Trigger.COMMAND, on_stage=bar.step)
        counts = sweep.counts
        self.stdout.write(self.style.SUCCESS(
            f"Sweep {sweep.pk} for {timezone.localtime(now):%Y-%m-%d %H:%M}: {counts['yellow']} yellow, "
            f"{counts['red']} red, {counts['escalations']} escalations, {counts['expired']} returned closed, "
            f"{counts.get('texts', 0)} texts in {(sweep.finished_at - sweep.started_at).total_seconds():.1f} s."))

    @staticmethod
    def _moment(text: str) -> datetime:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError as error:
            raise CommandError(f"--at: {error}") from None
        return moment if moment.tzinfo else moment.replace(tzinfo=COUNTY_TZ)
