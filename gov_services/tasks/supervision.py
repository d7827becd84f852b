"""The supervision sweep on Celery beat (config/settings/base.py CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from gov_services.models import SupervisionSweep
from gov_services.services.supervision import supervision_sweep_run


@shared_task(acks_late=True)
def supervision_sweep() -> dict:
    """Issue due cards and escalations; safe to overlap with another run (nothing is issued twice)."""
    return supervision_sweep_run(trigger=SupervisionSweep.Trigger.BEAT).counts
