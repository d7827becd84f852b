"""Expired application drafts (gov_services/requests/services/drafts.py) deleted with their files, on Celery beat
(config/settings/tasks.py CELERY_BEAT_SCHEDULE). Idempotent; concurrent runs skip each other's rows."""

from celery import shared_task

from gov_services.requests.services.drafts import application_drafts_expire


@shared_task(acks_late=True, ignore_result=True)
def application_drafts_cleanup() -> int:
    """Delete expired drafts in batches until none is left; returns how many were deleted."""
    total = 0
    while deleted := application_drafts_expire():
        total += deleted
    return total
