"""Celery: file the request a GeoReport token holds (batch services), and pick up tokens whose first
hand-off to Celery was lost (the broker was down)."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from gov_services.open311.models import Open311Token
from gov_services.open311.services import open311_token_process

STALE_AFTER = timedelta(minutes=5)


@shared_task(acks_late=True, ignore_result=True)
def open311_token_file(token_id: int) -> None:
    open311_token_process(token_id=token_id)


@shared_task(ignore_result=True)
def open311_tokens_redispatch() -> int:
    stale = Open311Token.objects.filter(status=Open311Token.Status.PENDING,
                                        created_at__lt=timezone.now() - STALE_AFTER).values_list("pk", flat=True)
    count = 0
    for token_id in stale[:500]:
        open311_token_file.delay(token_id)
        count += 1
    return count
