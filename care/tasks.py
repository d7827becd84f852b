"""Celery tasks of the care desk: an offer's own timeout (countdown) and the beat sweep (safety net)."""

from celery import shared_task

from care.services.calls.dispatch import care_offer_expire
from care.services.calls.sweep import care_calls_sweep
from care.services.checkins import care_checkins_sweep


@shared_task(name="care.tasks.care_offer_timeout")
def care_offer_timeout(offer_id: int) -> bool:
    """Due CARE_OFFER_MINUTES after the offer: hands it on if still unanswered (early or answered: nothing)."""
    return care_offer_expire(offer_id=offer_id)


@shared_task(name="care.tasks.care_sweep")
def care_sweep() -> dict:
    return {**care_calls_sweep(), **care_checkins_sweep()}
