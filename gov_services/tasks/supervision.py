"""The supervision sweep on Celery beat (config/settings/tasks.py CELERY_BEAT_SCHEDULE): one task records
the sweep and fans the regions out, one task per county (a group), so that workers sweep counties in
parallel. Without a broker (eager Celery) the group runs the counties one after another, inline."""

from celery import group, shared_task

from gov_services.models import SupervisionSweep
from gov_services.supervision.services.sweep import supervision_sweep_open, supervision_sweep_region_run
from stations.models import Region


@shared_task(acks_late=True, ignore_result=True)
def supervision_sweep() -> int:
    """Record a sweep for now and hand each county to supervision_sweep_region; returns the sweep's id.
    Safe to overlap with another run (nothing is issued twice)."""
    sweep = supervision_sweep_open(trigger=SupervisionSweep.Trigger.BEAT)
    regions = sweep.counts["regions"]
    if regions:
        group(supervision_sweep_region.si(sweep.pk, region_id) for region_id in regions).apply_async()
    return sweep.pk


@shared_task(acks_late=True, ignore_result=True)
def supervision_sweep_region(sweep_id: int, region_id: int) -> dict:
    """Sweep one county for its sweep's moment. A redelivery (acks_late) issues nothing new."""
    sweep = SupervisionSweep.objects.get(pk=sweep_id)
    region = Region.objects.get(pk=region_id)
    return supervision_sweep_region_run(sweep=sweep, region=region)
